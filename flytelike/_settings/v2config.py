"""Flyte v2 configuration objects: retries, timeouts, reuse, links, triggers and devices.

What lives here: ``RetryStrategy``/``Backoff``, ``Timeout`` (and the ``TimeoutType`` alias),
``ReusePolicy``, ``Link``, ``Trigger`` with ``Cron`` (``FixedRate`` is the v1 class in
``_schedule``, which also takes v2's ``interval_minutes``), ``TriggerTime``, ``Device`` with the
``GPU``/``TPU``/``Neuron``/``AMD_GPU``/``HABANA_GAUDI``/``APPLE_SILICON`` helpers, the
``DeviceClass`` alias and the ``SecretRequest`` alias. Each object validates itself when it is
built (``DefinitionError``: what is wrong, the value, how to fix it); ``@env.task`` checks how
they are used and carries them into the task template (``_env``).

What the local engine does with them: the retry count and the ``Backoff`` delay between attempts
and ``Timeout.max_runtime`` are enforced; ``max_queued_time``/``deadline``, reuse policies,
triggers and links are validated and carried (``v2.*`` custom entries) but do nothing locally,
as they need a cluster or a scheduler.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import typing
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from flytelike._settings.durations import to_timedelta
from flytelike._settings.secret import Secret
from flytelike.errors import DefinitionError

if TYPE_CHECKING:
    from flytelike._settings.schedule import FixedRate

Duration: TypeAlias = "_dt.timedelta | float"


def _int(value: Any, what: str, low: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < low:
        raise DefinitionError(f"{what}: expected an int >= {low}, got {value!r}")
    return value


def _set(obj: Any, **values: Any) -> None:
    for k, v in values.items():
        object.__setattr__(obj, k, v)


def _secs(value: Any) -> float:
    """Seconds of a field normalised to a ``timedelta`` by ``__post_init__``."""
    return value.total_seconds() if isinstance(value, _dt.timedelta) else float(value)


# ---------------------------------------------------------------------------- retries
@dataclasses.dataclass(frozen=True)
class Backoff:
    """Exponential delay between retries: ``base * factor**n``, at most ``cap``.

    ``base`` and ``cap`` are ``timedelta``s or seconds; ``factor`` is >= 1.
    """

    base: Duration
    factor: float = 1.0
    cap: Duration | None = None

    def __post_init__(self) -> None:
        base = to_timedelta(self.base, "Backoff.base")
        factor = self.factor
        if not isinstance(factor, int | float) or isinstance(factor, bool) or factor < 1:
            raise DefinitionError(f"Backoff.factor: expected a number >= 1, got {factor!r}")
        cap = None if self.cap is None else to_timedelta(self.cap, "Backoff.cap")
        if cap is not None and cap < base:
            raise DefinitionError(f"Backoff: cap ({cap}) is below base ({base}); raise the cap")
        _set(self, base=base, factor=float(factor), cap=cap)

    def compute_delay(self, n: int) -> _dt.timedelta:
        """The wait before retry ``n`` (0 for the first retry)."""
        return _dt.timedelta(seconds=retry_delay(self.to_custom(), max(n, 0)))

    def to_custom(self) -> dict[str, float | None]:
        """The ``v2.retry_backoff`` template entry the engine reads."""
        cap = None if self.cap is None else _secs(self.cap)
        return {"base_s": _secs(self.base), "factor": self.factor, "cap_s": cap}


@dataclasses.dataclass(frozen=True)
class RetryStrategy:
    """``retries=RetryStrategy(count=3, backoff=Backoff(base=timedelta(seconds=1), factor=2))``."""

    count: int
    backoff: Backoff | None = None

    def __post_init__(self) -> None:
        _int(self.count, "RetryStrategy.count", 0)
        if self.backoff is not None and not isinstance(self.backoff, Backoff):
            raise DefinitionError(
                f"RetryStrategy.backoff: expected a Backoff(base=..., factor=..., cap=...) or "
                f"None, got {self.backoff!r}"
            )


def retry_delay(backoff: dict[str, Any] | None, retry: int) -> float:
    """Seconds to wait before retry ``retry`` (0-based) for a ``v2.retry_backoff`` entry."""
    if not backoff:
        return 0.0
    delay = float(backoff.get("base_s") or 0.0) * float(backoff.get("factor") or 1.0) ** retry
    cap = backoff.get("cap_s")
    return delay if cap is None else min(delay, float(cap))


# ---------------------------------------------------------------------------- timeouts
@dataclasses.dataclass(frozen=True)
class Timeout:
    """``Timeout(max_runtime=None, max_queued_time=None, deadline=None)``: durations or seconds.

    ``max_runtime`` bounds each attempt (enforced locally, like ``timeout=<seconds>``);
    ``max_queued_time`` and ``deadline`` are carried for a cluster backend. Each may be left
    out; ``Timeout()`` bounds nothing, as in flyte.
    """

    max_runtime: Duration | None = None
    max_queued_time: Duration | None = None
    deadline: Duration | None = None

    def __post_init__(self) -> None:
        for name in ("max_runtime", "max_queued_time", "deadline"):
            value = getattr(self, name)
            if value is not None:
                _set(self, **{name: to_timedelta(value, f"Timeout.{name}", allow_zero=False)})
        if (
            self.deadline is not None
            and self.max_runtime is not None
            and _secs(self.deadline) < _secs(self.max_runtime)
        ):
            raise DefinitionError(
                f"Timeout: deadline ({self.deadline}) is shorter than max_runtime "
                f"({self.max_runtime}); raise the deadline or lower max_runtime"
            )


TimeoutType: TypeAlias = Timeout | int | float | _dt.timedelta


# ---------------------------------------------------------------------------- reuse
@dataclasses.dataclass(frozen=True)
class ReusePolicy:
    """Keep warm containers for an environment's tasks (``TaskEnvironment(reusable=...)``).

    ``replicas`` is a count or a ``(min, max)`` range; ``idle_ttl``/``scaledown_ttl`` are seconds
    or ``timedelta``s; ``concurrency`` is tasks per replica; ``scope`` is ``"global"`` or
    ``"run"``. Carried into the IR; the local backend runs every attempt in this process anyway.
    """

    replicas: int | tuple[int, int] = 2
    idle_ttl: Duration = 30
    concurrency: int = 1
    scaledown_ttl: Duration = 30
    scope: Literal["global", "run"] = "global"

    def __post_init__(self) -> None:
        r = self.replicas
        if isinstance(r, tuple | list):
            if len(r) != 2:
                raise DefinitionError(
                    f"ReusePolicy.replicas: give a count or (min, max), got {r!r}"
                )
            low, high = _int(r[0], "ReusePolicy.replicas min", 0), _int(r[1], "replicas max", 1)
            if low > high:
                raise DefinitionError(f"ReusePolicy.replicas: min > max in {r!r}; swap them")
            _set(self, replicas=(low, high))
        else:
            _int(r, "ReusePolicy.replicas", 1)
        _int(self.concurrency, "ReusePolicy.concurrency", 1)
        _set(
            self,
            idle_ttl=to_timedelta(self.idle_ttl, "ReusePolicy.idle_ttl", allow_zero=False),
            scaledown_ttl=to_timedelta(
                self.scaledown_ttl, "ReusePolicy.scaledown_ttl", allow_zero=False
            ),
        )
        if self.scope not in ("global", "run"):
            raise DefinitionError(
                f"ReusePolicy.scope: expected 'global' or 'run', got {self.scope!r}"
            )


# ---------------------------------------------------------------------------- links
class Link:
    """A link shown next to an action (a dashboard, an experiment tracker, ...).

    Subclass it as a ``@dataclass`` with a ``name`` (the label) and implement ``get_link``. The
    backend calls ``get_link`` with the run's names; locally links are only validated and carried.
    (Upstream ``Link`` is a protocol: any object with ``name`` and ``get_link`` is accepted.)
    """

    name: str = "link"
    icon_uri: str = ""

    def get_link(
        self,
        run_name: str,
        project: str,
        domain: str,
        context: dict[str, str],
        parent_action_name: str,
        action_name: str,
        pod_name: str,
        **kwargs: Any,
    ) -> str:
        raise NotImplementedError(f"{type(self).__name__} must implement get_link(...)")


def check_link(link: Any, where: str) -> None:
    if not isinstance(getattr(link, "name", None), str) or not callable(
        getattr(link, "get_link", None)
    ):
        raise DefinitionError(
            f"{where}: links takes Link objects (a `name` string and a get_link(...) method), "
            f"got {link!r}; subclass flytelike.Link"
        )


# ---------------------------------------------------------------------------- triggers
class _TriggerTime:
    """The time a trigger fired, as a trigger input: ``inputs={"when": TriggerTime}``."""

    __slots__ = ()  # no ``__dict__``: the IR carries it as its repr, "TriggerTime"

    def __repr__(self) -> str:
        return "TriggerTime"


TriggerTime = _TriggerTime()


@dataclasses.dataclass(frozen=True)
class Cron:
    """``Cron("0 9 * * 1-5", timezone="Europe/Paris")``: five fields or an alias like ``@daily``."""

    expression: str
    timezone: str | None = None

    def __post_init__(self) -> None:
        from flytelike._settings.schedule import validate_cron

        if not isinstance(self.expression, str):
            raise DefinitionError(f"Cron: expression must be a string, got {self.expression!r}")
        validate_cron(self.expression)
        if self.timezone is not None:
            import zoneinfo

            try:
                zoneinfo.ZoneInfo(self.timezone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
                raise DefinitionError(
                    f"Cron: unknown timezone {self.timezone!r}; use an IANA name like "
                    "'America/New_York'"
                ) from None


@dataclasses.dataclass(frozen=True)
class Trigger:
    """Run a task on a schedule: ``Trigger("nightly", Cron("0 2 * * *"), inputs={...})``.

    ``automation`` is a ``Cron``, a ``FixedRate`` or an ``OnArtifact``; ``inputs`` fixes task
    inputs (the value ``TriggerTime`` receives the firing time). ``notifications`` are
    ``flytelike.notify`` objects (or a ``NamedRule``) for the runs it starts. Checked against the
    task it is attached to and carried into the IR; ``flytelike schedule serve`` fires it locally.
    """

    name: str
    automation: Cron | FixedRate | Any
    inputs: dict[str, Any] | None = None
    description: str = ""
    auto_activate: bool = True
    env_vars: dict[str, str] | None = None
    interruptible: bool | None = None
    overwrite_cache: bool = False
    queue: str | None = None
    labels: dict[str, str] | None = None
    annotations: dict[str, str] | None = None
    max_action_concurrency: int | None = None
    notifications: Any = None
    custom_context: dict[str, str] | None = None

    def __post_init__(self) -> None:
        from flytelike._settings.notify import check_notifications
        from flytelike._settings.schedule import FixedRate
        from flytelike._settings.triggers import OnArtifact

        if not isinstance(self.name, str) or not self.name:
            raise DefinitionError(f"Trigger: name must be a non-empty string, got {self.name!r}")
        where = f"Trigger({self.name!r})"
        if not isinstance(self.automation, Cron | FixedRate | OnArtifact):
            raise DefinitionError(
                f"{where}: automation must be Cron(...), FixedRate(...) or OnArtifact(...), got "
                f"{self.automation!r}"
            )
        if self.inputs is not None and not (
            isinstance(self.inputs, dict) and all(isinstance(k, str) for k in self.inputs)
        ):
            raise DefinitionError(f"{where}: inputs must be a dict of input name to value")
        if self.max_action_concurrency is not None:
            _int(self.max_action_concurrency, f"{where}.max_action_concurrency", 1)
        _set(self, notifications=check_notifications(self.notifications, where))
        for name in ("env_vars", "labels", "annotations", "custom_context"):
            value = getattr(self, name)
            if value is not None and not (
                isinstance(value, dict)
                and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
            ):
                raise DefinitionError(f"{where}: {name} must be a dict of str to str")

    @classmethod
    def _every(cls, every: str, cron: str, time_input: str | None, **kw: Any) -> Trigger:
        # flyte's shortcuts: ``name`` and ``description`` default to the period's.
        inputs = dict(kw.pop("inputs", None) or {})
        if time_input:
            inputs[time_input] = TriggerTime
        name = kw.pop("name", every)
        kw.setdefault("description", f"A trigger that runs {_EVERY[every]}")
        return cls(name, Cron(cron), inputs or None, **kw)

    @classmethod
    def minutely(cls, trigger_time_input_key: str | None = None, **kw: Any) -> Trigger:
        return cls._every("minutely", "* * * * *", trigger_time_input_key, **kw)

    @classmethod
    def hourly(cls, trigger_time_input_key: str | None = None, **kw: Any) -> Trigger:
        return cls._every("hourly", "0 * * * *", trigger_time_input_key, **kw)

    @classmethod
    def daily(cls, trigger_time_input_key: str | None = None, **kw: Any) -> Trigger:
        return cls._every("daily", "0 0 * * *", trigger_time_input_key, **kw)

    @classmethod
    def weekly(cls, trigger_time_input_key: str | None = None, **kw: Any) -> Trigger:
        return cls._every("weekly", "0 0 * * 0", trigger_time_input_key, **kw)

    @classmethod
    def monthly(cls, trigger_time_input_key: str | None = None, **kw: Any) -> Trigger:
        return cls._every("monthly", "0 0 1 * *", trigger_time_input_key, **kw)


_EVERY = {
    "minutely": "every minute",
    "hourly": "every hour",
    "daily": "daily at midnight",
    "weekly": "weekly on Sunday at midnight",
    "monthly": "monthly on the 1st at midnight",
}


def check_triggers(triggers: Any, func: Any, where: str) -> list[Trigger]:
    """``triggers`` as a list, each a ``Trigger`` whose inputs are inputs of ``func``."""
    import inspect

    if isinstance(triggers, Trigger):
        triggers = [triggers]
    params = inspect.signature(func).parameters
    out = []
    for t in triggers or ():
        if not isinstance(t, Trigger):
            raise DefinitionError(f"{where}: triggers takes Trigger(...) objects, got {t!r}")
        # (two triggers of one name are refused where they are registered, as by flyte's
        # platform: ``flytelike.scheduler``'s ``find_entries``; a local run does not use them)
        unknown = sorted(set(t.inputs or ()) - set(params))
        if unknown:
            raise DefinitionError(
                f"{where}: trigger {t.name!r} sets input(s) {', '.join(unknown)} that the task "
                f"does not have; its inputs are: {', '.join(params) or '(none)'}"
            )
        out.append(t)
    return out


# ---------------------------------------------------------------------------- devices
@dataclasses.dataclass(frozen=True)
class Device:
    """An accelerator for ``Resources(gpu=...)``: ``Device("A100", quantity=2)``.

    ``device_class`` is flyte's ``DeviceClass`` (``"GPU"``, ``"TPU"``, ``"NEURON"``,
    ``"AMD_GPU"``, ``"HABANA_GAUDI"``, ``"APPLE_SILICON"``); v2 tasks carry a class other than
    ``GPU`` as ``v2.device_class``.
    """

    device: str
    quantity: int = 1
    partition: str | None = None
    device_class: str = "GPU"

    def __post_init__(self) -> None:
        if not isinstance(self.device, str) or not self.device:
            raise DefinitionError(f"Device: device must be a name like 'A100', got {self.device!r}")
        if self.device_class not in DEVICE_CLASSES:
            raise DefinitionError(
                f"Device({self.device!r}).device_class must be one of "
                f"{', '.join(DEVICE_CLASSES)}, got {self.device_class!r}"
            )
        _int(self.quantity, f"Device({self.device!r}).quantity", 1)
        if self.partition is not None and not isinstance(self.partition, str):
            raise DefinitionError(
                f"Device({self.device!r}).partition must be a string like '1g.5gb', got "
                f"{self.partition!r}"
            )


def GPU(device: str, quantity: int = 1, partition: str | None = None) -> Device:
    """``GPU("A100", 2)``: ``quantity`` GPUs of one model (optionally a MIG partition)."""
    return Device(device, quantity, partition)


def TPU(device: str, partition: str | None = None) -> Device:
    """``TPU("V5P", "2x2x1")``: a TPU slice (the partition is the topology)."""
    return Device(device, 1, partition, "TPU")


DeviceClass: TypeAlias = Literal["GPU", "TPU", "NEURON", "AMD_GPU", "HABANA_GAUDI", "APPLE_SILICON"]
DEVICE_CLASSES: tuple[str, ...] = typing.get_args(DeviceClass)


def Neuron(device: str) -> Device:
    """``Neuron("Trn1")``: an AWS Inferentia/Trainium device."""
    return Device(device, 1, None, "NEURON")


def AMD_GPU(device: str) -> Device:
    """``AMD_GPU("MI300X")``: one AMD GPU."""
    return Device(device, 1, None, "AMD_GPU")


def HABANA_GAUDI(device: str) -> Device:
    """``HABANA_GAUDI("Gaudi1")``: one Habana Gaudi accelerator."""
    return Device(device, 1, None, "HABANA_GAUDI")


def APPLE_SILICON() -> Device:
    """An Apple Silicon GPU (``device="AppleSilicon"``)."""
    return Device("AppleSilicon", 1, None, "APPLE_SILICON")


SecretRequest: TypeAlias = str | Secret | list[str | Secret]
