"""What a module schedules: its launch plans with a ``schedule`` and its v2 tasks' ``Trigger``s,
as ``Entry`` objects that say when they fire next and with which inputs.

- A launch plan's ``CronSchedule`` fires in UTC (as Flyte's scheduler does), each cron time
  shifted by its ``offset`` (an ISO 8601 duration) when it has one; a ``FixedRate`` fires
  every ``duration`` from the moment the scheduler starts. The firing time goes to the input
  named by ``kickoff_time_input_arg``. A ``ConcurrencyPolicy`` is honoured: a firing while
  ``max_concurrency`` runs of the launch plan are running is skipped.
- A ``Trigger``'s ``Cron`` fires in its ``timezone`` (UTC unless given), a ``FixedRate`` every
  ``interval_minutes`` from its ``start_time`` (or from the scheduler's start). Inputs set to
  ``TriggerTime`` receive the firing time; its ``env_vars`` (set for the run's tasks, in a
  process of its own: ``_child``), ``overwrite_cache``, ``max_action_concurrency`` and
  ``custom_context`` apply to the run. A trigger made with
  ``auto_activate=False`` is deployed inactive in flyte and is not fired (it is listed).
- An ``OnArtifact`` trigger has no firing times: it fires once per new version of its artifact
  in the local catalog (matching its ``version`` pin and string ``partitions``), which the
  scheduler polls when given the catalog (``Scheduler(catalog=...)``; ``flytelike schedule
  serve`` gives it). Inputs set to ``TriggeredArtifact`` receive that version (bound as its
  value), ``TriggeredPartition("key")`` one of its partition values (a ``date`` given to a
  ``datetime`` input is midnight UTC), ``TriggerTime`` the version's creation time.

Every input of the entity must have a value at firing time (a default, a fixed input, or the
firing time); ``find_entries`` raises ``ConfigurationError`` naming the entry and the input
otherwise. What does not live here: the loop that fires them (``_loop``).

The settings classes are imported from their defining modules, not from the ``flytelike`` face:
``flytelike.remote`` lists triggers through this package, and the face reaches it back.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import re
from collections.abc import Callable
from typing import Any

from flytelike.errors import ConfigurationError, DefinitionError

NextFn = Callable[[_dt.datetime], "_dt.datetime | None"]


@dataclasses.dataclass
class Entry:
    """One schedule of one entity."""

    name: str  # the launch plan's name, or ``<task>:<trigger>``
    kind: str  # "launch plan" or "trigger"
    entity: Any
    rule: str  # the schedule, for people: "cron 0 9 * * * (UTC)", "every 10m"
    next_after: NextFn  # the first firing time after a moment (None: never)
    inputs: dict[str, Any]  # fixed values
    time_inputs: tuple[str, ...]  # inputs that receive the firing time
    run_settings: dict[str, Any]  # ``with_runcontext`` keywords
    max_concurrency: int | None = None
    active: bool = True
    note: str = ""
    artifact: Any = None  # an ``OnArtifact``: fired per new version of the artifact
    artifact_inputs: dict[str, Any] = dataclasses.field(default_factory=dict)  # the sentinels

    @property
    def slug(self) -> str:
        """The run-name prefix of its firings."""
        return re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-") or "schedule"

    def inputs_for(self, when: _dt.datetime) -> dict[str, Any]:
        return {**self.inputs, **{name: when for name in self.time_inputs}}


def _cron_next(expr: str, tz_name: str | None, offset: _dt.timedelta = _dt.timedelta(0)) -> NextFn:
    """Cron times shifted by ``offset``: the first ``t + offset`` after a moment."""
    # (the parser that validated the expression; it has no public face)
    from flytelike._settings.cron import CronExpr, timezone

    cron, tz = CronExpr.parse(expr), timezone(tz_name)

    return lambda moment: cron.next_after(moment - offset, tz) + offset


def _rate_next(interval: _dt.timedelta, anchor: _dt.datetime, first: int) -> NextFn:
    """Times ``anchor + k * interval`` for ``k >= first``."""

    def next_after(moment: _dt.datetime) -> _dt.datetime:
        k = max(first, (moment - anchor) // interval + 1)
        return anchor + k * interval

    return next_after


def _every(interval: _dt.timedelta) -> str:
    minutes = int(interval.total_seconds() // 60)
    if minutes % 1440 == 0:
        return f"every {minutes // 1440}d"
    return f"every {minutes // 60}h" if minutes % 60 == 0 else f"every {minutes}m"


def _check_inputs(entry: Entry, iface: Any) -> Entry:
    given = set(entry.inputs) | set(entry.time_inputs) | set(entry.artifact_inputs)
    missing = [n for n in iface.inputs if n not in given and n not in iface.defaults]
    if missing and entry.active:
        raise ConfigurationError(
            f"{entry.kind} {entry.name!r}: input(s) {', '.join(missing)} have no value when the "
            "schedule fires; give them a default (or a fixed input / trigger input)"
        )
    return entry


def _launch_plan_entry(lp: Any, start: _dt.datetime) -> Entry:
    from flytelike._settings.schedule import CronSchedule

    schedule = lp.params["schedule"]
    arg = schedule.kickoff_time_input_arg
    if isinstance(schedule, CronSchedule):
        shift = schedule.offset_delta
        rule = f"cron {schedule.cron} (UTC)" + (f" + {schedule.offset}" if shift else "")
        nxt = _cron_next(schedule.cron, None, shift)
    else:
        rule, nxt = _every(schedule.duration), _rate_next(schedule.duration, start, 1)
    policy = lp.params.get("concurrency")
    entry = Entry(
        name=lp.name,
        kind="launch plan",
        entity=lp,
        rule=rule,
        next_after=nxt,
        inputs={},
        time_inputs=(arg,) if arg else (),
        run_settings={},
        max_concurrency=policy.max_concurrency if policy is not None else None,
    )
    return _check_inputs(entry, lp.python_interface)


def _trigger_entry(task: Any, trigger: Any, start: _dt.datetime) -> Entry:
    from flytelike._settings.schedule import FixedRate
    from flytelike._settings.triggers import OnArtifact, TriggeredArtifact, TriggeredPartition
    from flytelike._settings.v2config import Cron, TriggerTime

    auto = trigger.automation
    name = f"{task.name}:{trigger.name}"
    note = "" if trigger.auto_activate else "inactive (auto_activate=False)"
    nxt: NextFn
    if isinstance(auto, Cron):
        rule = f"cron {auto.expression} ({auto.timezone or 'UTC'})"
        nxt = _cron_next(auto.expression, auto.timezone)
    elif isinstance(auto, FixedRate):
        rule = _every(auto.duration)
        if auto.start_time is not None:
            anchor = auto.start_time
            anchor = anchor if anchor.tzinfo else anchor.replace(tzinfo=_dt.UTC)
            nxt = _rate_next(auto.duration, anchor, 0)
        else:
            nxt = _rate_next(auto.duration, start, 1)
    else:  # OnArtifact: no times; the scheduler polls the artifact catalog
        rule, nxt = str(auto), (lambda moment: None)
    inputs = dict(trigger.inputs or {})
    times = tuple(k for k, v in inputs.items() if v is TriggerTime)
    sentinels = {
        k: v
        for k, v in inputs.items()
        if v is TriggeredArtifact or isinstance(v, TriggeredPartition)
    }
    bound = [k for k, v in sentinels.items() if v is TriggeredArtifact]
    if sentinels and not isinstance(auto, OnArtifact):
        raise ConfigurationError(
            f"trigger {name!r}: input {next(iter(sentinels))!r} is a TriggeredArtifact/"
            "TriggeredPartition, which only an OnArtifact(...) automation binds"
        )
    if len(bound) > 1:
        raise ConfigurationError(
            f"trigger {name!r}: TriggeredArtifact is bound to several inputs ({', '.join(bound)}); "
            "bind it to one"
        )
    settings: dict[str, Any] = {
        "env_vars": trigger.env_vars,
        "overwrite_cache": trigger.overwrite_cache,
        "max_action_concurrency": trigger.max_action_concurrency,
        "custom_context": trigger.custom_context,
    }
    entry = Entry(
        name=name,
        kind="trigger",
        entity=task,
        rule=rule,
        next_after=nxt,
        inputs={k: v for k, v in inputs.items() if k not in times and k not in sentinels},
        time_inputs=times,
        run_settings={k: v for k, v in settings.items() if v},
        active=not note,
        note=note,
        artifact=auto if isinstance(auto, OnArtifact) else None,
        artifact_inputs=sentinels,
    )
    return _check_inputs(entry, task.python_interface)


def find_entries(module: Any, start: _dt.datetime) -> list[Entry]:
    """The schedules of the launch plans and v2 tasks defined in ``module`` (by name order);
    fixed-rate schedules without a start time count from ``start``."""
    from flytelike._entities.launch_plan import LaunchPlan
    from flytelike._settings.v2config import Trigger

    out: list[Entry] = []
    seen: set[int] = set()
    for _, obj in sorted(vars(module).items()):
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, LaunchPlan) and obj.params.get("schedule") is not None:
            out.append(_launch_plan_entry(obj, start))
        triggers = getattr(obj, "options", {}).get("triggers") if hasattr(obj, "env") else None
        if triggers:
            names: set[str] = set()
            for trigger in [triggers] if isinstance(triggers, Trigger) else triggers:
                if trigger.name in names:
                    raise DefinitionError(
                        f"task {obj.name!r}: two of its triggers are named {trigger.name!r}, and a "
                        "schedule is registered by its trigger's name; rename one "
                        "(flyte.Trigger(name=...))"
                    )
                names.add(trigger.name)
                out.append(_trigger_entry(obj, trigger, start))
    for lp in LaunchPlan.CACHE.values():  # (made with get_or_create but not kept in a name)
        if id(lp) not in seen and lp.params.get("schedule") is not None:
            func = getattr(lp.workflow, "_func", None)  # (the workflow function's module)
            if getattr(func, "__module__", None) == module.__name__:
                seen.add(id(lp))
                out.append(_launch_plan_entry(lp, start))
    return out
