"""Values of local artifacts: a Python value as (msgpack literal, protobuf literal type)
through the type system, back again, and lineage references (``parents``)."""

from __future__ import annotations

import warnings
from typing import Any

from flytelike.remote._artifact_partitions import ArtifactError


def engine() -> Any:
    from flytelike.engine import default_engine

    return default_engine()


def _pickled(lt: Any) -> bool:
    import dataclasses

    if getattr(lt, "format", None) == "cloudpickle":
        return True
    if not dataclasses.is_dataclass(lt):
        return False
    for f in dataclasses.fields(lt):
        v = getattr(lt, f.name)
        items = v if isinstance(v, tuple) else (v,)
        if any(dataclasses.is_dataclass(i) and _pickled(i) for i in items):
            return True
    return False


def to_literal(name: str, value: Any, python_type: Any) -> tuple[bytes, bytes]:
    """The value as (msgpack literal, protobuf literal type), local data copied into the raw
    data prefix of the running action (or the engine's)."""
    import typesystem
    import typesystem.io
    from flytelike.backends import data_context, running_action
    from typesystem import _proto  # (typesystem's protobuf codec: off its face, loads protobuf)
    from typesystem.errors import PickleFallbackWarning

    reg = typesystem.default_registry()
    try:
        with warnings.catch_warnings():  # (a pickled type is refused just below)
            warnings.simplefilter("ignore", PickleFallbackWarning)
            lt = reg.literal_type(python_type)
    except typesystem.TypeSystemError as e:
        raise ArtifactError(f"Artifact.create({name!r}): {e}") from None
    if _pickled(lt):
        raise ArtifactError(
            f"Artifact.create({name!r}): {python_type!r} would be stored pickled, which the "
            "catalog refuses (a pickle needs the code that made it); give a File, Dir, "
            "DataFrame, dataclass or another type with a type transformer"
        )
    ctx = running_action()
    prefix = (ctx.action.raw_data_prefix if ctx is not None else "") or engine().config.data_prefix
    with typesystem.io.use_data_context(data_context(prefix)):
        try:
            literal = reg.to_literal(value, python_type)
        except typesystem.TypeSystemError as e:
            raise ArtifactError(f"Artifact.create({name!r}): {e}") from None
    return typesystem.to_msgpack(literal), _proto.literal_type_to_proto_bytes(lt)


def parent(p: Any) -> str:
    if isinstance(p, str) and p:
        return p
    key = getattr(p, "key", None)
    name = str(getattr(key, "name", "") or "")
    version = str(getattr(p, "version", "") or "")
    if name and version:
        scope = [str(getattr(key, a, "") or "") for a in ("project", "domain")]
        return "/".join([x for x in scope if x] + [f"{name}@{version}"])
    raise ArtifactError(
        f"Artifact.create: parent {p!r} is neither a version string nor an artifact version id "
        "(an object with key.name and version)"
    )


def _python_type(reg: Any, type_bytes: bytes, python_type: Any) -> Any:
    from typesystem import _proto  # (typesystem's protobuf codec: off its face, loads protobuf)

    if python_type is not None:
        return python_type
    return reg.guess_python_type(_proto.literal_type_from_proto_bytes(type_bytes))


def to_python(value_bytes: bytes, type_bytes: bytes, python_type: Any) -> Any:
    """A stored value as ``python_type`` (else the type its literal type suggests)."""
    import typesystem

    reg = typesystem.default_registry()
    literal = typesystem.from_msgpack(value_bytes)
    return reg.to_python(literal, _python_type(reg, type_bytes, python_type))


def coerce(value_bytes: bytes, type_bytes: bytes, python_type: Any) -> Any:
    """The stored literal, or (given ``python_type``) the value read as it and converted back."""
    import typesystem

    literal = typesystem.from_msgpack(value_bytes)
    if python_type is None:
        return literal
    reg = typesystem.default_registry()
    return reg.to_literal(reg.to_python(literal, python_type), python_type)
