"""flyte 2's apps served locally (issue 13, item 11): an ``AppEnvironment`` with a FastAPI app
(seed 004's hello app), an ``@env.server`` function and a ``command`` are started on a free port
by ``flytelike.serve``, requested over HTTP and stopped."""

from __future__ import annotations

import sys
import urllib.request
from typing import Any

import pytest

import flytelike as flyte
from flytelike.app import AppEnvironment, AppStartError, Port, Scaling
from flytelike.app.extras import FastAPIAppEnvironment
from flytelike.errors import DefinitionError

from .serving import free_port, get_json, json_server, refused


def test_fastapi_app_is_served_requested_and_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    from fastapi import FastAPI

    monkeypatch.delenv("GREETING", raising=False)
    app = FastAPI(title="Hello World API", version="1.0.0")
    events: list[str] = []

    @app.get("/")
    async def root() -> dict[str, Any]:
        import os

        return {"message": "Hello, World!", "greeting": os.environ.get("GREETING")}

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "healthy"}

    env = FastAPIAppEnvironment(
        name="hello-app",
        app=app,
        port=free_port(),
        resources=flyte.Resources(cpu=1, memory="512Mi"),
        requires_auth=False,
        env_vars={"GREETING": "hi"},
        scaling=Scaling(replicas=(1, 2)),
    )
    env.on_startup(lambda: events.append("startup"))

    @env.on_shutdown
    async def bye() -> None:
        events.append("shutdown")

    assert [link.path for link in env.links] == ["/docs"]
    handle = flyte.serve(env)
    try:
        assert handle.url == f"http://127.0.0.1:{env.port.port}" == handle.endpoint
        assert handle.is_running() and events == ["startup"]
        assert get_json(handle.url + "/") == {"message": "Hello, World!", "greeting": "hi"}
        assert get_json(handle.url + "/health") == {"status": "healthy"}
        with pytest.raises(AppStartError, match=f"port {env.port.port} .* already in use"):
            flyte.serve(env)
    finally:
        handle.stop()
    assert not handle.is_running() and events == ["startup", "shutdown"]
    assert refused(handle.url + "/health")
    import os

    assert "GREETING" not in os.environ  # restored when the app stopped


def test_server_function_and_command_apps() -> None:
    port = free_port()
    env = AppEnvironment(name="plain-server", port=port)

    stop = json_server(env, lambda path: {"path": path})
    with flyte.with_servecontext(log_level="error").serve(env) as handle:
        assert get_json(handle.url + "/x") == {"path": "/x"}
        stop.set()
    assert not handle.is_running()

    cmd_port = free_port()
    cmd = AppEnvironment(
        name="cmd-app",
        port=cmd_port,
        command=[sys.executable, "-m", "http.server", str(cmd_port), "--bind", "127.0.0.1"],
    )
    handle = flyte.serve(cmd)
    try:
        with urllib.request.urlopen(handle.url + "/", timeout=10) as r:
            assert r.status == 200
    finally:
        handle.stop()
    assert not handle.is_running()


def test_app_functions_receive_the_parameters_they_name() -> None:
    # flyte-sdk's apps/pickled_app.py: on_startup(foo), server(foo), on_shutdown(**kwargs)
    import logging

    from flytelike.app import Parameter

    port = free_port()
    env = AppEnvironment(
        name="param-funcs", port=port, parameters=[Parameter(name="foo", value="bar")]
    )
    seen: dict[str, Any] = {}
    env.on_startup(lambda foo: seen.update(startup=foo))
    env.on_shutdown(lambda **kwargs: seen.update(shutdown=kwargs))
    stop = json_server(env, lambda path: {"startup": seen.get("startup")})
    ctx = flyte.with_servecontext(log_level=logging.ERROR)  # (flyte's form of the level)
    assert ctx.log_level == "error"
    with ctx.serve(env) as handle:
        assert get_json(handle.url + "/") == {"startup": "bar"}
        stop.set()
    assert seen["shutdown"] == {"foo": "bar"}


def test_a_task_environment_may_depend_on_an_app() -> None:
    # flyte-sdk's apps/deploy_app_in_task.py: TaskEnvironment(depends_on=[app_env])
    served = AppEnvironment(name="dep-app", port=free_port())
    tasks = flyte.TaskEnvironment("dep-tasks", depends_on=[served])
    other = flyte.TaskEnvironment("dep-tasks-2")
    other.add_dependency(served)
    assert tasks.depends_on == other.depends_on == [served]
    with pytest.raises(
        DefinitionError, match="depends_on takes TaskEnvironments and AppEnvironments"
    ):
        flyte.TaskEnvironment("dep-bad", depends_on=["dep-app"])  # type: ignore[list-item]


def test_apps_that_cannot_be_served_and_bad_settings() -> None:
    with pytest.raises(DefinitionError, match="lower case alphanumeric"):
        AppEnvironment(name="Hello_App")
    with pytest.raises(DefinitionError, match="port 9090 is not allowed"):
        AppEnvironment(name="a", port=9090)
    with pytest.raises(DefinitionError, match="replicas"):
        Scaling(replicas=(2, 1))
    with pytest.raises(DefinitionError, match=r"must be a fastapi\.FastAPI"):
        FastAPIAppEnvironment(name="a", app=object())
    with pytest.raises(AppStartError, match="nothing to serve"):
        flyte.serve(AppEnvironment(name="empty", port=free_port()))
    exits = AppEnvironment(name="exits", port=free_port(), command=[sys.executable, "-c", "pass"])
    with pytest.raises(AppStartError, match="could not be served: it exited"):
        flyte.serve(exits)
    with pytest.raises(TypeError, match="unknown parameter"):
        flyte.with_servecontext(colour="blue")
    assert Port(8081).port == 8081
    from flytelike.app import ConnectorEnvironment  # (tests/v2/test_connectors.py)

    assert issubclass(ConnectorEnvironment, AppEnvironment)
