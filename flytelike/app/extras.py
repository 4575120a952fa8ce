"""``FastAPIAppEnvironment``: an ``AppEnvironment`` whose app is a FastAPI application, served
by uvicorn (``pip install 'flytelike[app]'``). Locally ``flytelike.serve`` runs it in this
process on ``127.0.0.1:<port>``; a ``/docs`` link (FastAPI's interactive API page) is added to
its ``links``, as flyte does."""

from __future__ import annotations

from typing import Any, NoReturn

from flytelike._compat.aliases import not_provided
from flytelike.app._env import AppEnvironment
from flytelike.app._types import Link
from flytelike.errors import DefinitionError
from typesystem import MissingDependencyError


class FastAPIAppEnvironment(AppEnvironment):
    """``FastAPIAppEnvironment(name=..., app=FastAPI(...), ...)``; other parameters as
    ``AppEnvironment``'s."""

    def __init__(self, name: str, *, app: Any, type: str = "FastAPI", **settings: Any) -> None:
        try:
            import fastapi
        except ModuleNotFoundError as e:
            raise MissingDependencyError(
                "FastAPIAppEnvironment needs fastapi and uvicorn: pip install 'flytelike[app]'",
                missing=("fastapi",),
                extra="app",
            ) from e
        if app is None or not isinstance(app, fastapi.FastAPI):
            raise DefinitionError(
                f"FastAPIAppEnvironment({name!r}): app must be a fastapi.FastAPI, got {app!r}"
            )
        super().__init__(name, type=type, **settings)
        self.app = app
        self.links = [
            Link(path="/docs", title="FastAPI OpenAPI Docs", is_relative=True),
            *self.links,
        ]

    def asgi_app(self) -> Any:
        return self.app


__all__ = ["FastAPIAppEnvironment"]


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})  # flyte's control-plane helpers say why they are not here
