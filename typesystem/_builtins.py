"""The built-in transformers and factories, installed in the lookup order documented in
``_registry``. Factories registered later take precedence, so the list below runs from the
most general to the most specific family.
"""

from __future__ import annotations

import dataclasses
import enum
import os
from typing import TYPE_CHECKING, Any

from typesystem import _typing as ty
from typesystem._iterators import is_typed_iterator, iterator_factory
from typesystem._pickled import AnyPickleTransformer
from typesystem._primitives import primitive_transformers
from typesystem._transformer import TypeTransformer
from typesystem.errors import TypeResolutionError

if TYPE_CHECKING:
    from typesystem._registry import TypeRegistry


def _enum(t: Any, registry: TypeRegistry) -> TypeTransformer[Any]:
    from typesystem._choices import EnumTransformer

    return EnumTransformer(t)


def _literal(t: Any, registry: TypeRegistry) -> TypeTransformer[Any]:
    from typesystem._choices import LiteralChoiceTransformer

    values = ty.literal_values(t)
    members = [v for v in values if isinstance(v, enum.Enum) and not isinstance(v, str | int)]
    if members:
        # flyte 2 takes such a Literal as ``Any`` (its values unchecked); so does this registry,
        # saying so once per type: the members travel by cloudpickle, as any enum in ``Any``.
        import warnings

        from typesystem.errors import PickleFallbackWarning

        warnings.warn(
            f"`{ty.type_name(t)}` lists the enum member {members[0]!r}; as in flyte, its values "
            "are taken as `Any` and not checked against the listed choices (an enum member is "
            "stored with cloudpickle). Declare the enum type, or a Literal of plain values, to "
            "have them checked.",
            PickleFallbackWarning,
            stacklevel=2,
        )
        return registry.get_transformer(Any)
    return LiteralChoiceTransformer(t, values)


def _union(t: Any, registry: TypeRegistry) -> TypeTransformer[Any]:
    from typesystem._choices import UnionTransformer

    args = ty.union_args(t)
    return UnionTransformer(t, [(a, registry.get_transformer(a)) for a in args])


def _list(t: Any, registry: TypeRegistry) -> TypeTransformer[Any]:
    from typesystem._containers import ListTransformer

    (item,) = ty.type_args(t)
    return ListTransformer(t, item, registry.get_transformer(item))


def _dict(t: Any, registry: TypeRegistry) -> TypeTransformer[Any]:
    from typesystem._containers import DictTransformer
    from typesystem._primitives import PrimitiveTransformer

    key_t, value_t = ty.type_args(t)
    key = registry.get_transformer(key_t)
    if not isinstance(key, PrimitiveTransformer) and not ty.is_enum(key_t):
        raise TypeResolutionError(
            f"`{ty.type_name(t)}`: dict keys must be a scalar type (str, int, float, bool, an "
            f"Enum), not `{ty.type_name(key_t)}`. Use a list of pairs or a dataclass instead.",
            t,
        )
    return DictTransformer(t, key_t, key, value_t, registry.get_transformer(value_t))


def _tuple(t: Any, registry: TypeRegistry) -> TypeTransformer[Any]:
    from typesystem._containers import ListTransformer, TupleTransformer

    args = ty.type_args(t)
    if len(args) == 2 and args[1] is Ellipsis:
        tr = ListTransformer(t, args[0], registry.get_transformer(args[0]))
        return _VariadicTuple(tr)
    if not args:
        raise TypeResolutionError(
            "an unparameterised `tuple` cannot be converted; write tuple[int, str] "
            "(fixed length) or tuple[int, ...] (any length)",
            t,
        )
    return TupleTransformer(t, list(args), [registry.get_transformer(a) for a in args])


def _namedtuple(t: Any, registry: TypeRegistry) -> TypeTransformer[Any]:
    from typesystem._containers import TupleTransformer

    fields = ty.namedtuple_fields(t)
    return TupleTransformer(
        t,
        [ft for _, ft in fields],
        [registry.get_transformer(ft) for _, ft in fields],
        tuple(name for name, _ in fields),
    )


def _dataclass(t: Any, registry: TypeRegistry) -> TypeTransformer[Any]:
    from typesystem._dataclasses import DataclassTransformer

    return DataclassTransformer(t, registry)


def _pydantic(t: Any, registry: TypeRegistry) -> TypeTransformer[Any]:
    from typesystem._pydantic import PydanticTransformer

    return PydanticTransformer(t, registry)


def _typeddict(t: Any, registry: TypeRegistry) -> TypeTransformer[Any]:
    from typesystem._typeddicts import TypedDictTransformer

    return TypedDictTransformer(t, registry)


def _is_variadic_or_fixed_tuple(t: Any) -> bool:
    return ty.is_tuple(t) and not ty.is_namedtuple(t)


class _VariadicTuple(TypeTransformer[Any]):
    """``tuple[T, ...]``: stored like ``list[T]``, returned as a tuple."""

    def __init__(self, inner: Any) -> None:
        super().__init__(f"tuple[{inner.item.name}, ...]", tuple)
        self.inner = inner

    def literal_type(self, t: Any) -> Any:
        return self.inner.lt

    def encode(self, value: Any, t: Any = None) -> Any:
        return self.inner.encode(value, t)

    def to_literal(self, value: Any, t: Any = None) -> Any:
        return self.inner.encode(value, t)

    def decode(self, value: Any, t: Any = None) -> Any:
        return tuple(self.inner.decode(value, t))

    def to_python(self, literal: Any, t: Any = None) -> Any:
        return self.decode(literal, t)

    def matches(self, value: Any, t: Any) -> bool:
        return isinstance(value, tuple)


def install_builtins(registry: TypeRegistry) -> None:
    for tr in primitive_transformers():
        registry.register(tr)
    # Most general first: later factories win.
    registry.register_factory(ty.is_enum, _enum, name="enum")
    registry.register_factory(ty.is_literal, _literal, name="literal")
    registry.register_factory(ty.is_union, _union, name="union")
    registry.register_factory(lambda t: ty.is_list(t) and bool(ty.type_args(t)), _list, name="list")
    registry.register_factory(lambda t: ty.is_dict(t) and bool(ty.type_args(t)), _dict, name="dict")
    registry.register_factory(_is_variadic_or_fixed_tuple, _tuple, name="tuple")
    registry.register_factory(ty.is_namedtuple, _namedtuple, name="namedtuple")
    registry.register_factory(ty.is_dataclass_type, _dataclass, name="dataclass")
    registry.register_factory(ty.is_pydantic_model, _pydantic, name="pydantic")
    registry.register_factory(ty.is_typeddict, _typeddict, name="typeddict")
    registry.register_factory(is_typed_iterator, iterator_factory, name="iterator")
    registry.register(AnyPickleTransformer())  # (bare FlytePickle: any value, pickled)
    _install_offloaded(registry)
    registry._origins.clear()
    registry._factories = [dataclasses.replace(f, origin="builtin") for f in registry._factories]


def _install_offloaded(registry: TypeRegistry) -> None:
    """File, Dir, dataframes, numpy arrays and scikit-learn estimators (``typesystem.io``;
    imports no fsspec, pandas, pyarrow, polars, numpy or scikit-learn)."""
    # (io's transformers and factories: what the built-ins install, not on typesystem.io's face)
    from typesystem.io import DataFrame, Dir, File, _estimator, _frames, _ndarray, _offloaded

    files = registry.register(_offloaded.FileTransformer(File))
    registry.register(files, os.PathLike)  # as flytekit takes it: a file (a path or a File)
    registry.register(_offloaded.DirTransformer(Dir))
    registry.register(_frames.FrameTransformer(DataFrame, registry))
    registry.register_factory(_offloaded.is_file_type, _offloaded.file_factory, name="file")
    registry.register_factory(_offloaded.is_dir_type, _offloaded.dir_factory, name="dir")
    registry.register_factory(_frames.is_wrapper_type, _frames.wrapper_factory, name="dataframe")
    registry.register_factory(_frames.is_frame_type, _frames.frame_factory, name="frame")
    registry.register_factory(_ndarray.is_ndarray_type, _ndarray.ndarray_factory, name="ndarray")
    registry.register_factory(
        _estimator.is_estimator_type, _estimator.estimator_factory, name="sklearn-estimator"
    )
