"""The dataframe transformer: native frames and the ``DataFrame`` wrapper as ``Table`` literals.

One class serves ``pandas.DataFrame``, ``pyarrow.Table``, ``polars.DataFrame``,
``polars.LazyFrame``, any frame type with registered handlers, and the ``DataFrame`` wrapper.
``with_annotations`` specialises it for ``Annotated`` hints (format, declared columns,
``pyarrow.Schema``).

``to_literal`` (writer side): a wrapper that came from a literal passes through; a wrapper with
only a ``uri`` is referenced (a local one outside the store is copied in); a frame is checked
against the declared columns and written by the encoder for (frame type, protocol of the raw
data prefix, format). ``to_python`` (reader side): the wrapper type gives a lazy reference; a
native type is decoded at once, with the reader's declared columns pushed down to the decoder
(the reader's columns win; a reader without columns gets all of them).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from typesystem._literals import Literal, Table
from typesystem._transformer import TypeTransformer, bad_literal, mismatch
from typesystem._types import Column, LiteralType, TableType
from typesystem.errors import ConversionError, Issue
from typesystem.io import _paths
from typesystem.io._columns import (
    GENERIC_FORMAT,
    check_columns,
    column_literal_type,
    normalise_format,
    parse_hints,
)
from typesystem.io._context import current_data_context
from typesystem.io._frame import DataFrame
from typesystem.io._handlers import (
    _BUILTIN_MODULES,
    FrameHandlers,
    StructuredDatasetMetadata,
    call_decoder,
    call_encoder,
    default_handlers,
    missing_stack,
)
from typesystem.io._store import current_store

if TYPE_CHECKING:
    from typesystem._registry import TypeRegistry


def schema_of(frame: Any) -> Any:
    """The Arrow schema of a frame from a built-in library (``None`` for others)."""
    top = type(frame).__module__.split(".")[0]
    module = _BUILTIN_MODULES.get(top)
    if module is None:
        return None
    return importlib.import_module(module).schema_of(frame)


class FrameTransformer(TypeTransformer[Any]):
    """Frames of ``python_type`` (or the ``DataFrame`` wrapper) as ``Table`` literals."""

    def __init__(
        self,
        python_type: type,
        registry: TypeRegistry | None = None,
        *,
        handlers: FrameHandlers | None = None,
        format: str = GENERIC_FORMAT,
        columns: tuple[Column, ...] = (),
        schema: Any = None,
    ) -> None:
        super().__init__(_name(python_type), python_type)
        self.registry = registry
        self._handlers = handlers
        self.format = normalise_format(format)
        self.columns = columns
        self.schema = schema
        self.is_wrapper = isinstance(python_type, type) and issubclass(python_type, DataFrame)
        self.lt = TableType(format=self.format, columns=columns)

    @property
    def handlers(self) -> FrameHandlers:
        return self._handlers if self._handlers is not None else default_handlers()

    def with_annotations(self, meta: tuple[Any, ...]) -> FrameTransformer:
        hints = parse_hints(meta)
        if not hints.format and not hints.columns and hints.schema is None:
            return self

        def lt_of(t: Any) -> LiteralType:
            if self.registry is None:
                from typesystem._registry import default_registry

                return default_registry().literal_type(t)
            return self.registry.literal_type(t)

        columns = tuple(Column(n, column_literal_type(t, lt_of)) for n, t in hints.columns)
        return FrameTransformer(
            self.python_type,
            self.registry,
            handlers=self._handlers,
            format=hints.format or self.format,
            columns=columns or self.columns,
            schema=hints.schema if hints.schema is not None else self.schema,
        )

    def literal_type(self, t: Any) -> LiteralType:
        return self.lt

    def matches(self, value: Any, t: Any) -> bool:
        if self.is_wrapper:
            return isinstance(value, DataFrame)
        return isinstance(value, self.python_type | DataFrame)

    # -- writing --------------------------------------------------------------------------
    def to_literal(self, value: Any, t: Any = None) -> Literal:
        if isinstance(value, DataFrame):
            lit = self._wrapper_literal(value)
        elif self.is_wrapper:
            if not self.handlers.knows(type(value)):
                raise mismatch(f"{self.name} or a supported dataframe", value)
            lit = self._encode(value, None, "")
        elif isinstance(value, self.python_type):
            lit = self._encode(value, None, "")
        else:
            raise mismatch(self.name, value)
        return lit

    def _wrapper_literal(self, sd: DataFrame) -> Table:
        if sd._raw_df is not None:
            lit = self._encode(sd._raw_df, sd.uri, sd.format)
            return lit if sd.hash is None else Table(lit.uri, lit.format, lit.columns, hash=sd.hash)
        if sd._literal is not None:
            lit = sd._literal
            self._check_names(lit)
            return lit
        if not sd.uri:
            raise ConversionError(
                [Issue("$", self.name, "DataFrame()", "it has neither a dataframe nor a uri")]
            )
        uri = sd.uri
        store = current_store()
        if _paths.is_local(uri) and not store.contains(uri):
            dest = store.new_uri()
            if store.isdir(uri):
                store.copy_dir(uri, dest)
            else:
                store.copy_file(uri, _paths.join(dest, _paths.basename(uri) or "00000"))
            uri = dest
        fmt = sd.format or self.format or "parquet"
        return Table(uri, fmt, tuple(c.name for c in self.columns), hash=sd.hash)

    def _encode(self, frame: Any, uri: str | None, fmt: str) -> Table:
        fmt = (
            normalise_format(fmt)
            or self.format
            or self.handlers.default_format(type(frame), current_data_context().frame_format)
        )
        if self.columns:
            schema = schema_of(frame)
            if schema is not None:
                check_columns(schema, self.columns, f"the {type(frame).__qualname__} being written")
        store = current_store()
        target = uri or store.new_uri()
        encoder = self.handlers.get_encoder(type(frame), _paths.protocol_of(target), fmt)
        sd = DataFrame(frame, target, format=fmt)
        result = call_encoder(encoder, sd, TableType(format=fmt, columns=self.columns))
        if isinstance(result, Table):
            return result
        out_uri = getattr(result, "uri", None) or target
        return Table(out_uri, fmt, tuple(c.name for c in self.columns))

    # -- reading --------------------------------------------------------------------------
    def _check_names(self, lit: Table) -> None:
        if not self.columns or not lit.columns:
            return
        missing = [c.name for c in self.columns if c.name.split(".")[0] not in lit.columns]
        if missing:
            raise ConversionError(
                [
                    Issue(
                        "$",
                        "columns " + ", ".join(c.name for c in self.columns),
                        "columns " + ", ".join(lit.columns),
                        f"the table at {lit.uri!r} lacks column(s) {', '.join(missing)}",
                    )
                ]
            )

    def to_python(self, literal: Literal, t: Any = None) -> Any:
        if type(literal) is not Table:
            raise bad_literal(self.name, literal)
        self._check_names(literal)
        if self.is_wrapper:
            sd = self.python_type._from_store(
                literal.uri, literal.format, literal.columns, literal.hash
            )
            sd._columns = self.columns
            return sd
        fmt = literal.format or "parquet"
        decoder = self.handlers.get_decoder(self.python_type, _paths.protocol_of(literal.uri), fmt)
        meta = StructuredDatasetMetadata(TableType(format=fmt, columns=self.columns))
        return call_decoder(decoder, literal, meta)

    def guess_python_type(self, literal_type: LiteralType) -> Any:
        if (
            self.is_wrapper
            and self.python_type is DataFrame
            and isinstance(literal_type, TableType)
        ):
            return DataFrame
        raise ValueError("not a table type")


def _name(t: Any) -> str:
    module = getattr(t, "__module__", "").split(".")[0]
    return f"{module}.{t.__qualname__}" if module and module != "typesystem" else t.__qualname__


def is_frame_type(t: Any) -> bool:
    """Native frame types (checked by module name, importing nothing) and registered ones."""
    if not isinstance(t, type) or issubclass(t, DataFrame):
        return False
    return default_handlers().knows(t)


def frame_factory(t: Any, registry: TypeRegistry) -> TypeTransformer[Any]:
    # A frame type of a built-in library whose storage stack is missing fails here, where the
    # task is defined, naming the extra to install (not later, when a value is first stored).
    top = t.__module__.split(".")[0]
    if top in _BUILTIN_MODULES:
        missing_stack(top, _name(t))
    return FrameTransformer(t, registry)


def wrapper_factory(t: Any, registry: TypeRegistry) -> TypeTransformer[Any]:
    # A wrapper subclass may declare its columns itself (``FlyteSchema[kwtypes(...)]``): its
    # ``__table_hints__()`` reads as ``Annotated`` metadata would.
    tr = FrameTransformer(t, registry)
    hints = getattr(t, "__table_hints__", None)
    return tr.with_annotations(hints()) if callable(hints) else tr


def is_wrapper_type(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, DataFrame)
