"""Partitions of local artifacts: what a Python value means as a partition, the schema an
artifact name fixes, and selections (``get``/``listall``/``partition_values``) matched against
stored versions.

A version carries at most one time partition and any number of string partitions:

- a ``datetime.date`` is a daily time partition, a ``datetime.datetime`` an hourly one (floored
  to the hour in UTC; a naive one is UTC); an object with ``value`` (a date or datetime) and
  ``granularity`` (``"hour"``, ``"day"``, ``"week"``, ``"month"``), as flyte's
  ``flyte.artifacts.TimePartition``, names the granularity;
- anything else is a string partition, stored as ``str(value)``; ``None`` is refused.

A ``PartitionSchema`` is fixed by ``Artifact.declare`` or, failing that, by the first version
of a name; later versions must carry exactly its keys (errors name the key).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flytelike.remote._errors import RemoteError

GRANULARITIES = ("hour", "day", "week", "month")


class ArtifactError(RemoteError, ValueError):
    """A partition, schema or version that the artifact catalog refuses (the message says
    which key or value, and what to give instead)."""


@dataclass(frozen=True)
class PartitionSchema:
    """The partition keys fixed for an artifact name: at most one time key (``time_key``, with
    its ``granularity``) and the string ``keys`` in declaration order. ``declared``: fixed by
    ``Artifact.declare`` (True) or by the name's first version (False)."""

    time_key: str | None
    granularity: str | None
    keys: tuple[str, ...]
    declared: bool = False

    @property
    def all_keys(self) -> tuple[str, ...]:
        """Every key, the time key first."""
        return ((self.time_key,) if self.time_key else ()) + self.keys

    def same_keys(self, other: PartitionSchema) -> bool:
        return (self.time_key, self.granularity, set(self.keys)) == (
            other.time_key,
            other.granularity,
            set(other.keys),
        )

    def describe(self) -> str:
        parts = [f"{self.time_key} ({self.granularity})"] if self.time_key else []
        return ", ".join(parts + list(self.keys)) or "no partitions"


@dataclass(frozen=True)
class TimePartitionValue:
    """A version's time partition: its ``key``, floored ``value`` (a ``date`` for daily or
    coarser partitions, a UTC ``datetime`` for hourly ones) and ``granularity``."""

    key: str
    value: date | datetime
    granularity: str


def _is_time_object(value: Any) -> bool:
    return (
        not isinstance(value, (str, bytes))
        and isinstance(getattr(value, "value", None), date)
        and isinstance(getattr(value, "granularity", None), str)
    )


def is_time(value: Any) -> bool:
    return isinstance(value, date) or _is_time_object(value)


def to_utc(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def floor(value: date | datetime, granularity: str) -> datetime:
    """The start (UTC) of the ``granularity`` partition holding ``value``."""
    dt = to_utc(value)
    if granularity == "hour":
        return dt.replace(minute=0, second=0, microsecond=0)
    dt = dt.replace(hour=0, minute=0, second=0, microsecond=0)
    if granularity == "week":
        return dt - timedelta(days=dt.weekday())
    if granularity == "month":
        return dt.replace(day=1)
    return dt


def time_of(key: str, value: Any) -> tuple[datetime, str]:
    """A time partition value as (floored UTC datetime, granularity)."""
    if _is_time_object(value):
        granularity = value.granularity
        if granularity not in GRANULARITIES:
            raise ArtifactError(
                f"partition {key!r}: granularity {granularity!r} is not one of {list(GRANULARITIES)}"
            )
        return floor(value.value, granularity), granularity
    granularity = "hour" if isinstance(value, datetime) else "day"
    return floor(value, granularity), granularity


def as_python(moment: datetime, granularity: str) -> date | datetime:
    return moment if granularity == "hour" else moment.date()


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_HOUR = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}$")
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$")


def looks_like_time(text: str) -> bool:
    s = text.strip()
    return bool(_ISO_DATE.match(s) or _ISO_HOUR.match(s) or _TIMESTAMP.match(s))


def parse_time(key: str, value: Any) -> date | datetime:
    """A selection's time bound: a date, datetime, time partition object or ISO string."""
    if _is_time_object(value):
        return value.value  # type: ignore[no-any-return]
    if isinstance(value, date):
        return value
    if isinstance(value, str) and looks_like_time(value):
        s = value.strip()
        if _ISO_DATE.match(s):
            return date.fromisoformat(s)
        if _ISO_HOUR.match(s):
            return datetime.strptime(s, "%Y-%m-%dT%H").replace(tzinfo=UTC)
        return to_utc(datetime.fromisoformat(s.replace("Z", "+00:00")))
    raise ArtifactError(
        f"partition {key!r}: {value!r} is not a time (give a date, a datetime or an ISO string "
        "such as '2026-08-01' or '2026-08-01T13')"
    )


def split(
    partitions: Mapping[str, Any] | None,
) -> tuple[dict[str, str], tuple[str, datetime, str] | None]:
    """A version's partitions as (string partitions, (time key, floored time, granularity))."""
    strings: dict[str, str] = {}
    timed: tuple[str, datetime, str] | None = None
    for key, value in (partitions or {}).items():
        if not isinstance(key, str) or not key:
            raise ArtifactError(f"partition keys must be non-empty strings, got {key!r}")
        if value is None:
            raise ArtifactError(
                f"partition {key!r} is None: give a date, a datetime, a TimePartition or a value "
                "with a string form"
            )
        if is_time(value):
            if timed is not None:
                raise ArtifactError(
                    f"an artifact version carries at most one time partition, and both "
                    f"{timed[0]!r} and {key!r} hold times; make one of them a string"
                )
            moment, granularity = time_of(key, value)
            timed = (key, moment, granularity)
        else:
            strings[key] = str(value)
    return strings, timed


def schema_of(
    strings: Mapping[str, str], timed: tuple[str, datetime, str] | None
) -> PartitionSchema:
    return PartitionSchema(
        time_key=timed[0] if timed else None,
        granularity=timed[2] if timed else None,
        keys=tuple(strings),
    )


def schema_from_spec(name: str, spec: Mapping[str, Any]) -> PartitionSchema:
    """``Artifact.declare``'s mapping: ``date``/``"day"``, ``datetime``/``"hour"``,
    ``"week"``/``"month"`` for the time key; ``str``/``int`` (or ``"str"``/``"int"``) for a
    string key."""
    if not isinstance(spec, Mapping):
        raise ArtifactError(
            f"Artifact.declare({name!r}): partitions must be a mapping of key to kind, got "
            f"{type(spec).__name__}"
        )
    time_key: str | None = None
    granularity: str | None = None
    keys: list[str] = []
    for key, kind in spec.items():
        if not isinstance(key, str) or not key:
            raise ArtifactError(
                f"Artifact.declare({name!r}): partition keys must be non-empty strings"
            )
        if kind is datetime:
            g: str | None = "hour"
        elif kind is date:
            g = "day"
        elif isinstance(kind, str) and kind in GRANULARITIES:
            g = kind
        elif kind in (str, int, "str", "int"):
            g = None
        else:
            raise ArtifactError(
                f"Artifact.declare({name!r}): partition {key!r}: {kind!r} is not a kind; declare a "
                "time key with date, datetime, 'hour', 'day', 'week' or 'month', a string key with str"
            )
        if g is None:
            keys.append(key)
        elif time_key is not None:
            raise ArtifactError(
                f"Artifact.declare({name!r}): at most one time key, and both {time_key!r} and "
                f"{key!r} are time keys"
            )
        else:
            time_key, granularity = key, g
    return PartitionSchema(time_key, granularity, tuple(keys))


def check_version(
    name: str, schema: PartitionSchema, given: PartitionSchema, how: str = "its first version"
) -> None:
    """Refuse a version whose partition keys are not ``schema``'s, naming the key."""
    if given.same_keys(schema):
        return
    fixed = f"artifact {name!r} has partitions {schema.describe()} (fixed by {how})"
    for key in schema.all_keys:
        if key not in given.all_keys:
            raise ArtifactError(f"{fixed}: partition {key!r} is missing; give a value for it")
    for key in given.all_keys:
        if key not in schema.all_keys:
            raise ArtifactError(
                f"{fixed}: partition {key!r} is not one of its keys; a new set of keys is a new "
                "artifact name"
            )
    if given.time_key != schema.time_key:
        raise ArtifactError(
            f"{fixed}: partition {given.time_key or schema.time_key!r} must "
            + ("be a time" if schema.time_key else "be a string, not a time")
        )
    raise ArtifactError(
        f"{fixed}: partition {schema.time_key!r} is {_ADVERB[str(given.granularity)]}, it must be "
        f"{_ADVERB[str(schema.granularity)]} (a date is daily, a datetime hourly; a TimePartition "
        f"with granularity={schema.granularity!r} says so)"
    )


_ADVERB = {"hour": "hourly", "day": "daily", "week": "weekly", "month": "monthly"}


@dataclass(frozen=True)
class Condition:
    """One key of a selection: ``kind`` is ``"eq"``, ``"in"`` (strings) or ``"time"``/
    ``"range"`` (the time partition)."""

    key: str
    kind: str
    values: tuple[Any, ...]


def selection(
    where: str, partitions: Mapping[str, Any], schema: PartitionSchema | None, single: bool = False
) -> list[Condition]:
    """The conditions of a partition selection; ``single`` (``get``) refuses ranges and lists.
    With a ``schema``, keys it does not have are refused by name, and its string keys compare
    as strings even when a value reads as a date."""
    out: list[Condition] = []
    for key, value in partitions.items():
        if value is None:
            raise ArtifactError(f"{where}: partition {key!r} is None; give a value to select by")
        if schema is not None and key not in schema.all_keys:
            raise ArtifactError(
                f"{where}: partition {key!r} is not a key of this artifact (its partitions: "
                f"{schema.describe()})"
            )
        string_key = schema is not None and key in schema.keys
        if isinstance(value, (list, tuple, set, frozenset)):
            if single:
                raise ArtifactError(
                    f"{where}: {key!r} is a range or list ({value!r}) and selects several "
                    "partitions; use Artifact.listall(name, latest_per_partition=True, ...)"
                )
            items = list(value)
            timeish = [
                v for v in items if is_time(v) or (isinstance(v, str) and looks_like_time(v))
            ]
            if isinstance(value, tuple) and len(items) == 2 and timeish and not string_key:
                lo, hi = (parse_time(key, v) for v in items)
                out.append(Condition(key, "range", (to_utc(lo), to_utc(hi))))
            elif any(is_time(v) for v in items) or (timeish and not string_key):
                raise ArtifactError(
                    f"{where}: partition {key!r}: a list of times is not one selection; give a "
                    "range (start, end) or select once per value"
                )
            else:
                out.append(Condition(key, "in", tuple(str(v) for v in items)))
        elif is_time(value) or (
            isinstance(value, str) and looks_like_time(value) and not string_key
        ):
            out.append(
                Condition(key, "time", (value if is_time(value) else parse_time(key, value),))
            )
        else:
            out.append(Condition(key, "eq", (str(value),)))
    return out


def matches(
    conditions: list[Condition],
    strings: Mapping[str, str],
    timed: tuple[str, datetime, str] | None,
) -> bool:
    """Whether a version's partitions satisfy every condition. A time condition on a plain date
    or datetime matches the partition holding it (floored with the version's granularity)."""
    for c in conditions:
        if c.kind in ("eq", "in"):
            if strings.get(c.key) not in c.values:
                return False
            continue
        if timed is None or timed[0] != c.key:
            return False
        _, moment, granularity = timed
        if c.kind == "range":
            if not c.values[0] <= moment <= c.values[1]:
                return False
        else:
            wanted = c.values[0]
            at = (
                time_of(c.key, wanted)[0] if _is_time_object(wanted) else floor(wanted, granularity)
            )
            if at != moment:
                return False
    return True


def python_partitions(
    strings: Mapping[str, str], timed: tuple[str, datetime, str] | None
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if timed is not None:
        out[timed[0]] = as_python(timed[1], timed[2])
    out.update(strings)
    return out


def show(value: Any) -> str:
    if _is_time_object(value):
        return f"{show(value.value)} ({value.granularity})"
    return value.isoformat() if isinstance(value, date) else str(value)
