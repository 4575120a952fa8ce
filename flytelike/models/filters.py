"""Execution filters under flytekit's names (``flytekit.models.filters``), applied locally.

``FlyteRemote.recent_executions(filters=[...])`` keeps the executions every filter accepts. A
filter is ``(key, op, value)``; ``Filter.from_python_std("eq(workflow.name,my.wf)")`` parses
flytekit's text form. Keys a local execution has:

- ``phase``: the execution's phase name (``SUCCEEDED``);
- ``name`` / ``execution.name`` / ``id.name``: the execution name;
- ``workflow.name`` / ``launch_plan.name`` / ``task.name`` / ``entity.name``: the name of the
  entity that ran (one local name; no launch plan/workflow distinction);
- ``duration``: seconds from start to end (absent while running);
- ``started_at`` / ``created_at`` / ``updated_at``: POSIX seconds.

Any other key raises ``ValueError`` when the filter is applied.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "gt": lambda a, b: a is not None and a > b,
    "gte": lambda a, b: a is not None and a >= b,
    "lt": lambda a, b: a is not None and a < b,
    "lte": lambda a, b: a is not None and a <= b,
    "contains": lambda a, b: a is not None and str(b) in str(a),
    "value_in": lambda a, b: a in b,
}


class Filter:
    """``key op value``; subclasses fix ``op``."""

    op = "eq"

    def __init__(self, key: str, value: Any, op: str | None = None) -> None:
        self.key = key
        self.value = value
        if op is not None:
            if op not in _OPS:
                raise ValueError(f"unknown filter operator {op!r}; known: {', '.join(_OPS)}")
            self.op = op

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.key!r}, {self.value!r})"

    @classmethod
    def from_python_std(cls, text: str) -> Filter:
        """Parse flytekit's ``op(key,value)`` text (``value_in`` takes ``a;b;c``)."""
        m = re.fullmatch(r"\s*(\w+)\((.+?),(.*)\)\s*", text)
        if m is None or m.group(1) not in _OPS:
            raise ValueError(
                f"cannot parse filter {text!r}: expected op(key,value) with op one of "
                f"{', '.join(_OPS)}"
            )
        op, key, value = m.group(1), m.group(2).strip(), m.group(3).strip()
        parsed: Any = value.split(";") if op == "value_in" else _number(value)
        return Filter(key, parsed, op)

    def matches(self, fields: dict[str, Any]) -> bool:
        if self.key not in fields:
            raise ValueError(
                f"cannot filter local executions on {self.key!r}; keys: {', '.join(sorted(fields))}"
            )
        actual = fields[self.key]
        value = self.value
        if isinstance(actual, float | int) and isinstance(value, str):
            value = _number(value)
        if self.op == "value_in":
            return actual in [str(v) for v in value] or actual in value
        return _OPS[self.op](actual, str(value) if isinstance(actual, str) else value)


def _number(text: str) -> Any:
    for conv in (int, float):
        try:
            return conv(text)
        except ValueError:
            pass
    return text


class Equal(Filter):
    op = "eq"


class NotEqual(Filter):
    op = "ne"


class GreaterThan(Filter):
    op = "gt"


class GreaterThanOrEqual(Filter):
    op = "gte"


class LessThan(Filter):
    op = "lt"


class LessThanOrEqual(Filter):
    op = "lte"


class Contains(Filter):
    op = "contains"


class ValueIn(Filter):
    op = "value_in"


__all__ = [
    "Contains",
    "Equal",
    "Filter",
    "GreaterThan",
    "GreaterThanOrEqual",
    "LessThan",
    "LessThanOrEqual",
    "NotEqual",
    "ValueIn",
]
