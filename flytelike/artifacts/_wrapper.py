"""flyte 2's ``flyte.artifacts.new``: a task output marked as an artifact.

``new(value, metadata)`` returns a proxy that behaves as ``value`` (attributes, ``str``,
``len``, iteration, indexing and ``isinstance`` go to it) and carries ``metadata``
(``get_artifact_metadata()``). Returned from a task (as the output, or one element of a tuple
of outputs), the action's output is ``value`` itself, and when the action succeeds a version
is published (``flytelike.artifacts._publish``). As in flyte, only offloaded values can be
artifacts: ``flytelike.io`` ``File``, ``Dir`` and ``DataFrame``, and objects that declare their
own metadata (``get_artifact_metadata()``, the ``Artifact`` protocol).
"""

from __future__ import annotations

import copy
from typing import Any, Protocol, TypeVar, cast, runtime_checkable

from flytelike.artifacts._metadata import Metadata
from flytelike.remote import ArtifactError

T = TypeVar("T")

_OWN = frozenset({"_obj", "_metadata", "get_artifact_metadata", "unwrap", "__flytelike_artifact__"})


@runtime_checkable
class Artifact(Protocol):
    """A value that declares what to publish it as (``None``: nothing)."""

    def get_artifact_metadata(self) -> Metadata | None: ...


class ArtifactValue:
    """The proxy ``new`` returns (see the module docstring)."""

    __slots__ = ("_metadata", "_obj")
    __flytelike_artifact__ = True  # (how the backends find one without importing this module)

    def __init__(self, obj: Any, metadata: Metadata) -> None:
        object.__setattr__(self, "_obj", obj)
        object.__setattr__(self, "_metadata", metadata)

    def __getattribute__(self, name: str) -> Any:
        if name == "__class__":  # (isinstance(value, File) holds for an artifact of a File)
            return type(object.__getattribute__(self, "_obj"))
        if name in _OWN or name in ("__init__", "__reduce_ex__", "__reduce__"):
            return object.__getattribute__(self, name)
        return getattr(object.__getattribute__(self, "_obj"), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._obj, name, value)

    def __reduce__(self) -> Any:
        return (ArtifactValue, (self._obj, self._metadata))

    def get_artifact_metadata(self) -> Metadata:
        """A copy of the metadata given to ``new``."""
        metadata: Metadata = copy.deepcopy(self._metadata)
        return metadata

    def unwrap(self) -> tuple[Any, Metadata]:
        return self._obj, self._metadata

    def __str__(self) -> str:
        return str(self._obj)

    def __repr__(self) -> str:
        return f"Artifact[{type(self._obj).__name__}]({self._obj!r})"

    def __bool__(self) -> bool:
        return bool(self._obj)

    def __len__(self) -> int:
        return len(self._obj)

    def __iter__(self) -> Any:
        return iter(self._obj)

    def __getitem__(self, key: Any) -> Any:
        return self._obj[key]

    def __contains__(self, item: Any) -> bool:
        return item in self._obj

    def __eq__(self, other: object) -> bool:
        return bool(self._obj == other)

    def __hash__(self) -> int:
        return hash(self._obj)


def _offloaded(obj: Any) -> bool:
    from flytelike.io import DataFrame, Dir, File

    return isinstance(obj, File | Dir | DataFrame)


def new(obj: T, metadata: Metadata) -> T:
    """``obj`` marked to be published as ``metadata`` says when a task returns it."""
    if not isinstance(metadata, Metadata):
        raise ArtifactError(
            f"artifacts.new: metadata must be a flytelike.artifacts.Metadata, got "
            f"{type(metadata).__name__}"
        )
    if not _offloaded(obj) and not isinstance(obj, Artifact):
        raise ArtifactError(
            f"artifacts.new({metadata.name!r}): a {type(obj).__name__} cannot be an artifact; "
            "artifacts are offloaded values: a File, a Dir or a DataFrame (wrap a dataframe "
            "with DataFrame.from_df(...))"
        )
    return cast(T, ArtifactValue(obj, metadata))
