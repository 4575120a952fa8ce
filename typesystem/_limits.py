"""The limits every decoder enforces: the int64 range, the duration range and the nesting depth.

- Integers are int64 (``INT64_MIN`` to ``INT64_MAX``), as in Flyte: the registry refuses larger
  ``int`` values, and every decoder refuses them (JSON and CLI input, msgpack, protobuf).
- Durations are what ``datetime.timedelta`` holds: at most 999,999,999 days either way.
- Values nest at most ``MAX_DEPTH`` levels (each list, dict, tuple, union value, record or
  hash/metadata wrapper is a level). Decoding a union value inside a union value costs a nested
  msgpack decode of about 45 KB of C stack, and protobuf's parser stops at 100 nested messages
  (about 49 levels of literal containers), so the limit stays well below both.

``plain_issue`` checks untyped data (JSON/YAML input for ``Any`` and record fields) against the
nesting and int64 limits in one walk. Checks on the hot decoding paths live with the decoders
(``_msgpack``, ``_proto``) so that valid input pays nothing for them.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

MAX_DEPTH = 32
"""How many levels values may nest (``[[1]]`` nests 2 levels)."""

MAX_DURATION_DAYS = _dt.timedelta.max.days
DURATION_RANGE = f"a duration holds at most {MAX_DURATION_DAYS:,} days either way"


def int64_detail(value: int) -> str:
    """Why ``value`` is refused (an int outside int64), for error messages; never prints 300
    digits nor trips Python's int-to-str limit."""
    shown = str(value) if value.bit_length() <= 96 else f"an integer of {value.bit_length()} bits"
    return f"{shown} is outside the int64 range (-2**63 to 2**63-1)"


def plain_issue(data: Any, path: str = "$") -> tuple[str, str, str] | None:
    """The first ``(path, got, detail)`` where untyped ``data`` nests deeper than ``MAX_DEPTH``
    or holds an int outside int64; ``None`` when it has neither."""
    stack: list[tuple[Any, str, int]] = [(data, path, 0)]
    while stack:
        value, where, depth = stack.pop()
        t = type(value)
        if t is int:
            if not INT64_MIN <= value <= INT64_MAX:
                return where, "int", int64_detail(value)
            continue
        if t in (dict, list, tuple, set, frozenset):
            if depth >= MAX_DEPTH:
                return where, t.__name__, f"nested deeper than {MAX_DEPTH} levels"
            if t is dict:
                for k, v in value.items():
                    stack.append((k, f"{where}[{k!r}]", depth + 1))
                    stack.append((v, f"{where}[{k!r}]", depth + 1))
            else:
                stack.extend((v, f"{where}[{i}]", depth + 1) for i, v in enumerate(value))
    return None
