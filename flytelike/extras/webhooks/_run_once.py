"""``run_once(task, key=, **inputs)``: launch a run once per event key, locally.

Webhook senders retry and people re-trigger by hand; ``run_once`` makes that safe. flyte
marks each run with a ``dedupe=<key>`` label; local runs record no labels, so the keys live in
a small ledger in the run store's home (``$FLYTELIKE_HOME/webhooks/dedupe.json``: key -> the
names of the runs launched for it, newest last; written under a file lock, so processes
sharing the home agree). A key is blocked while a run launched for it is still running or has
succeeded (``blocking_run``); a failed, aborted or timed-out run leaves it free, so launching
again is a retry. The run is started in the background (``wait=False``) and returned as a
``flytelike.remote.Run``, paired with ``created`` in a ``RunOnceResult``.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from flytelike.errors import DefinitionError

DUPE_LABEL_KEY = "dedupe"
_RETRIABLE = ("FAILED", "ABORTED", "TIMED_OUT")
_LOCK = threading.Lock()


class RunOnceResult(NamedTuple):
    """The run covering a key, and whether this call launched it."""

    run: Any
    created: bool


def _ledger_path() -> Path:
    from flytelike.engine import default_engine

    return Path(default_engine().config.home) / "webhooks" / "dedupe.json"


@contextlib.contextmanager
def _ledger() -> Iterator[dict[str, list[str]]]:
    """The ledger, locked (within this process and across processes) while the block runs;
    what the block leaves in it is written back."""
    path = _ledger_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with _LOCK, open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            data: dict[str, list[str]] = json.loads(path.read_text()) if path.exists() else {}
        except ValueError:
            data = {}
        yield data
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, sort_keys=True))
        os.replace(tmp, path)


def _blocker(names: list[str]) -> Any:
    from flytelike.engine import RunNotFoundError, default_engine
    from flytelike.remote import Run

    engine = default_engine()
    for name in reversed(names):
        try:
            phase = str(engine.get_run(name).phase.value).upper()
        except RunNotFoundError:
            continue  # (deleted since)
        if phase not in _RETRIABLE:
            return Run.get(name)
    return None


class _Verb:
    """A function with an ``.aio`` form, as flyte's syncified ones."""

    def __init__(self, fn: Any) -> None:
        self._fn = fn
        self.__doc__ = fn.__doc__
        self.__name__ = fn.__name__

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._fn(*args, **kwargs)

    async def aio(self, *args: Any, **kwargs: Any) -> Any:
        import asyncio

        return await asyncio.to_thread(self._fn, *args, **kwargs)


def _blocking_run(key: str) -> Any:
    """The run blocking ``key`` (running, or succeeded), or ``None`` when it is free."""
    with _ledger() as data:
        return _blocker(data.get(key, []))


def _run_once(
    task: Any,
    *,
    key: str,
    copy_style: str | None = None,
    runcontext_kwargs: dict[str, Any] | None = None,
    **inputs: Any,
) -> RunOnceResult:
    """Launch ``task`` once for ``key`` (see the module docstring); ``runcontext_kwargs`` go to
    ``with_runcontext`` (their ``labels`` may not set ``dedupe`` to another key)."""
    from flytelike._v2.run import with_runcontext
    from flytelike.remote import Run

    if not isinstance(key, str) or not key:
        raise DefinitionError("run_once: key must be a non-empty string (the event's dedupe key)")
    settings = dict(runcontext_kwargs or {})
    if copy_style is not None:
        if "copy_style" in settings:
            raise DefinitionError("run_once: pass copy_style directly or in runcontext_kwargs")
        settings["copy_style"] = copy_style
    labels = dict(settings.pop("labels", None) or {})
    if labels.get(DUPE_LABEL_KEY, key) != key:
        raise DefinitionError(
            f"run_once: runcontext_kwargs set the {DUPE_LABEL_KEY!r} label to "
            f"{labels[DUPE_LABEL_KEY]!r}; pass key={labels[DUPE_LABEL_KEY]!r} instead"
        )
    labels[DUPE_LABEL_KEY] = key
    with _ledger() as data:
        names = data.setdefault(key, [])
        found = _blocker(names)
        if found is not None:
            return RunOnceResult(found, False)
        run = with_runcontext(labels=labels, **settings).run(task, wait=False, **inputs)
        names.append(run.name)
    return RunOnceResult(Run.get(run.name), True)


blocking_run = _Verb(_blocking_run)
run_once = _Verb(_run_once)
