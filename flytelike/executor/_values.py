"""Named literals of the executor's messages, read and written field by field, and the error a
request that cannot be read raises (``RequestError``, naming the field and the gRPC status).

Plain scalars (most map items and small inputs) are written and read field by field; anything
else goes through the type system's converter (``typesystem._proto``), which gives the same
messages more slowly. What does not live here: the messages as a whole (``_wire``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from typesystem import Literal, Scalar, box
from typesystem import _proto as tsp  # (fills and reads messages in place: off typesystem's face)


class RequestError(Exception):
    """A request the executor refuses: ``status`` is the gRPC status name, ``field`` the path
    of the offending field (``""``: the request as a whole)."""

    def __init__(self, status: str, field: str, message: str) -> None:
        where = f"{field}: " if field else ""
        super().__init__(f"{where}{message}")
        self.status = status
        self.field = field


def _invalid(field: str, message: str) -> RequestError:
    return RequestError("INVALID_ARGUMENT", field, message)


_FIELDS = {int: "int_value", float: "float_value", str: "string_value", bytes: "bytes_value"}
_PLAIN = frozenset(("int_value", "float_value", "string_value", "bool_value", "bytes_value"))
_INT64 = 1 << 63


def _put_value(out: Any, value: Any) -> None:
    """``value`` (a ``Literal`` or a bare primitive, as stored in list literals) into ``out``."""
    v = value
    if type(v) is Scalar and v.hash is None and v.metadata is None:
        v = v.value
    t = type(v)
    if t is bool:
        out.scalar.bool_value = v
    elif t in _FIELDS and (t is not int or -_INT64 <= v < _INT64):
        setattr(out.scalar, _FIELDS[t], v)
    else:
        out.CopyFrom(tsp.literal_to_proto(box(value)))


def _get_value(msg: Any) -> Any:
    """The value ``msg`` holds: a bare primitive for a plain scalar, else a ``Literal``."""
    if msg.WhichOneof("kind") == "scalar":
        scalar = msg.scalar
        kind = scalar.WhichOneof("value")
        if kind in _PLAIN and not msg.HasField("hash") and not msg.HasField("metadata"):
            return getattr(scalar, kind)
    return tsp.literal_from_proto(msg)


def put_literals(out: Any, values: Mapping[str, Any]) -> None:
    """Named literals into a repeated ``NamedLiteral`` field (bare primitives are boxed)."""
    for name, value in values.items():
        item = out.add()
        item.name = name
        _put_value(item.value, value)


def get_literals(msgs: Any, field: str, known: Sequence[str] | None = None) -> dict[str, Literal]:
    """Named literals from a repeated ``NamedLiteral`` field; names must be unique and, given
    ``known``, among them."""
    values = get_values(msgs, field, known)
    for k, v in values.items():
        if not isinstance(v, Literal):
            values[k] = Scalar(v)
    return values


def get_values(msgs: Any, field: str, known: Sequence[str] | None = None) -> dict[str, Any]:
    """Like ``get_literals``, with plain scalars as bare primitives (as in list literals)."""
    out: dict[str, Any] = {}
    for nl in msgs:
        name = nl.name
        if not name or name in out or (known is not None and name not in known):
            _bad_name(msgs, field, known)
        if not nl.HasField("value"):
            raise _invalid(f"{field}.{name}", "has no value")
        try:
            out[name] = _get_value(nl.value)
        except Exception as e:
            raise _invalid(f"{field}.{name}", str(e)) from e
    return out


def _bad_name(msgs: Any, field: str, known: Sequence[str] | None) -> None:
    """Raise ``RequestError`` for the first bad name among ``msgs`` (empty, given twice, or
    not among ``known``)."""
    seen: set[str] = set()
    for i, nl in enumerate(msgs):
        name = nl.name
        if not name:
            raise _invalid(f"{field}[{i}].name", "must not be empty")
        if name in seen:
            raise _invalid(f"{field}.{name}", "given twice")
        if known is not None and name not in known:
            expected = ", ".join(known) or "none"
            raise _invalid(f"{field}.{name}", f"the task has no such input (inputs: {expected})")
        seen.add(name)
    raise AssertionError("unreachable: a bad name was found")
