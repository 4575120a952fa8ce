"""flytekit's ``Options`` where flytekit takes them (``FlyteRemote.execute(..., options=)``,
``register_workflow``/``register_launch_plan``/``register_script(..., options=)``): labels and
annotations are carried into the run's IR (a task's run through its ``.flytegen`` workflow), the
raw data prefix, parallelism and cache setting reach the run. Also ``SourceCode`` (carried in a task's docs) and
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


def test_labels_on_a_task_execution_run_it_through_its_flytegen_workflow(
    flytelike_engine: Engine,
) -> None:
    remote = FlyteRemote()
    options = Options(labels=Labels({"a": "b"}), annotations=Annotations({"c": "d"}))
    ex = remote.execute(bump, {"x": 1}, wait=True, options=options)
    assert ex.is_successful and ex.outputs["o0"] == 2
    closure = remote.engine.store.run_closure(ex.id.name)
    (lp,) = closure.launch_plans
    (wf,) = closure.workflows
    assert closure.primary == lp.id and lp.id.name == bump.name
    assert lp.workflow == wf.id and wf.id.name == ".flytegen." + bump.name
    assert dict(lp.labels) == {"a": "b"} and dict(lp.annotations) == {"c": "d"}
    assert [v.name for v in lp.interface.outputs] == ["o0"]
    with pytest.raises(TypeError, match=r"options must be a flytelike\.Options"):
        FlyteRemote().execute(bump_wf, {"x": 1}, options={"labels": {}})


@task
def shift(x: int, by: int = 10) -> int:
    return x + by


def test_a_task_executed_with_labels_keeps_its_defaults(flytelike_engine: Engine) -> None:
    options = Options(labels=Labels({"team": "t"}))
    ex = FlyteRemote().execute(shift, {"x": 1}, wait=True, options=options)
    assert ex.outputs["o0"] == 11


def test_register_workflow_options_are_carried_by_its_default_launch_plan(
    flytelike_engine: Engine, tmp_path: Path
) -> None:
    remote = FlyteRemote()
    options = Options(
        labels=Labels({"env": "test"}),
        raw_output_data_config=RawOutputDataConfig(str(tmp_path / "raw")),
        max_parallelism=3,
    )
    assert remote.register_workflow(bump_wf, version="v1", options=options) is bump_wf
    lp = remote.fetch_launch_plan(name=bump_wf.name)
    tmpl = lp.template()
    assert dict(tmpl.labels) == {"env": "test"} and tmpl.max_parallelism == 3
    ex = remote.execute(lp, {"x": 2}, wait=True)
    assert ex.outputs["o0"] == 3
    (carried,) = remote.engine.store.run_closure(ex.id.name).launch_plans
    assert dict(carried.labels) == {"env": "test"}
    assert carried.raw_output_data_prefix == str(tmp_path / "raw")
    with pytest.raises(ValueError, match="default_launch_plan=False registers none"):
        remote.register_workflow(bump_wf, default_launch_plan=False, options=options)


def test_register_launch_plan_and_script_options(flytelike_engine: Engine) -> None:
    from flytelike import LaunchPlan

    remote = FlyteRemote()
    base = LaunchPlan.get_or_create(bump_wf, "bump_lp_opts", labels=Labels({"a": "1", "b": "2"}))
    got = remote.register_launch_plan(
        base, version="v1", options=Options(labels=Labels({"a": "x"}))
    )
    assert got is not base and dict(got.template().labels) == {"a": "x"}
    assert remote.fetch_launch_plan(name="bump_lp_opts") is got
    assert dict(base.template().labels) == {"a": "1", "b": "2"}  # (the original is unchanged)
    remote.register_script(bump_wf, options=Options(annotations=Annotations({"k": "v"})))
    fetched = remote.fetch_launch_plan(name=bump_wf.name)
    assert dict(fetched.template().annotations) == {"k": "v"}
    with pytest.raises(TypeError, match="register_task takes no options"):
        remote.register_task(bump, options=Options(labels=Labels({"a": "b"})))
    with pytest.raises(TypeError, match="register_task takes no options"):
        remote.register_script(bump, options=Options(labels=Labels({"a": "b"})))
    with pytest.raises(TypeError, match=r"options must be a flytelike\.Options"):
        remote.register_launch_plan(base, options={"labels": {}})


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
