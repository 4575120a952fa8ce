"""What a condition is made of, shared by the gates (which check a condition's signals) and
``_conditions`` (which creates and waits for them): the data types and how a signal converts to
one (``coerce``), the action id of a condition, and its callback URI."""

from __future__ import annotations

from typing import Any

from typesystem import SimpleKind, SimpleType

KIND = "condition"
URI_SCHEME = "flytelike://"
TYPES: dict[type, SimpleType] = {
    bool: SimpleType(kind=SimpleKind.BOOLEAN),
    int: SimpleType(kind=SimpleKind.INTEGER),
    float: SimpleType(kind=SimpleKind.FLOAT),
    str: SimpleType(kind=SimpleKind.STRING),
}
_TRUE = frozenset({"true", "yes", "y", "t", "1"})
_FALSE = frozenset({"false", "no", "n", "f", "0"})


def coerce(value: Any, data_type: type) -> Any:
    """``value`` (a signal's JSON value) as ``data_type``; ``ValueError`` naming why not."""
    if data_type is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise ValueError(f"{value!r} is not a bool (send true or false)")
    if data_type is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str):
            try:
                return int(value.strip())
            except ValueError:
                pass
        raise ValueError(f"{value!r} is not an int")
    if data_type is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value.strip())
            except ValueError:
                pass
        raise ValueError(f"{value!r} is not a float")
    if data_type is str:
        return value if isinstance(value, str) else str(value)
    raise ValueError(f"a condition's data type is bool, int, float or str, not {data_type!r}")


def python_type(lt: Any) -> type | None:
    """The condition data type whose literal type is ``lt`` (``None`` for any other)."""
    return next((t for t, s in TYPES.items() if s == lt), None)


def action_id(parent: str, name: str) -> str:
    return f"{parent}/cond-{name}"


def callback_uri(run_name: str, name: str) -> str:
    """What ``{callback_uri}`` in a condition's webhook payload becomes: a URI naming the
    condition, which ``flytelike runs signal URI VALUE`` (and ``parse_uri``) accept."""
    return f"{URI_SCHEME}runs/{run_name}/conditions/{name}"


def parse_uri(uri: str) -> tuple[str, str] | None:
    """``(run name, condition name)`` of a ``callback_uri``; ``None`` for any other text."""
    if not uri.startswith(URI_SCHEME):
        return None
    parts = uri[len(URI_SCHEME) :].split("/")
    if len(parts) != 4 or parts[0] != "runs" or parts[2] != "conditions" or not all(parts):
        return None
    return parts[1], parts[3]
