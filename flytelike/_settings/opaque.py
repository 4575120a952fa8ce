"""Turning objects the IR carries without understanding them into ``Opaque`` (type + JSON).

Dataclasses become their fields, objects with ``to_dict()`` (kubernetes models, ImageSpec) their
dict, mappings and sequences recurse; anything else is its ``repr``. Keys are sorted, so equal
objects give equal JSON in every process.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import enum
from typing import Any

from flytelike.ir import Opaque, field_names, is_record


def plain(obj: Any) -> Any:
    """A JSON-compatible form of ``obj``."""
    if obj is None or isinstance(obj, bool | int | float | str):
        return obj
    if isinstance(obj, enum.Enum):
        return plain(obj.value)
    if isinstance(obj, bytes):
        return obj.hex()
    if isinstance(obj, _dt.timedelta):
        return obj.total_seconds()
    if isinstance(obj, _dt.date | _dt.datetime):
        return obj.isoformat()
    if isinstance(obj, dict):
        return {str(k): plain(v) for k, v in obj.items()}
    if is_record(obj):
        return {n: plain(getattr(obj, n)) for n in field_names(obj)}
    if isinstance(obj, list | tuple | set | frozenset):
        items = [plain(v) for v in obj]
        return sorted(items, key=repr) if isinstance(obj, set | frozenset) else items
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    to_dict = getattr(obj, "to_dict", None)
    if callable(to_dict):
        return plain(to_dict())
    if hasattr(obj, "__dict__"):
        return {k: plain(v) for k, v in vars(obj).items() if not k.startswith("_")}
    return repr(obj)


def type_name(obj: Any) -> str:
    cls = type(obj)
    module = cls.__module__
    return cls.__qualname__ if module == "builtins" else f"{module}.{cls.__qualname__}"


def to_opaque(obj: Any) -> Opaque | None:
    """``Opaque`` for ``obj`` (``None`` stays ``None``)."""
    if obj is None:
        return None
    import json

    text = json.dumps(plain(obj), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return Opaque(type_name(obj), text)
