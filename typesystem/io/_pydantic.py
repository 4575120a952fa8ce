"""pydantic support for ``File``, ``Dir`` and ``DataFrame`` fields.

A pydantic model holding offloaded values is dumped in JSON mode as
``{"path"|"uri", "format", "hash", ...}`` dicts; dumping runs the value's transformer first, so
local data is uploaded before the reference is written. Validating such a dict (or a path
string, or the object itself) gives back a lazy reference. pydantic is imported only when a
model using these types is built.
"""

from __future__ import annotations

import os
from typing import Any


def _to_plain(cls: type, value: Any) -> dict[str, Any]:
    from typesystem._literals import Blob, Table
    from typesystem._registry import default_registry

    lit = default_registry().to_literal(value, cls)
    if isinstance(lit, Table):
        return {
            "uri": lit.uri,
            "format": lit.format,
            "columns": list(lit.columns),
            "hash": lit.hash,
        }
    assert isinstance(lit, Blob)
    return {"path": lit.uri, "format": lit.format, "hash": lit.hash}


def _from_plain(cls: Any, value: Any) -> Any:
    from typesystem.io._frame import DataFrame

    if isinstance(value, cls):
        return value
    if isinstance(value, dict):
        if issubclass(cls, DataFrame):
            return cls._from_store(
                value["uri"], value.get("format") or "parquet", tuple(value.get("columns") or ())
            )
        uri = value.get("path") or value.get("uri")
        if not isinstance(uri, str):
            raise ValueError(f"a {cls.__name__} needs a 'path', got {value!r}")
        return cls._from_store(uri, format=value.get("format") or "", hash=value.get("hash"))
    if isinstance(value, str | os.PathLike) and not issubclass(cls, DataFrame):
        return cls(value)
    raise ValueError(f"expected a {cls.__name__}, a dict or a path, got {type(value).__name__}")


def offloaded_schema(cls: type, source: Any) -> Any:
    """The pydantic-core schema of an offloaded type."""
    from pydantic_core import core_schema

    def serialize(value: Any, info: Any) -> Any:
        if info.mode_is_json():
            return _to_plain(cls, value)
        return value

    return core_schema.no_info_plain_validator_function(
        lambda v: _from_plain(cls, v),
        serialization=core_schema.plain_serializer_function_ser_schema(serialize, info_arg=True),
    )


class ModelLike:
    """flyte 2's ``File``, ``Dir`` and ``DataFrame`` are pydantic models; these are the parts of
    that API programs call on the values themselves, with the dict shape above:
    ``model_dump()`` (uploads local data first, as a JSON dump does), ``model_dump_json()``,
    ``Cls.model_validate(dict | path | value)`` and ``Cls.model_validate_json(text)``."""

    def model_dump(self, **options: Any) -> dict[str, Any]:
        return _to_plain(type(self), self)

    def model_dump_json(self, **options: Any) -> str:
        import json

        return json.dumps(_to_plain(type(self), self), indent=options.get("indent"))

    @classmethod
    def model_validate(cls, obj: Any, **options: Any) -> Any:
        return _from_plain(cls, obj)

    @classmethod
    def model_validate_json(cls, data: str | bytes, **options: Any) -> Any:
        import json

        return _from_plain(cls, json.loads(data))
