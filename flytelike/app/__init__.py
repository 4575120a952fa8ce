"""flyte 2's apps (``flyte.app``), served locally: ``AppEnvironment`` and its settings
(``Port``, ``Link``, ``Scaling``, ``Domain``, ``Subdomain``, ``Timeouts``); ``flytelike.serve(app_env)`` serves one on
127.0.0.1 and returns its ``AppHandle``; ``served_apps()`` lists the apps this process served
(``flytelike.remote.App`` reads them); ``Parameter``s reach the served app, which reads them
with ``get_parameter(name)`` (or their ``env_var``), their values resolved when the app is served
(``RunOutput``, a recorded run's output; ``ArtifactValue``, an artifact's File/Dir;
``AppEndpoint``, a served app's URL), and ``ctx()`` is
its context. ``flytelike.deploy(app_env)`` serves it too and lists it as a
``DeployedAppEnvironment`` (``flytelike.app._deploy``). ``flytelike.app.extras.FastAPIAppEnvironment`` serves a
FastAPI app with uvicorn (``pip install 'flytelike[app]'``). ``ConnectorEnvironment`` serves the
connectors its ``include`` modules register (``flytelike.connectors``) in a process of its own;
while it is served, connector tasks of the types it hosts are sent to it."""

from __future__ import annotations

from flytelike.app._connector import ConnectorEnvironment
from flytelike.app._deploy import DeployedAppEnvironment
from flytelike.app._env import AppEnvironment
from flytelike.app._parameter import AppContext, Parameter, ctx, get_parameter
from flytelike.app._serve import AppHandle, AppStartError, ServeContext, served_apps
from flytelike.app._types import Domain, Link, Port, Scaling, Subdomain, Timeouts
from flytelike.app._values import AppEndpoint, ArtifactValue, RunOutput

__all__ = [
    "AppContext",
    "AppEndpoint",
    "AppEnvironment",
    "AppHandle",
    "ArtifactValue",
    "AppStartError",
    "ConnectorEnvironment",
    "DeployedAppEnvironment",
    "Domain",
    "Link",
    "Parameter",
    "Port",
    "RunOutput",
    "Scaling",
    "ServeContext",
    "Subdomain",
    "Timeouts",
    "ctx",
    "get_parameter",
    "served_apps",
]
