"""Transformers for ``list[T]``, ``dict[K, V]``, ``tuple[...]`` and ``NamedTuple``.

Each is specialised once per concrete type: the item transformers are resolved when the type is
first used, never per element. When the items are scalars, values stay unboxed and the whole
container is checked with one pass over the item types (``set(map(type, items))``) before the
per-item path (which names every failing index) runs.
"""

from __future__ import annotations

from typing import Any

from typesystem._limits import INT64_MAX, INT64_MIN
from typesystem._literals import Collection, Literal, LiteralValue, Map
from typesystem._primitives import PrimitiveTransformer
from typesystem._render import render
from typesystem._transformer import TypeTransformer, bad_literal, mismatch
from typesystem._types import CollectionType, LiteralType, MapType, TupleType
from typesystem.errors import ConversionError, Issue


def _fast_types(item: TypeTransformer[Any]) -> frozenset[type] | None:
    if isinstance(item, PrimitiveTransformer):
        return frozenset({item.py})
    return None


def _raise_all(errors: list[ConversionError]) -> None:
    if errors:
        raise ConversionError([issue for e in errors for issue in e.issues])


class ListTransformer(TypeTransformer[list[Any]]):
    """``list[T]``: a ``Collection`` of T's literals."""

    def __init__(self, t: Any, item_t: Any, item: TypeTransformer[Any]) -> None:
        super().__init__(f"list[{item.name}]", list)
        self.item_t = item_t
        self.item = item
        self.lt = CollectionType(item.literal_type(item_t))
        self.label = render(self.lt)
        self._fast = _fast_types(item)
        self._is_int = self._fast == frozenset({int})
        self._is_float = self._fast == frozenset({float})
        from typesystem._fallback import PickleTransformer

        self._pickled = isinstance(item, PickleTransformer)

    def literal_type(self, t: Any) -> LiteralType:
        return self.lt

    def with_annotations(self, meta: tuple[Any, ...]) -> TypeTransformer[Any]:
        """``Annotated[list[T], BatchSize(n)]`` with a pickled ``T``: stored in batches."""
        from typesystem._pickled import BatchedListTransformer, BatchSize

        sizes = [m.val for m in meta if isinstance(m, BatchSize)]
        if sizes and self._pickled:
            return BatchedListTransformer(self, sizes[-1])
        return self

    def _check_items(self, value: list[Any] | tuple[Any, ...]) -> tuple[LiteralValue, ...] | None:
        """The fast path: the items themselves, if they need no conversion."""
        fast = self._fast
        if fast is None:
            return None
        kinds = set(map(type, value))
        if kinds <= fast:
            if self._is_int and value and (min(value) < INT64_MIN or max(value) > INT64_MAX):
                return None
            return tuple(value)
        if self._is_float and kinds <= {float, int}:
            return tuple(map(float, value))
        return None

    def encode(self, value: Any, t: Any = None) -> LiteralValue:
        if not isinstance(value, list | tuple):
            raise mismatch(self.label, value)
        items = self._check_items(value)
        if items is not None:
            return Collection(items)
        encode, item_t = self.item.encode, self.item_t
        out: list[LiteralValue] = []
        errors: list[ConversionError] = []
        for i, v in enumerate(value):
            try:
                out.append(encode(v, item_t))
            except ConversionError as e:
                errors.append(e.with_prefix(f"$[{i}]"))
        _raise_all(errors)
        return Collection(tuple(out))

    def to_literal(self, value: Any, t: Any = None) -> Literal:
        return self.encode(value, t)  # type: ignore[return-value]

    def decode(self, value: LiteralValue, t: Any = None) -> list[Any]:
        if type(value) is not Collection:
            raise bad_literal(self.label, value)
        items = value.items
        fast = self._fast
        if fast is not None:
            out = list(items)
            if set(map(type, out)) <= fast:
                return out
        if self._pickled:
            from typesystem._pickled import is_batched, unbatch

            if is_batched(items):  # (written with BatchSize upstream)
                return unbatch(items, self)
        decode, item_t = self.item.decode, self.item_t
        result: list[Any] = []
        errors: list[ConversionError] = []
        for i, v in enumerate(items):
            try:
                result.append(decode(v, item_t))
            except ConversionError as e:
                errors.append(e.with_prefix(f"$[{i}]"))
        _raise_all(errors)
        return result

    def to_python(self, literal: Literal, t: Any = None) -> list[Any]:
        return self.decode(literal, t)

    def matches(self, value: Any, t: Any) -> bool:
        return isinstance(value, list)


class DictTransformer(TypeTransformer[dict[Any, Any]]):
    """``dict[K, V]`` with scalar keys: a ``Map``."""

    def __init__(
        self,
        t: Any,
        key_t: Any,
        key: TypeTransformer[Any],
        value_t: Any,
        value: TypeTransformer[Any],
    ) -> None:
        super().__init__(f"dict[{key.name}, {value.name}]", dict)
        self.key_t, self.key = key_t, key
        self.value_t, self.value = value_t, value
        self.lt = MapType(value.literal_type(value_t), key.literal_type(key_t))
        self.label = render(self.lt)
        self._fast_keys = _fast_types(key)
        self._fast_values = _fast_types(value)
        self._float_values = self._fast_values == frozenset({float})

    def literal_type(self, t: Any) -> LiteralType:
        return self.lt

    def encode(self, value: Any, t: Any = None) -> LiteralValue:
        if not isinstance(value, dict):
            raise mismatch(self.label, value)
        fk, fv = self._fast_keys, self._fast_values
        if fk is not None and fv is not None and fk != {int} and set(map(type, value)) <= fk:
            kinds = set(map(type, value.values()))
            if kinds <= fv:
                return Map(dict(value))
            if self._float_values and kinds <= {float, int}:
                return Map({k: float(v) for k, v in value.items()})
        out: dict[Any, LiteralValue] = {}
        errors: list[ConversionError] = []
        kenc, venc, kt, vt = self.key.encode, self.value.encode, self.key_t, self.value_t
        for k, v in value.items():
            try:
                ek = kenc(k, kt)
            except ConversionError as e:
                issue = e.issues[0]
                errors.append(
                    ConversionError([Issue(f"$[{k!r}]", issue.expected, issue.got, "key")])
                )
                continue
            try:
                out[ek] = venc(v, vt)
            except ConversionError as e:
                errors.append(e.with_prefix(f"$[{k!r}]"))
        _raise_all(errors)
        return Map(out)

    def to_literal(self, value: Any, t: Any = None) -> Literal:
        return self.encode(value, t)  # type: ignore[return-value]

    def decode(self, value: LiteralValue, t: Any = None) -> dict[Any, Any]:
        if type(value) is not Map:
            raise bad_literal(self.label, value)
        items = value.items
        fk, fv = self._fast_keys, self._fast_values
        if fk is not None and fv is not None:
            out = dict(items)
            if set(map(type, out)) <= fk and set(map(type, out.values())) <= fv:
                return out
        result: dict[Any, Any] = {}
        errors: list[ConversionError] = []
        kdec, vdec, kt, vt = self.key.decode, self.value.decode, self.key_t, self.value_t
        for k, v in items.items():
            try:
                result[kdec(k, kt)] = vdec(v, vt)
            except ConversionError as e:
                errors.append(e.with_prefix(f"$[{k!r}]"))
        _raise_all(errors)
        return result

    def to_python(self, literal: Literal, t: Any = None) -> dict[Any, Any]:
        return self.decode(literal, t)

    def matches(self, value: Any, t: Any) -> bool:
        return isinstance(value, dict)


class TupleTransformer(TypeTransformer[tuple[Any, ...]]):
    """Fixed-length ``tuple[A, B]`` and ``NamedTuple``: a ``Collection`` with one item per position."""

    def __init__(
        self,
        t: Any,
        item_types: list[Any],
        items: list[TypeTransformer[Any]],
        names: tuple[str, ...] | None = None,
    ) -> None:
        super().__init__(getattr(t, "__qualname__", "tuple") if names else "tuple", t)
        self.cls = t if names is not None else tuple
        self.item_types = item_types
        self.items = items
        self.names = names
        self.lt = TupleType(
            tuple(tr.literal_type(it) for tr, it in zip(items, item_types, strict=True)),
            names,
            tag=self.name if names else "",
        )
        self.label = render(self.lt)

    def literal_type(self, t: Any) -> LiteralType:
        return self.lt

    def _where(self, i: int) -> str:
        return f"$.{self.names[i]}" if self.names else f"$[{i}]"

    def encode(self, value: Any, t: Any = None) -> LiteralValue:
        ok = isinstance(value, self.cls) if self.names else isinstance(value, tuple | list)
        if not ok:
            raise mismatch(self.label, value)
        if len(value) != len(self.items):
            raise mismatch(self.label, value, f"expected {len(self.items)} items, got {len(value)}")
        out: list[LiteralValue] = []
        errors: list[ConversionError] = []
        for i, (tr, it, v) in enumerate(zip(self.items, self.item_types, value, strict=True)):
            try:
                out.append(tr.encode(v, it))
            except ConversionError as e:
                errors.append(e.with_prefix(self._where(i)))
        _raise_all(errors)
        return Collection(tuple(out))

    def to_literal(self, value: Any, t: Any = None) -> Literal:
        return self.encode(value, t)  # type: ignore[return-value]

    def decode(self, value: LiteralValue, t: Any = None) -> tuple[Any, ...]:
        if type(value) is not Collection or len(value.items) != len(self.items):
            raise bad_literal(self.label, value)
        out: list[Any] = []
        errors: list[ConversionError] = []
        for i, (tr, it, v) in enumerate(zip(self.items, self.item_types, value.items, strict=True)):
            try:
                out.append(tr.decode(v, it))
            except ConversionError as e:
                errors.append(e.with_prefix(self._where(i)))
        _raise_all(errors)
        return self.cls(*out) if self.names else tuple(out)

    def to_python(self, literal: Literal, t: Any = None) -> tuple[Any, ...]:
        return self.decode(literal, t)

    def matches(self, value: Any, t: Any) -> bool:
        return isinstance(value, self.cls) and len(value) == len(self.items)
