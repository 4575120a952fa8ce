"""flyte 2's projects and domains, locally (issue 13, item 10): ``with_runcontext(project=,
domain=)`` and ``init(project=, domain=)`` put runs and their cache entries in a namespace, and
``current_project()``/``current_domain()`` inside a task return the run's."""

from __future__ import annotations

import pytest

import flytelike as flyte
from flytelike._v2 import init as _init
from flytelike.engine import Engine
from flytelike.errors import ConfigurationError, InitializationError

env = flyte.TaskEnvironment(name="projects")
BODIES: list[int] = []


@env.task(cache="auto")
async def where(x: int) -> str:
    BODIES.append(x)
    return f"{flyte.current_project()}/{flyte.current_domain()}/{x}"


@env.task
async def parent(x: int) -> str:
    return await where(x)  # a child action: the same run, the same namespace


@pytest.fixture(autouse=True)
def no_init(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_init, "_CONFIG", [])
    monkeypatch.delenv("FLYTELIKE_PROJECT", raising=False)
    monkeypatch.delenv("FLYTELIKE_DOMAIN", raising=False)
    BODIES.clear()


def test_with_runcontext_namespaces_runs_and_the_cache(engine: Engine) -> None:
    ml = flyte.with_runcontext(project="ml", domain="staging")
    first = ml.run(where, 1)
    assert first.outputs() == "ml/staging/1"
    other = flyte.with_runcontext(project="web", domain="staging").run(where, 1)
    assert other.outputs() == "web/staging/1"  # not ml's cache entry
    again = ml.run(where, 1)
    assert again.outputs() == "ml/staging/1" and BODIES == [1, 1]  # ml's entry: a hit
    child = ml.run(parent, 2)
    assert child.outputs() == "ml/staging/2"
    assert [r.name for r in engine.list_runs(project="web")] == [other.name]
    assert {r.name for r in engine.list_runs(project="ml", domain="staging")} == {
        first.name,
        again.name,
        child.name,
    }


def test_init_sets_the_default_namespace(engine: Engine) -> None:
    with pytest.raises(InitializationError):
        flyte.current_project()  # in the driver without init, as flyte
    assert flyte.run(where, 3).outputs() == "flytesnacks/development/3"  # the defaults
    flyte.init(project="team", domain="production")
    run = flyte.run(where, 3)
    assert run.outputs() == "team/production/3" and BODIES == [3, 3]
    rec = engine.store.get_run(run.name)
    assert rec is not None and (rec.project, rec.domain) == ("team", "production")
    # with_runcontext wins over init
    assert flyte.with_runcontext(domain="qa").run(where, 3).outputs() == "team/qa/3"


def test_environment_sets_the_default_namespace(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLYTELIKE_PROJECT", "from-env")
    assert flyte.current_project() == "from-env"  # configured: no InitializationError
    with pytest.raises(InitializationError):
        flyte.current_domain()
    # the engine read its configuration when it was built: a new one reads the variable
    fresh = Engine(engine.config.replace(project="from-env"))
    old = flyte.engine.set_default_engine(fresh)
    try:
        assert flyte.run(where, 4).outputs() == "from-env/development/4"
    finally:
        flyte.engine.set_default_engine(old)
        fresh.close()


def test_bad_names_are_refused_before_anything_runs() -> None:
    with pytest.raises(ConfigurationError, match=r"with_runcontext: project 'my project'"):
        flyte.with_runcontext(project="my project")
    with pytest.raises(ConfigurationError, match=r"domain 7"):
        flyte.with_runcontext(domain=7)  # type: ignore[arg-type]
    assert BODIES == []
