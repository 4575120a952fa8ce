"""``numpy.ndarray`` as a typed value: stored as one ``.npy`` blob (format ``NumpyArray``, as
flytekit stores it) under the raw data prefix.

numpy is not a dependency (it comes with the pandas extra): the type is recognised by module and
name, so defining a task that uses ``np.ndarray`` imports nothing, and numpy is imported only to
write or read an array. ``np.typing.NDArray[...]``/``np.ndarray[shape, dtype]`` are arrays too.
Arrays of Python objects are refused (``allow_pickle=False``), as flytekit does by default.
"""

from __future__ import annotations

import typing
from typing import Any

from typesystem._literals import Blob, Literal
from typesystem._transformer import TypeTransformer, bad_literal, mismatch
from typesystem._types import BlobType, LiteralType

FORMAT = "NumpyArray"


def _numpy() -> Any:
    try:
        import numpy
    except ImportError as e:
        from typesystem.errors import MissingDependencyError

        raise MissingDependencyError(
            "numpy arrays need numpy, which is not installed; install it (pip install numpy, "
            "or the extra that brings it: pip install 'flytelike[pandas]')",
            missing=("numpy",),
            extra="pandas",
        ) from e
    return numpy


def is_ndarray_type(t: Any) -> bool:
    t = typing.get_origin(t) or t
    return isinstance(t, type) and t.__module__ == "numpy" and t.__name__ == "ndarray"


class NdarrayTransformer(TypeTransformer[Any]):
    """``numpy.ndarray`` (or a typed array ``t``) <-> a ``NumpyArray`` blob. Without ``t`` (as
    flytekit's ``NumpyArrayTransformer()`` is built) it imports numpy and handles its arrays."""

    NUMPY_ARRAY_FORMAT = FORMAT

    def __init__(self, t: Any = None) -> None:
        if t is None:
            t = _numpy().ndarray
        super().__init__("ndarray", t)

    def literal_type(self, t: Any) -> LiteralType:
        return BlobType(FORMAT)

    def matches(self, value: Any, t: Any) -> bool:
        cls = type(value)
        return cls.__module__ == "numpy" and cls.__name__ == "ndarray"

    def to_literal(self, value: Any, t: Any) -> Literal:
        if not self.matches(value, t):
            raise mismatch("numpy.ndarray", value)
        import numpy as np

        from typesystem.io._store import DataStore

        store = DataStore()
        uri = store.new_uri("array.npy")
        with store.open(uri, "wb") as f:
            np.save(f, value, allow_pickle=False)
        return Blob(uri, FORMAT)

    def to_python(self, literal: Literal, t: Any) -> Any:
        if not isinstance(literal, Blob):
            raise bad_literal("Blob", literal)
        import numpy as np

        from typesystem.io._store import DataStore

        with DataStore().open(literal.uri, "rb") as f:
            return np.load(f, allow_pickle=False)

    def guess_python_type(self, literal_type: LiteralType) -> Any:
        if not (isinstance(literal_type, BlobType) and literal_type.format == FORMAT):
            raise ValueError(f"not a numpy array: {literal_type!r}")
        import numpy as np

        return np.ndarray


def ndarray_factory(t: Any, registry: Any) -> TypeTransformer[Any]:
    return NdarrayTransformer(t)
