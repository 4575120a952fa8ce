"""Dataframe hints: ``kwtypes``, formats and declared columns from ``Annotated`` metadata.

``Annotated[pd.DataFrame, kwtypes(a=int, b=str), "csv"]`` declares columns and a format.
Understood metadata: a ``str`` (format), a ``dict``/``OrderedDict`` or a class with annotations
(a dataclass) for columns (nested ones flatten to ``a.b``), a ``pyarrow.Schema`` (external
schema; its fields become the columns). ``HashMethod`` is handled by the registry; anything
else is ignored. Two hints of one kind are an error.

``check_columns`` compares declared columns with an Arrow schema and raises one
``ConversionError`` naming every missing or mistyped column.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import typing
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

from typesystem._types import Column, LiteralType, SimpleKind, SimpleType
from typesystem.errors import ConversionError, Issue

PARQUET = "parquet"
CSV = "csv"
ARROW = "arrow"
GENERIC_FORMAT = ""
_ALIASES = {"feather": ARROW, "ipc": ARROW, "arrow_ipc": ARROW, "pq": PARQUET}


def normalise_format(fmt: str | None) -> str:
    """Lower-case format name with aliases resolved (``feather``/``ipc`` -> ``arrow``)."""
    if not fmt:
        return GENERIC_FORMAT
    f = fmt.lower().lstrip(".")
    return _ALIASES.get(f, f)


def kwtypes(**kwargs: Any) -> OrderedDict[str, Any]:
    """``kwtypes(a=int, b=str)``: an ordered ``{name: type}`` dict (columns, container I/O)."""
    return OrderedDict(kwargs)


@dataclasses.dataclass(frozen=True, slots=True)
class FrameHints:
    """What ``Annotated`` metadata says about a dataframe type."""

    format: str = GENERIC_FORMAT
    columns: tuple[tuple[str, Any], ...] = ()
    schema: Any = None


def _is_arrow_schema(m: Any) -> bool:
    t = type(m)
    return t.__name__ == "Schema" and t.__module__.split(".")[0] == "pyarrow"


def _flatten(columns: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for name, t in columns.items():
        full = f"{prefix}{name}"
        if isinstance(t, Mapping):
            out.extend(_flatten(t, full + "."))
        elif dataclasses.is_dataclass(t) and isinstance(t, type):
            out.extend(_flatten(typing.get_type_hints(t), full + "."))
        else:
            out.append((full, t))
    return out


def parse_hints(meta: tuple[Any, ...]) -> FrameHints:
    """Read format, columns and schema from ``Annotated`` metadata (see module docstring)."""
    fmt: str | None = None
    cols: list[tuple[str, Any]] | None = None
    schema: Any = None

    def once(kind: str, current: Any) -> None:
        if current is not None:
            raise ValueError(
                f"a dataframe annotation may carry one {kind}; found two in {meta!r}. "
                f"Keep a single {kind}."
            )

    for m in meta:
        if isinstance(m, str):
            once("format", fmt)
            fmt = normalise_format(m)
        elif isinstance(m, Mapping):
            once("column spec", cols)
            cols = _flatten(m)
        elif isinstance(m, type) and dataclasses.is_dataclass(m):
            once("column spec", cols)
            cols = _flatten(typing.get_type_hints(m))
        elif _is_arrow_schema(m):
            once("pyarrow.Schema", schema)
            schema = m
    if cols is None and schema is not None:
        cols = [(f.name, f.type) for f in schema]
    return FrameHints(fmt or GENERIC_FORMAT, tuple(cols or ()), schema)


# -- types of columns -----------------------------------------------------------------------

_KIND_CHECKS: dict[SimpleKind, tuple[str, str]] = {
    SimpleKind.INTEGER: ("is_integer", "an integer"),
    SimpleKind.FLOAT: ("is_floating", "a float"),
    SimpleKind.STRING: ("_is_string", "a string"),
    SimpleKind.BOOLEAN: ("is_boolean", "a boolean"),
    SimpleKind.BYTES: ("_is_binary", "a binary"),
    SimpleKind.DATETIME: ("is_timestamp", "a timestamp"),
    SimpleKind.DATE: ("is_date", "a date"),
    SimpleKind.DURATION: ("is_duration", "a duration"),
}


def column_literal_type(t: Any, literal_type: Callable[[Any], LiteralType]) -> LiteralType:
    """The literal type of a declared column type (Arrow types map to simple kinds)."""
    if type(t).__module__.split(".")[0] == "pyarrow":
        return _arrow_kind(t)
    if t is _dt.datetime:
        return SimpleType(SimpleKind.DATETIME)
    return literal_type(t)


def _arrow_kind(t: Any) -> LiteralType:
    import pyarrow as pa  # type: ignore[import-untyped]

    for kind, (check, _) in _KIND_CHECKS.items():
        if _arrow_check(pa, check, t):
            return SimpleType(kind)
    return SimpleType(SimpleKind.NONE, tag=str(t))


def _arrow_check(pa: Any, check: str, t: Any) -> bool:
    if check == "_is_string":
        return bool(
            pa.types.is_string(t) or pa.types.is_large_string(t) or _safe(pa, "is_string_view", t)
        )
    if check == "_is_binary":
        return bool(pa.types.is_binary(t) or pa.types.is_large_binary(t))
    return bool(getattr(pa.types, check)(t))


def _safe(pa: Any, name: str, t: Any) -> bool:
    fn = getattr(pa.types, name, None)
    return bool(fn(t)) if fn is not None else False


def _field(schema: Any, name: str) -> Any:
    """The Arrow field ``name`` (``a.b`` walks into structs), or ``None``."""
    import pyarrow as pa

    if name in schema.names:
        return schema.field(name)
    head, _, rest = name.partition(".")
    if not rest or head not in schema.names:
        return None
    t = schema.field(head).type
    while rest:
        if not pa.types.is_struct(t):
            return None
        part, _, rest = rest.partition(".")
        idx = t.get_field_index(part)
        if idx < 0:
            return None
        f = t.field(idx)
        t = f.type
    return f


def check_columns(schema: Any, columns: tuple[Column, ...], where: str) -> None:
    """Raise ``ConversionError`` unless every declared column is in ``schema`` with its type."""
    if not columns:
        return
    import pyarrow as pa

    issues: list[Issue] = []
    missing = [c.name for c in columns if _field(schema, c.name) is None]
    if missing:
        issues.append(
            Issue(
                "$",
                "columns " + ", ".join(c.name for c in columns),
                "columns " + ", ".join(schema.names),
                f"{where} lacks column(s) {', '.join(missing)}; add them to the frame or "
                "remove them from the declared columns",
            )
        )
    for c in columns:
        f = _field(schema, c.name)
        if f is None or not isinstance(c.type, SimpleType) or c.type.kind not in _KIND_CHECKS:
            continue
        check, label = _KIND_CHECKS[c.type.kind]
        if pa.types.is_null(f.type) or _arrow_check(pa, check, f.type):
            continue
        if pa.types.is_dictionary(f.type) and _arrow_check(pa, check, f.type.value_type):
            continue
        issues.append(
            Issue(
                f"$.{c.name}",
                f"{label} column",
                str(f.type),
                f"column {c.name!r} of {where} has the wrong type; convert it or fix the "
                "declared column type",
            )
        )
    if issues:
        raise ConversionError(issues)
