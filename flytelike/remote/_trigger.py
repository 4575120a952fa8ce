"""flyte 2's ``flyte.remote.Trigger`` and ``TriggerDetails``, over the triggers of the deployed
tasks of the namespace, as ``flytelike schedule serve`` fires them.

- ``Trigger.listall(task_name=None, task_version=None, limit=100)`` iterates the triggers of the
  newest deployment of each task (of ``task_version`` when given), by task then trigger name:
  ``Trigger`` with ``name``, ``task_name``, ``automation_spec`` (the ``Cron``/``FixedRate``/
  ``OnArtifact`` given to ``flytelike.Trigger``), ``is_active`` and ``await get_details()``
  (a coroutine, as flyte's).
- ``Trigger.get(name=, task_name=)`` (and ``TriggerDetails.get``) returns ``TriggerDetails``:
  the same plus ``trigger`` (the ``flytelike.Trigger``), ``rule`` (as ``flytelike schedule list``
  prints it), ``status`` (``"active"`` or why it is not fired) and ``next_times(count, after)``
  (the firing times after a moment, UTC). A trigger not deployed raises
  ``EntityNotFoundError``.
- ``create``, ``update`` and ``delete`` need a cluster's trigger service and raise
  ``NotSupportedLocallyError``: a trigger's settings come from its task's code, redeployed.

A deployed task's triggers are read from its code, imported from where it was deployed (as a
run of it is). The runs the scheduler started are ordinary runs (``Run.listall``).
"""

from __future__ import annotations

import datetime as _dt
import sys
from collections.abc import Iterator
from typing import Any

from flytelike.remote._errors import EntityNotFoundError, NotSupportedLocallyError
from flytelike.remote._sync import class_sync_and_aio
from flytelike.remote._task import _engine, _namespace


def _entries(task_name: str | None, task_version: str | None) -> list[tuple[Any, Any]]:
    """(deployed row, scheduler entry) for every trigger of the namespace's deployed tasks."""
    from flytelike._v2 import deployed as _deployed
    from flytelike.scheduler import find_entries

    engine = _engine()
    p, d = _namespace(None, None)
    rows = _deployed.listall(engine, p, d, task_name, None, True, 10_000)
    newest: dict[str, Any] = {}
    for row in rows:
        if task_version is None or row.version == task_version:
            newest.setdefault(row.name, row)
    now = _dt.datetime.now(_dt.UTC)
    out = []
    for name, row in sorted(newest.items()):
        row.load_closure(engine)  # (imports its code from where it was deployed)
        seen: set[str] = set()
        for module in sorted((row.code or {}).get("modules") or {}):
            mod = sys.modules.get(module)
            for entry in find_entries(mod, now) if mod is not None else []:
                mine = entry.kind == "trigger" and entry.entity.name == name
                if mine and entry.name not in seen:
                    seen.add(entry.name)
                    out.append((row, entry))
    return out


def _trigger_of(entry: Any) -> Any:
    # (the defining module, not the flytelike face: that face reaches flytelike.remote)
    from flytelike._settings.v2config import Trigger as _Trigger

    triggers = entry.entity.options.get("triggers")
    triggers = [triggers] if isinstance(triggers, _Trigger) else list(triggers or ())
    wanted = entry.name.rsplit(":", 1)[1]
    return next(t for t in triggers if t.name == wanted)


class TriggerDetails:
    """One deployed trigger, with its schedule and state (see the module docstring)."""

    def __init__(self, row: Any, entry: Any) -> None:
        self._row, self._entry = row, entry
        self.trigger = _trigger_of(entry)

    name = property(lambda self: self.trigger.name)
    task_name = property(lambda self: self._row.name)
    task_version = property(lambda self: self._row.version)
    id = property(lambda self: f"{self._row.name}:{self.trigger.name}")
    automation_spec = property(lambda self: self.trigger.automation)
    rule = property(lambda self: self._entry.rule)
    is_active = property(lambda self: self._entry.active)
    status = property(lambda self: "active" if self._entry.active else self._entry.note)

    @class_sync_and_aio
    def get(cls: type[TriggerDetails], *, name: str, task_name: str) -> TriggerDetails:
        """The trigger ``name`` of the deployed task ``task_name``."""
        for row, entry in _entries(task_name, None):
            if entry.name.rsplit(":", 1)[1] == name:
                return cls(row, entry)
        raise EntityNotFoundError(
            f"Trigger {name!r} of task {task_name!r} not found among the deployed tasks; deploy "
            "the task's environment (flytelike.deploy(env)) with triggers=[...] on the task"
        )

    def next_times(self, count: int = 5, after: _dt.datetime | None = None) -> list[_dt.datetime]:
        """The next ``count`` firing times after ``after`` (now); none for an inactive one."""
        if not self._entry.active:
            return []
        moment = after or _dt.datetime.now(_dt.UTC)
        moment = moment if moment.tzinfo else moment.replace(tzinfo=_dt.UTC)
        out: list[_dt.datetime] = []
        while len(out) < count:
            nxt = self._entry.next_after(moment)
            if nxt is None:
                break
            out.append(nxt)
            moment = nxt
        return out

    def __repr__(self) -> str:
        return (
            f"TriggerDetails(task_name={self.task_name!r}, name={self.name!r}, "
            f"rule={self.rule!r}, status={self.status!r})"
        )


class Trigger:
    """A deployed trigger as ``Trigger.listall`` lists it (see the module docstring)."""

    def __init__(self, row: Any, entry: Any) -> None:
        self._row, self._entry = row, entry
        self.details: TriggerDetails | None = None

    name = property(lambda self: self._entry.name.rsplit(":", 1)[1])
    task_name = property(lambda self: self._row.name)
    id = property(lambda self: f"{self._row.name}:{self.name}")
    automation_spec = property(lambda self: _trigger_of(self._entry).automation)
    is_active = property(lambda self: self._entry.active)

    @class_sync_and_aio
    def get(cls: type[Trigger], *, name: str, task_name: str) -> TriggerDetails:
        """The trigger ``name`` of the deployed task ``task_name`` (``TriggerDetails``)."""
        return TriggerDetails.get(name=name, task_name=task_name)  # type: ignore[no-any-return]

    @class_sync_and_aio
    def listall(
        cls: type[Trigger],
        task_name: str | None = None,
        task_version: str | None = None,
        limit: int = 100,
    ) -> Iterator[Trigger]:
        """The triggers of the deployed tasks (of ``task_name`` only, when given)."""
        return iter([cls(row, entry) for row, entry in _entries(task_name, task_version)][:limit])

    async def get_details(self) -> TriggerDetails:
        """This trigger's ``TriggerDetails``; a coroutine, as flyte's ``Trigger.get_details``."""
        if self.details is None:
            self.details = TriggerDetails(self._row, self._entry)
        return self.details

    @class_sync_and_aio
    def create(cls: type[Trigger], *args: Any, **kwargs: Any) -> Any:
        raise _no_service("create")

    @class_sync_and_aio
    def update(cls: type[Trigger], *args: Any, **kwargs: Any) -> Any:
        raise _no_service("update")

    @class_sync_and_aio
    def delete(cls: type[Trigger], *args: Any, **kwargs: Any) -> Any:
        raise _no_service("delete")

    def __repr__(self) -> str:
        return (
            f"Trigger(task_name={self.task_name!r}, name={self.name!r}, "
            f"is_active={self.is_active!r})"
        )


def _no_service(what: str) -> Exception:
    return NotSupportedLocallyError(
        f"flytelike.remote.Trigger.{what} needs a cluster's trigger service, and flytelike has "
        "none: a trigger comes from its task's code (TaskEnvironment.task(triggers=...)); change "
        "the code and deploy again, and `flytelike schedule serve` fires it"
    )
