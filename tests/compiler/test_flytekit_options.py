"""flytekit's ``Options`` where flytekit takes them (``FlyteRemote.execute(..., options=)``):
labels and annotations are carried into the run's IR, the raw data prefix, parallelism and
cache setting reach the run. Also ``SourceCode`` (carried in a task's docs) and
``load_implicit_plugins``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flytelike import (
    Annotations,
    Documentation,
    FlyteRemote,
    Labels,
    Options,
    RawOutputDataConfig,
    SourceCode,
    load_implicit_plugins,
    task,
    workflow,
)
from flytelike.engine import Engine


@task
def bump(x: int) -> int:
    return x + 1


@workflow
def bump_wf(x: int = 1) -> int:
    return bump(x=x)


def test_execute_with_options_carries_labels_and_uses_the_prefix(
    flytelike_engine: Engine, tmp_path: Path
) -> None:
    raw = tmp_path / "raw"
    remote = FlyteRemote()
    options = Options(
        labels=Labels({"team": "search"}),
        annotations=Annotations({"ticket": "T-1"}),
        raw_output_data_config=RawOutputDataConfig(str(raw)),
        max_parallelism=2,
    )
    ex = remote.execute(bump_wf, {"x": 4}, wait=True, options=options)
    assert ex.outputs["o0"] == 5
    closure = remote.engine.store.run_closure(ex.id.name)
    (lp,) = closure.launch_plans
    assert closure.primary == lp.id
    assert lp.id.name == bump_wf.name  # stands for the workflow's default launch plan
    assert dict(lp.labels) == {"team": "search"}
    assert dict(lp.annotations) == {"ticket": "T-1"}
    assert lp.max_parallelism == 2
    assert lp.raw_output_data_prefix == str(raw)


def test_options_without_carried_fields_run_the_workflow_itself(flytelike_engine: Engine) -> None:
    remote = FlyteRemote()
    ex = remote.execute(bump_wf, {"x": 1}, wait=True, options=Options(max_parallelism=1))
    assert ex.outputs["o0"] == 2
    closure = remote.engine.store.run_closure(ex.id.name)
    assert not closure.launch_plans


def test_labels_on_a_task_execution_say_to_run_a_workflow(flytelike_engine: Engine) -> None:
    with pytest.raises(ValueError, match="carried by a workflow's launch plan"):
        FlyteRemote().execute(bump, {"x": 1}, options=Options(labels=Labels({"a": "b"})))
    with pytest.raises(TypeError, match=r"options must be a flytelike\.Options"):
        FlyteRemote().execute(bump_wf, {"x": 1}, options={"labels": {}})


def test_default_from() -> None:
    o = Options.default_from(k8s_service_account="runner", raw_data_prefix="s3://b/p")
    assert o.raw_data_prefix == "s3://b/p"
    assert o.security_context is not None
    assert o.security_context.run_as == {"k8s_service_account": "runner"}


def test_source_code_is_carried_in_a_tasks_docs() -> None:
    @task(docs=Documentation(short_description="adds", source_code=SourceCode(link="https://x/y")))
    def documented(x: int) -> int:
        return x

    docs = documented.template().metadata.docs
    assert docs is not None and json.loads(docs.json)["source_code"] == {"link": "https://x/y"}


def test_load_implicit_plugins_loads_type_plugins_now() -> None:
    import typesystem

    load_implicit_plugins()
    load_implicit_plugins()  # (once: the second call loads nothing)
    assert typesystem.default_registry()._plugins_loaded
