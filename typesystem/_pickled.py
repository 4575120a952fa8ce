"""Values stored with cloudpickle on purpose: ``FlytePickle`` and ``BatchSize`` (flytekit's
names for them).

- ``FlytePickle[T]`` annotates a value to be pickled even when ``T`` has a transformer; bare
  ``FlytePickle`` takes any picklable value. Asking for pickle gives no
  ``PickleFallbackWarning`` (the warning is for types pickled because nothing else fits).
- ``Annotated[list[T], BatchSize(n)]``, for a ``T`` that is pickled, stores the list as one
  pickle per ``n`` items instead of one per item (fewer, larger objects to store and load).
  The literal type is the list's, so a ``list[T]`` input downstream reads it (``unbatch``).
  On a list of typed (not pickled) items ``BatchSize`` changes nothing, as in flytekit.

Not here: the fallback that pickles unknown types (``_fallback``).
"""

from __future__ import annotations

from typing import Annotated, Any, Protocol

from typesystem._fallback import PickleTransformer
from typesystem._literals import Binary, Collection, Literal, LiteralValue
from typesystem._transformer import TypeTransformer, bad_literal, mismatch
from typesystem._types import LiteralType
from typesystem.errors import ConversionError, Issue


class ListTransformer(Protocol):
    """What a batched list needs of the list transformer it wraps (``_containers``'
    ``ListTransformer``, which imports this module to batch its pickled items; a protocol, so
    that this module does not import it back)."""

    @property
    def name(self) -> str: ...

    @property
    def lt(self) -> LiteralType: ...

    @property
    def label(self) -> str: ...

    @property
    def item(self) -> TypeTransformer[Any]: ...

    @property
    def item_t(self) -> Any: ...


BATCH_TAG = "cloudpickle-batch"


class FlytePickle:
    """``FlytePickle[T]``: a ``T`` stored with cloudpickle; bare ``FlytePickle``: any value."""

    def __class_getitem__(cls, python_type: Any) -> Any:
        return Annotated[python_type, PickleTransformer(python_type)]


class AnyPickleTransformer(PickleTransformer):
    """Bare ``FlytePickle``: any picklable value."""

    def __init__(self) -> None:
        super().__init__(FlytePickle)
        self.cls = None

    def to_literal(self, value: Any, t: Any = None) -> Literal:
        import cloudpickle

        try:
            return Binary("cloudpickle", cloudpickle.dumps(value))
        except Exception as e:
            raise ConversionError(
                [Issue("$", "FlytePickle", type(value).__name__, f"cannot pickle: {e}")]
            ) from e

    def matches(self, value: Any, t: Any) -> bool:
        return True


class BatchSize:
    """``Annotated[list[T], BatchSize(n)]``: a list of pickled ``T`` stored ``n`` per pickle."""

    def __init__(self, val: int) -> None:
        if not isinstance(val, int) or isinstance(val, bool) or val < 1:
            raise ValueError(f"BatchSize: the batch size must be an int >= 1, got {val!r}")
        self.val = val

    def __repr__(self) -> str:
        return f"BatchSize({self.val})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BatchSize) and other.val == self.val

    def __hash__(self) -> int:
        return hash(("BatchSize", self.val))


def get_batch_size(t: Any) -> int | None:
    """The ``BatchSize`` of an ``Annotated`` type, or ``None``."""
    for m in getattr(t, "__metadata__", ()):
        if isinstance(m, BatchSize):
            return m.val
    return None


class BatchedListTransformer(TypeTransformer[list[Any]]):
    """A list of pickled items, stored as one pickle per ``size`` items."""

    def __init__(self, inner: ListTransformer, size: int) -> None:
        super().__init__(inner.name, list)
        self.inner = inner
        self.size = size

    def literal_type(self, t: Any) -> LiteralType:
        return self.inner.lt

    def encode(self, value: Any, t: Any = None) -> LiteralValue:
        import cloudpickle

        if not isinstance(value, list | tuple):
            raise mismatch(self.inner.label, value)
        check = self.inner.item.matches
        for i, v in enumerate(value):
            if not check(v, self.inner.item_t):
                raise mismatch(self.inner.item.name, v).with_prefix(f"$[{i}]")
        n = self.size
        try:
            batches = [
                Binary(BATCH_TAG, cloudpickle.dumps(list(value[i : i + n])))
                for i in range(0, len(value), n)
            ]
        except Exception as e:
            raise ConversionError(
                [Issue("$", self.inner.label, type(value).__name__, f"cannot pickle: {e}")]
            ) from e
        return Collection(tuple(batches))

    def to_literal(self, value: Any, t: Any = None) -> Literal:
        return self.encode(value, t)  # type: ignore[return-value]

    def decode(self, value: LiteralValue, t: Any = None) -> list[Any]:
        if type(value) is not Collection:
            raise bad_literal(self.inner.label, value)
        return unbatch(value.items, self.inner)

    def to_python(self, literal: Literal, t: Any = None) -> list[Any]:
        return self.decode(literal, t)

    def matches(self, value: Any, t: Any) -> bool:
        return isinstance(value, list)


def unbatch(items: tuple[LiteralValue, ...], inner: ListTransformer) -> list[Any]:
    """The items of a list of pickles, whether stored one per item or in batches."""
    import cloudpickle

    out: list[Any] = []
    for v in items:
        if type(v) is Binary and v.tag == BATCH_TAG:
            out.extend(cloudpickle.loads(v.data))
        else:
            out.append(inner.item.decode(v, inner.item_t))
    return out


def is_batched(items: tuple[LiteralValue, ...]) -> bool:
    return any(type(v) is Binary and v.tag == BATCH_TAG for v in items)
