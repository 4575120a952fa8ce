"""flyte 2's ``flyte.remote.App``, locally: the apps this process served with
``flytelike.serve`` (``flytelike.app.served_apps``, kept in ``flytelike._v2.served``). An app
is found by name; ``deactivate`` stops it and ``activate`` serves it again with the same
settings. Apps served by other processes are not seen (they share no registry);
``App.create``/``update``/``replace`` take a cluster's app specs and raise
``NotSupportedLocallyError``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from flytelike.remote._errors import EntityNotFoundError, NotSupportedLocallyError
from flytelike.remote._sync import class_sync_and_aio, sync_and_aio

__all__ = ["App"]

_WAIT_FOR = ("activated", "deactivated")


def _handles() -> dict[str, Any]:
    from flytelike._v2 import served

    return {h.name: h for h in served.handles()}


class App:
    """A served app: ``name``, ``url``/``endpoint`` (``http://127.0.0.1:<port>``),
    ``revision`` (how many times this process started it), ``deployment_status`` and
    ``desired_state`` (``"ACTIVE"`` while it serves, else ``"STOPPED"``)."""

    def __init__(self, handle: Any) -> None:
        self._handle = handle
        self._revision = 1

    name = property(lambda self: self._handle.name)
    url = property(lambda self: self._handle.url)
    endpoint = property(lambda self: self._handle.url)
    revision = property(lambda self: self._revision)

    @property
    def deployment_status(self) -> str:
        return "ACTIVE" if self._handle.is_running() else "STOPPED"

    desired_state = deployment_status

    def is_active(self) -> bool:
        return bool(self._handle.is_running())

    def is_deactivated(self) -> bool:
        return not self._handle.is_running()

    @class_sync_and_aio
    def get(
        cls: type[App], name: str, project: str | None = None, domain: str | None = None
    ) -> App:
        """The app ``name`` this process served; ``EntityNotFoundError`` naming the served ones
        otherwise. ``project``/``domain`` are accepted for flyte's signature: served apps belong
        to this process, not to a namespace."""
        handles = _handles()
        if name not in handles:
            raise EntityNotFoundError(
                f"App.get({name!r}): this process served no app named {name!r} (served: "
                f"{', '.join(handles) or 'none'}); serve it first with flytelike.serve(app_env)"
            )
        return cls(handles[name])

    @class_sync_and_aio
    def listall(
        cls: type[App],
        created_by_subject: str | None = None,
        sort_by: tuple[str, str] | None = None,
        limit: int = 100,
        in_status: str | tuple[str, ...] | None = None,
    ) -> Iterator[App]:
        """The apps this process served, in the order first served (``sort_by=("created_at",
        "desc")`` reverses it), at most ``limit``; ``in_status`` keeps those whose
        ``deployment_status`` is one of the names given (``"ACTIVE"``, ``"STOPPED"``, any
        case). Apps record no creator locally: ``created_by_subject`` raises
        ``NotSupportedLocallyError``."""
        if created_by_subject is not None:
            raise NotSupportedLocallyError(
                "App.listall(created_by_subject=...): local apps record no creator; list without it"
            )
        key, order = sort_by or ("created_at", "asc")
        if key != "created_at" or order not in ("asc", "desc"):
            raise ValueError(
                f"App.listall(sort_by={sort_by!r}): locally only ('created_at', 'asc') or "
                "('created_at', 'desc')"
            )
        wanted = None
        if in_status is not None:
            wanted = {
                s.upper() for s in ((in_status,) if isinstance(in_status, str) else in_status)
            }
        apps = [cls(h) for h in _handles().values()]
        apps = [a for a in apps if wanted is None or a.deployment_status in wanted]
        return iter((apps[::-1] if order == "desc" else apps)[:limit])

    @sync_and_aio
    def activate(self, wait: bool = False) -> App:
        """Serve the app again (with the settings it was served with) when it is stopped;
        ``flytelike.serve`` returns once it listens, so ``wait`` changes nothing."""
        if not self._handle.is_running():
            self._handle = self._handle.restart()
            self._revision += 1
        return self

    @sync_and_aio
    def deactivate(self, wait: bool = False) -> App:
        """Stop the app (it waits for it to stop, so ``wait`` changes nothing)."""
        self._handle.stop()
        return self

    @sync_and_aio
    def watch(self, wait_for: str = "activated") -> App:
        """Return once the app is active (``"activated"``) or stopped (``"deactivated"``)."""
        if wait_for not in _WAIT_FOR:
            raise ValueError(f"App.watch(wait_for={wait_for!r}): expected one of {_WAIT_FOR}")
        while self.is_active() != (wait_for == "activated"):
            time.sleep(0.05)
        return self

    @class_sync_and_aio
    def delete(
        cls: type[App], name: str, project: str | None = None, domain: str | None = None
    ) -> None:
        """Stop the app ``name`` (served apps are forgotten with the process)."""
        cls.get(name).deactivate()

    @class_sync_and_aio  # (also .aio, as flyte's)
    def create(cls: type[App], *args: Any, **kwargs: Any) -> App:
        raise _spec_only("create")

    @class_sync_and_aio  # (also .aio, as flyte's)
    def update(cls: type[App], *args: Any, **kwargs: Any) -> App:
        raise _spec_only("update")

    @class_sync_and_aio  # (also .aio, as flyte's)
    def replace(cls: type[App], *args: Any, **kwargs: Any) -> App:
        raise _spec_only("replace")

    def __repr__(self) -> str:
        return f"App(name={self.name!r}, url={self.url!r}, status={self.deployment_status!r})"


def _spec_only(what: str) -> NotSupportedLocallyError:
    return NotSupportedLocallyError(
        f"App.{what} takes a cluster's app spec; locally serve an AppEnvironment with "
        "flytelike.serve(app_env)"
    )
