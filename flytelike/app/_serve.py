"""``serve(app_env)`` and ``with_servecontext(...)``: an ``AppEnvironment`` served locally.

``serve`` starts the app (see ``flytelike.app._env`` for what runs: an ASGI app under uvicorn in
this process, an ``@env.server`` function on a thread, or a ``command`` as a child process, which
on Linux dies with this process however it ends: ``flytelike.backends._lifeline``) on
``127.0.0.1:<port>``, waits until the port accepts connections (``AppStartError`` when the app
fails or does not listen within ``startup_timeout`` seconds, 30 by default) and returns an
``AppHandle``: ``name``, ``url``/``endpoint`` (``http://127.0.0.1:<port>``), ``is_running()``,
``stop()`` (stops the server, waits for it, runs ``on_shutdown``, restores the environment),
``wait()`` (blocks until the app stops; Ctrl-C stops it) and use as a context manager. A port
already in use fails at once, naming it. ``subdomain`` is the app's ``Domain(subdomain=)``,
a ``Subdomain`` resolved with the serving project and domain (``with_servecontext``'s, else
``init``'s, else the configuration's); ``None`` when it has none.

An ASGI app whose environment has ``Timeouts(request=...)`` answers a request that has not
started its response within that time with ``504 Gateway Timeout`` (the request's task is
cancelled), as a cluster's ingress does; an ``@env.server`` function or a ``command`` owns its
socket, so its ``timeouts`` are carried only.

``with_servecontext(env_vars=None, log_level=None, startup_timeout=30.0, **cluster_settings)``
returns a ``ServeContext`` whose ``.serve(app_env)`` applies them: ``env_vars`` over the app's,
``log_level`` uvicorn's (``"warning"`` by default; flyte's ``logging.INFO`` form is read as
``"info"``). flyte's settings of a cluster deployment
(``version``, ``copy_style``, ``dry_run``, ``cluster_pool``, ``log_format``,
``interactive_mode``) are accepted and change nothing locally; ``parameter_values`` (per app
name) set its parameters and ``project``/``domain`` are what ``flytelike.app.ctx()`` reports
(``flytelike.app._parameter``); other keywords raise ``TypeError``.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import os
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from flytelike._v2 import served as _served
from flytelike._v2.syncify import with_aio
from flytelike.backends import lifeline_popen as popen
from flytelike.errors import FlytelikeError

_CLUSTER_ONLY = frozenset(
    {
        "version", "copy_style", "dry_run", "project", "domain", "parameter_values",
        "cluster_pool", "log_format", "interactive_mode",
    }
)  # fmt: skip


class AppStartError(FlytelikeError):
    """An app could not be served: its port was taken, or it failed or never listened."""


def _call(fn: Callable[..., Any] | None, parameters: dict[str, str] | None = None) -> None:
    """Call an app's startup, server or shutdown function with the app parameters its signature
    names (all of them for ``**kwargs``), as flyte calls them; awaited when async."""
    if fn is None:
        return
    kwargs: dict[str, Any] = {}
    if parameters:
        sig = inspect.signature(fn).parameters.values()
        if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in sig):
            kwargs = dict(parameters)
        else:
            kwargs = {p.name: parameters[p.name] for p in sig if p.name in parameters}
    result = fn(**kwargs)
    if inspect.isawaitable(result):
        asyncio.run(_await(result))


async def _await(aw: Any) -> Any:
    return await aw


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _listening(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


@contextlib.contextmanager
def _environment(env_vars: dict[str, str]) -> Iterator[None]:
    old = {k: os.environ.get(k) for k in env_vars}
    os.environ.update(env_vars)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


class AppHandle:
    """A served app (see the module docstring)."""

    def __init__(
        self,
        env: Any,
        env_vars: dict[str, str],
        log_level: str,
        timeout: float,
        subdomain: str | None = None,
    ):
        self.name: str = env.name
        self.type: str | None = env.type  # ("connector": flytelike.connectors routes to it)
        self.subdomain = subdomain
        self._env = env
        self._port: int = env.port.port
        self.url = f"http://127.0.0.1:{self._port}"
        self._env_vars = env_vars
        self._log_level = log_level
        self._timeout = timeout
        self._thread: threading.Thread | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._uvicorn: Any = None
        self._failure: BaseException | None = None
        self._restore: contextlib.ExitStack | None = None
        self._stopped = threading.Event()
        self._started = False  # (on_startup ran: on_shutdown runs once at stop)

    @property
    def endpoint(self) -> str:
        return self.url

    def _parameters(self) -> dict[str, str]:
        """The app's parameter values (what ``get_parameter`` reads), by name."""
        from flytelike.app._parameter import PARAMETERS_FILE_ENV

        path = self._env_vars.get(PARAMETERS_FILE_ENV)
        if not path or not os.path.isfile(path):
            return {}
        with open(path) as f:
            values: dict[str, str] = json.load(f)
        return values

    # ------------------------------------------------------------------ starting
    def _start(self) -> AppHandle:
        env = self._env
        if not _port_free(self._port):
            raise AppStartError(
                f"app {self.name}: port {self._port} on 127.0.0.1 is already in use; stop what "
                "listens there or give the AppEnvironment another port="
            )
        app, line = env.asgi_app(), env.command_line()
        if app is None and env._server is None and line is None:
            raise AppStartError(
                f"app {self.name} has nothing to serve: give it an app (FastAPIAppEnvironment"
                "(app=...)), an @env.server function, or a command="
            )
        _call(env._on_startup, self._parameters())
        self._started = True
        if app is None and env._server is None:
            # (on Linux the child dies with this process, even when it is killed: _lifeline)
            self._proc = popen(line, env={**os.environ, **self._env_vars})
        else:
            self._restore = contextlib.ExitStack()
            self._restore.enter_context(_environment(self._env_vars))
            target = self._run_asgi if app is not None else self._run_server
            self._thread = threading.Thread(target=target, name=f"app-{self.name}", daemon=True)
            self._thread.start()
        self._await_listening()
        _served.record(self.name, self)
        return self

    def _run_asgi(self) -> None:
        try:
            import uvicorn
        except ModuleNotFoundError as e:
            self._failure = AppStartError(
                f"app {self.name} needs uvicorn to be served: pip install 'flytelike[app]'"
            )
            self._failure.__cause__ = e
            return
        app = self._env.asgi_app()
        limit = self._env.timeouts.request
        if limit is not None:
            app = _RequestTimeout(app, limit.total_seconds())
        config = uvicorn.Config(app, host="127.0.0.1", port=self._port, log_level=self._log_level)
        self._uvicorn = uvicorn.Server(config)
        try:
            self._uvicorn.run()
        except BaseException as e:  # (reported by _start or wait)
            self._failure = e
        finally:
            self._stopped.set()

    def _run_server(self) -> None:
        try:
            _call(self._env._server, self._parameters())
        except BaseException as e:
            self._failure = e
        finally:
            self._stopped.set()

    def _await_listening(self) -> None:
        deadline = time.monotonic() + self._timeout
        while not _listening(self._port):
            ended = self._stopped.is_set() or (
                self._proc is not None and self._proc.poll() is not None
            )
            if ended or time.monotonic() > deadline:
                why = (
                    f"it failed: {self._failure!r}"
                    if self._failure is not None
                    else "it exited"
                    if ended
                    else f"nothing listened on port {self._port} within {self._timeout:g}s"
                )
                self.stop()
                raise AppStartError(f"app {self.name} could not be served: {why}")
            time.sleep(0.02)

    # ------------------------------------------------------------------ running
    def is_running(self) -> bool:
        if self._proc is not None:
            return self._proc.poll() is None
        return self._thread is not None and self._thread.is_alive()

    def wait(self) -> None:
        """Block until the app stops (Ctrl-C stops it)."""
        try:
            if self._proc is not None:
                self._proc.wait()
            elif self._thread is not None:
                while self._thread.is_alive():
                    self._thread.join(0.2)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the app and wait for it; runs ``on_shutdown`` once, and removes the file its
        parameters were delivered in."""
        self._halt(timeout)
        from flytelike.app._parameter import PARAMETERS_FILE_ENV

        path = self._env_vars.get(PARAMETERS_FILE_ENV)
        if path:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)

    def _halt(self, timeout: float = 10.0) -> None:
        if self._uvicorn is not None:
            self._uvicorn.should_exit = True
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        if self._thread is not None:
            self._thread.join(timeout)
        if self._restore is not None:
            self._restore.close()
            self._restore = None
        if self._started:
            self._started = False
            _call(self._env._on_shutdown, self._parameters())

    def restart(self) -> AppHandle:
        """Stop the app if it runs, then serve it again with the same settings; returns the
        new handle (once it listens), which takes over the parameters' file."""
        self._halt()
        return AppHandle(
            self._env, self._env_vars, self._log_level, self._timeout, self.subdomain
        )._start()

    def __enter__(self) -> AppHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.is_running() else "stopped"
        return f"AppHandle(name={self.name!r}, url={self.url!r}, {state})"


class ServeContext:
    """Settings for ``.serve(app_env)`` (see the module docstring)."""

    def __init__(
        self,
        env_vars: dict[str, str] | None = None,
        log_level: str | int | None = None,
        startup_timeout: float = 30.0,
        **cluster_settings: Any,
    ) -> None:
        unknown = set(cluster_settings) - _CLUSTER_ONLY
        if unknown:
            raise TypeError(f"with_servecontext: unknown parameter(s) {', '.join(sorted(unknown))}")
        self.env_vars = dict(env_vars or {})
        if isinstance(log_level, int):  # flyte's form: a logging level (logging.INFO)
            import logging

            log_level = logging.getLevelName(log_level)
        self.log_level = (log_level or "warning").lower()
        self.startup_timeout = float(startup_timeout)
        self.parameter_values = dict(cluster_settings.get("parameter_values") or {})
        self.project = str(cluster_settings.get("project") or "")
        self.domain = str(cluster_settings.get("domain") or "")

    def serve(self, app_env: Any) -> AppHandle:
        from flytelike.app._env import AppEnvironment

        if not isinstance(app_env, AppEnvironment):
            raise TypeError(f"serve: expected an AppEnvironment, got {app_env!r}")
        from flytelike.app._parameter import parameter_env

        given = self.parameter_values.get(app_env.name) or {}
        endpoints = {h.name: h.url for h in served_apps() if h.is_running()}
        delivered = parameter_env(app_env, given, self.project, self.domain, endpoints)
        env_vars = {**app_env.env_vars, **self.env_vars, **delivered}
        subdomain = _subdomain(app_env, self.project, self.domain)
        return AppHandle(
            app_env, env_vars, self.log_level, self.startup_timeout, subdomain
        )._start()


def _subdomain(app_env: Any, project: str, domain: str) -> str | None:
    """The app's subdomain in the serving namespace (a ``Subdomain`` resolved)."""
    from flytelike.app._types import Subdomain

    sub = app_env.domain.subdomain if app_env.domain is not None else None
    if not isinstance(sub, Subdomain):
        return sub
    from flytelike._v2.init import initialized
    from flytelike.engine import default_engine
    from flytelike.models import SerializationContext

    init_project, init_domain = initialized()
    default_project, default_domain = default_engine().config.namespace
    sctx = SerializationContext(
        version="local",
        project=project or init_project or default_project,
        domain=domain or init_domain or default_domain,
    )
    return sub.resolve(app_env, sctx)


class _RequestTimeout:
    """An ASGI app whose HTTP requests end after ``seconds``: with ``504 Gateway Timeout``
    when the response has not started, else cut off."""

    def __init__(self, app: Any, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Any) -> None:
            nonlocal started
            if message.get("type") == "http.response.start":
                started = True
            await send(message)

        try:
            await asyncio.wait_for(self.app(scope, receive, tracking_send), self.seconds)
        except TimeoutError:
            if started:
                raise
            body = f"request timed out after {self.seconds:g}s".encode()
            headers = [
                (b"content-type", b"text/plain"),
                (b"content-length", str(len(body)).encode()),
            ]
            await send({"type": "http.response.start", "status": 504, "headers": headers})
            await send({"type": "http.response.body", "body": body})


def served_apps() -> list[AppHandle]:
    """The latest ``AppHandle`` of each app name this process served (running or stopped), in
    the order they were first served."""
    return _served.handles()


def with_servecontext(**settings: Any) -> ServeContext:
    """``with_servecontext(env_vars={...}).serve(app_env)``."""
    return ServeContext(**settings)


@with_aio
def serve(app_env: Any) -> AppHandle:
    """Serve ``app_env`` locally; returns its ``AppHandle`` once it listens."""
    return ServeContext().serve(app_env)
