"""flyte 2's ``AppEnvironment``: a long-running app (an HTTP server), served locally by
``flytelike.serve``.

What runs locally, first found first:

1. an ASGI ``app`` (``flytelike.app.extras.FastAPIAppEnvironment(app=FastAPI(...))``): uvicorn
   serves it in this process;
2. a function decorated with ``@env.server``: called on a thread of this process (it serves
   on ``env.port`` and returns when the app stops);
3. ``command`` and/or ``args`` (a list or a shell-quoted string): started as a child process
   (``args`` alone are a command line too, as in flyte's container).

``@env.on_startup`` runs before the server and ``@env.on_shutdown`` after it stops (sync or
async functions); they and an ``@env.server`` function are called with the app parameters their
signature names (all of them for ``**kwargs``). ``port`` (8080 by default, an int or a ``Port``) is where the app listens, on
127.0.0.1; ``env_vars`` are set for the app while it is served (the child's environment, or this
process's while an in-process app is served, restored when it stops). ``name`` follows flyte's
rule (lower-case letters, digits and ``-``, dot-separated parts). ``image``, ``resources``,
``secrets``, ``depends_on``, ``description``, ``interruptible``, ``pod_template``, ``type``,
``requires_auth``, ``scaling``, ``domain``, ``links``, ``include``, ``cluster_pool`` and
``cluster`` describe the app on a cluster: they are validated and kept as attributes (``repr``
shows them), and change nothing in a local serve (a ``Subdomain`` is resolved and reported by
``AppHandle.subdomain``). ``timeouts=Timeouts(request=...)`` is honoured for an ASGI app (see
``flytelike.app._serve``). ``parameters`` (``Parameter``) are delivered to the served app
(``flytelike.app._parameter``).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Sequence
from typing import Any

from flytelike._v2.env import Environment
from flytelike.app._types import Domain, Link, Port, Scaling, Timeouts
from flytelike.errors import DefinitionError

_APP_NAME = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")


def _words(value: Any, what: str, where: str) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return shlex.split(value)
    if isinstance(value, Sequence) and all(isinstance(v, str) for v in value):
        return list(value)
    raise DefinitionError(f"{where}: {what} must be a list of strings or a string, got {value!r}")


class AppEnvironment(Environment):
    """An app's settings (see the module docstring)."""

    def __init__(
        self,
        name: str,
        *,
        image: Any = "auto",
        resources: Any = None,
        env_vars: dict[str, str] | None = None,
        secrets: Any = None,
        depends_on: Sequence[Any] = (),
        description: str | None = None,
        interruptible: bool = False,
        pod_template: Any = None,
        type: str | None = None,
        port: int | Port = 8080,
        args: list[str] | str | None = None,
        command: list[str] | str | None = None,
        requires_auth: bool = True,
        scaling: Scaling | None = None,
        domain: Domain | None = None,
        links: Sequence[Link] = (),
        include: Sequence[str] = (),
        parameters: Sequence[Any] = (),
        cluster_pool: str = "default",
        cluster: str | None = None,
        timeouts: Timeouts | None = None,
    ) -> None:
        where = f"AppEnvironment({name!r})"
        if not isinstance(name, str) or not _APP_NAME.fullmatch(name):
            raise DefinitionError(
                f"App name {name!r} must consist of lower case alphanumeric characters or '-', "
                "and must start and end with an alphanumeric character (e.g. 'hello-app')"
            )
        from flytelike._settings.resources import Resources

        if resources is not None and not isinstance(resources, Resources):
            raise DefinitionError(f"{where}: resources must be a flytelike.Resources")
        if env_vars is not None and not (
            isinstance(env_vars, dict)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in env_vars.items())
        ):
            raise DefinitionError(f"{where}: env_vars must be a dict of strings to strings")
        if scaling is not None and not isinstance(scaling, Scaling):
            raise DefinitionError(f"{where}: scaling must be a flytelike.app.Scaling")
        if domain is not None and not isinstance(domain, Domain):
            raise DefinitionError(f"{where}: domain must be a flytelike.app.Domain")
        if timeouts is not None and not isinstance(timeouts, Timeouts):
            raise DefinitionError(f"{where}: timeouts must be a flytelike.app.Timeouts")
        if cluster and cluster_pool and cluster_pool != "default":
            raise DefinitionError(
                f"{where}: cluster ({cluster!r}) and cluster_pool ({cluster_pool!r}) exclude each "
                "other; give one"
            )
        for link in links:
            if not isinstance(link, Link):
                raise DefinitionError(f"{where}: links must be flytelike.app.Link objects")
        for dep in depends_on:
            if not hasattr(dep, "name"):
                raise DefinitionError(f"{where}: depends_on takes environments, got {dep!r}")
        self.name = name
        self.image = image
        self.resources = resources
        self.env_vars = dict(env_vars or {})
        self.secrets = secrets
        self.depends_on = list(depends_on)
        self.description = description
        self.interruptible = bool(interruptible)
        self.pod_template = pod_template
        self.type = type
        self.port = port if isinstance(port, Port) else Port(port)
        self.args = _words(args, "args", where)
        self.command = _words(command, "command", where)
        self.requires_auth = bool(requires_auth)
        self.scaling = scaling or Scaling()
        self.domain = domain or Domain()
        self.links = list(links)
        self.include = list(include)
        self.parameters = list(parameters)
        self.cluster_pool = cluster_pool
        self.cluster = cluster
        self.timeouts = timeouts or Timeouts()
        self._server: Callable[..., Any] | None = None
        self._on_startup: Callable[..., Any] | None = None
        self._on_shutdown: Callable[..., Any] | None = None

    # ------------------------------------------------------------------ decorators
    def server(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """The function that serves the app (it returns when the app stops)."""
        self._server = fn
        return fn

    def on_startup(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """Called before the server starts."""
        self._on_startup = fn
        return fn

    def on_shutdown(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """Called after the server stopped."""
        self._on_shutdown = fn
        return fn

    def get_port(self) -> Port:
        return self.port

    def asgi_app(self) -> Any:
        """The ASGI application served in this process (``None`` for this class)."""
        return None

    def command_line(self) -> list[str] | None:
        """The child process's command line (``command`` then ``args``), or ``None``."""
        if self.command is None and self.args is None:
            return None
        return [*(self.command or []), *(self.args or [])]

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(name={self.name!r}, port={self.port.port}, "
            f"type={self.type!r}, image={self.image!r}, requires_auth={self.requires_auth})"
        )
