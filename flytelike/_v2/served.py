"""The apps this process served, by name (the latest handle of each name): written by
``flytelike.app`` when an app starts listening, read by ``flytelike.app.served_apps`` and
``flytelike.remote.App``. It sits below both faces so that neither imports the other for it.
Process-wide on purpose: an app serves the whole process, whichever thread started it."""

from __future__ import annotations

import threading
from typing import Any

_SERVED: dict[str, Any] = {}
_LOCK = threading.Lock()


def record(name: str, handle: Any) -> None:
    """Remember ``handle`` as the latest app served under ``name``."""
    with _LOCK:
        _SERVED[name] = handle


def handles() -> list[Any]:
    """The latest handle of each app name served, in the order the names were first served."""
    with _LOCK:
        return list(_SERVED.values())
