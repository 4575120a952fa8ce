"""flyte 2's app values known when the app is served (issue 13): ``RunOutput`` (a run's output,
from the local run store) and ``AppEndpoint`` (another served app's URL) as ``Parameter``
values; ``Timeouts(request=)`` honoured for an ASGI app; ``Subdomain`` resolved as flyte does;
``flyte.deploy`` of an app serves it as a ``DeployedAppEnvironment``."""

from __future__ import annotations

import asyncio
import hashlib
import socket
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest

import flytelike as flyte
from flytelike import app
from flytelike.errors import DefinitionError, ParameterMaterializationError
from flytelike.models import SerializationContext

from .serving import free_port, get_json, params_app

env = flyte.TaskEnvironment("app_values")


@env.task
async def train(name: str) -> tuple[str, flyte.io.File]:
    path = Path(flyte.ctx().raw_data_path.path) / "model.txt"  # type: ignore[union-attr]
    path.write_text(f"weights of {name}")
    return f"model-{name}", await flyte.io.File.from_local(str(path))


def test_run_outputs_are_read_from_the_run_store_when_the_app_is_served() -> None:
    first = flyte.run(train, name="a")
    flyte.run(train, name="b")  # the latest succeeded run of the task
    served, stop = params_app(
        "values-app",
        [
            app.Parameter("latest", app.RunOutput(type="string", task_name="app_values.train")),
            app.Parameter("weights", app.RunOutput(type="file", run_name=first.name, getter=(1,))),
        ],
    )
    with flyte.serve(served) as handle:
        got = get_json(handle.url + "/")
        stop.set()
    assert got["latest"] == "model-b"
    assert Path(got["weights"]).read_text() == "weights of a"
    value = app.RunOutput(type="string", run_name=first.name)
    assert asyncio.run(value.materialize()) == "model-a"


def test_run_outputs_that_cannot_be_resolved_are_named() -> None:
    flyte.run(train, name="a")
    with pytest.raises(DefinitionError, match="exactly one of run_name"):
        app.RunOutput(type="string")
    with pytest.raises(DefinitionError, match="expected one of string, file, directory"):
        app.RunOutput(type="app_endpoint", run_name="r")
    cases = [
        (app.RunOutput(type="string", run_name="nope"), "no run named 'nope'"),
        (app.RunOutput(type="string", task_name="app_values.other"), "no succeeded run"),
        (app.RunOutput(type="file", task_name="app_values.train"), "is a str, not the file"),
        (app.RunOutput(type="string", task_name="app_values.train", getter=(5,)), "getter"),
        (
            app.RunOutput(type="string", task_name="app_values.train", task_version="v1"),
            "record no task version",
        ),
    ]
    for value, message in cases:
        with pytest.raises(ParameterMaterializationError, match=message):
            value.resolve()
    served = app.AppEnvironment(
        name="unresolved", port=free_port(), parameters=[app.Parameter("p", cases[0][0])]
    )
    with pytest.raises(ParameterMaterializationError, match="no run named"):
        flyte.serve(served)


def test_an_app_endpoint_is_the_served_apps_url() -> None:
    upstream, upstream_stop = params_app("upstream", [app.Parameter("x", "1")])
    client, client_stop = params_app(
        "client", [app.Parameter("up", app.AppEndpoint(app_name="upstream"))]
    )
    with pytest.raises(ParameterMaterializationError, match="no app named 'upstream'"):
        flyte.serve(client)
    with flyte.serve(upstream) as up:
        with flyte.serve(client) as handle:
            got = get_json(handle.url + "/")
            client_stop.set()
        upstream_stop.set()
    assert got == {"up": up.url}
    endpoint = app.AppEndpoint(app_name="upstream")
    assert asyncio.run(endpoint.materialize()) is endpoint  # (its URL is known when served)


def test_request_timeouts_are_honoured_for_an_asgi_app() -> None:
    fastapi = pytest.importorskip("fastapi")
    from flytelike.app.extras import FastAPIAppEnvironment

    api = fastapi.FastAPI()

    @api.get("/slow")
    async def slow() -> dict[str, str]:
        await asyncio.sleep(5)
        return {"done": "late"}

    @api.get("/fast")
    async def fast() -> dict[str, str]:
        return {"done": "now"}

    served = FastAPIAppEnvironment(
        name="timeouts-app",
        app=api,
        port=free_port(),
        timeouts=app.Timeouts(request=timedelta(seconds=0.3)),
    )
    assert served.timeouts.request == timedelta(seconds=0.3)
    with flyte.serve(served) as handle:
        assert get_json(handle.url + "/fast") == {"done": "now"}
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(handle.url + "/slow", timeout=10)
    assert err.value.code == 504 and b"timed out after 0.3s" in err.value.read()


def test_timeouts_and_subdomains_are_validated_and_resolved() -> None:
    assert app.Timeouts(request=30).request == timedelta(seconds=30)
    assert app.Timeouts().request is None
    for bad in (timedelta(hours=2), -1, "5"):
        with pytest.raises(DefinitionError):
            app.Timeouts(request=bad)  # type: ignore[arg-type]
    with pytest.raises(DefinitionError, match="timeouts must be"):
        app.AppEnvironment(name="x", timeouts=30)  # type: ignore[arg-type]
    sub = app.Subdomain.from_app_name("api")
    served = app.AppEnvironment(name="sub-app", port=free_port(), domain=app.Domain(sub))
    sctx = SerializationContext(version="1", project="ml", domain="prod")
    digest = hashlib.sha256(b"ml-prod").hexdigest()[:8]
    assert sub.resolve(served, sctx) == f"api-{digest}"
    assert app.Subdomain.from_app_name("api", "default").resolve(served, sctx) == "api-ml-prod"
    custom = app.Subdomain.from_function(lambda e, c: f"{e.name}-{c.domain}")
    assert custom.resolve(served, sctx) == "sub-app-prod"
    with pytest.raises(DefinitionError, match="exactly one of"):
        app.Subdomain()
    with pytest.raises(DefinitionError, match="a project and a domain are needed"):
        sub.resolve(served, SerializationContext(version="1"))

    @served.server
    def run() -> None:
        import time

        with socket.socket() as s:
            s.bind(("127.0.0.1", served.port.port))
            s.listen()
            time.sleep(0.3)

    handle = flyte.with_servecontext(project="ml", domain="prod").serve(served)
    handle.stop()
    assert handle.subdomain == f"api-{digest}"


def test_deploying_an_app_serves_it() -> None:
    served, stop = params_app("deployed-app", [app.Parameter("who", "deployer")])
    tasks = flyte.TaskEnvironment("uses_app")

    @tasks.task
    async def noop() -> int:
        return 1

    dry, _ = flyte.deploy(served, tasks, dryrun=True)
    assert dry.deployed_apps == [] and set(dry.envs) == {"deployed-app"}
    dep, with_tasks = flyte.deploy(served, tasks)
    (deployed,) = dep.deployed_apps
    try:
        assert isinstance(deployed, app.DeployedAppEnvironment)
        assert deployed.env is served and deployed.get_name() == "deployed-app"
        assert deployed.deployed_app.deployment_status == "ACTIVE"
        assert get_json(deployed.deployed_app.endpoint + "/") == {"who": "deployer"}
        assert [t.name for t in with_tasks.deployed_tasks] == ["uses_app.noop"]
        assert "apps=[deployed-app]" in dep.summary_repr()
        # (flyte-sdk's apps examples print deployments[0].table_repr())
        assert dep.table_repr() == deployed.table_repr()
        assert with_tasks.table_repr()[0][:2] == [("type", "Task"), ("name", "uses_app.noop")]
        assert deployed.summary_repr() == "Deployed App[deployed-app] in environment deployed-app"
    finally:
        stop.set()
        deployed.deployed_app.deactivate()
    assert deployed.deployed_app.deployment_status == "STOPPED"
