"""Dataframe encoders and decoders, and the registry that picks one per (type, protocol, format).

flytekit names: ``StructuredDatasetEncoder.encode(ctx, structured_dataset, sd_type)`` and
``StructuredDatasetDecoder.decode(ctx, flyte_value, current_task_metadata)``, registered with
``StructuredDatasetTransformerEngine.register(handler, default_for_type=..., override=...)``.
flyte-sdk names: ``DataFrameEncoder.encode(dataframe, sd_type)`` and
``DataFrameDecoder.decode(flyte_value, current_task_metadata)`` (may be ``async``), registered
with ``DataFrameTransformerEngine.register``. Both kinds live in one ``FrameHandlers`` registry.

Lookup for ``(python type, protocol, format)`` tries the exact protocol then "any protocol"
(``protocol=None`` at registration), the exact format then the generic format ``""``, along the
type's MRO. The built-in handlers for pandas, pyarrow and polars are installed on the first
lookup for a type from that library, never before, so nothing imports those libraries early.
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from typesystem._types import TableType
from typesystem.errors import MissingDependencyError, TypeSystemError
from typesystem.io import _paths
from typesystem.io._columns import normalise_format

# The built-in handler modules, by the top-level module of the frame types they serve.
_BUILTIN_MODULES = {
    "pandas": "typesystem.io._codecs_pandas",
    "pyarrow": "typesystem.io._codecs_arrow",
    "polars": "typesystem.io._codecs_polars",
}
# What each built-in handler module imports, and the flytelike extra that installs it.
_STACKS = {
    "pandas": (("pandas", "pyarrow"), "pandas"),
    "pyarrow": (("pyarrow",), "arrow"),
    "polars": (("polars", "pyarrow"), "polars"),
}
KNOWN_FRAME_TYPES = {
    ("pandas", "DataFrame"),
    ("pyarrow", "Table"),
    ("polars", "DataFrame"),
    ("polars", "LazyFrame"),
}

StructuredDatasetType = TableType


class DuplicateHandlerError(TypeSystemError, ValueError):
    """A handler for the same (type, protocol, format) is already registered."""


class HandlerNotFoundError(TypeSystemError, LookupError):
    """No encoder or decoder serves a (type, protocol, format)."""


@dataclass(frozen=True, slots=True)
class StructuredDatasetMetadata:
    """What a decoder is told about the reader: its declared columns and format."""

    structured_dataset_type: TableType = field(default_factory=TableType)


def missing_stack(top: str, what: str, cause: ImportError | None = None) -> None:
    """Raise ``MissingDependencyError`` if the libraries that store ``what`` (a frame type of
    the built-in library ``top``) are not installed, or failed to import (``cause``). Looks
    modules up without importing them."""
    import importlib.util

    needs, extra = _STACKS[top]
    missing = tuple(m for m in needs if importlib.util.find_spec(m) is None)
    if missing:
        verb = "is" if len(missing) == 1 else "are"
        problem = f"{' and '.join(missing)} {verb} not installed"
    elif cause is not None:
        problem = f"importing them failed ({cause})"
    else:
        return
    raise MissingDependencyError(
        f"{what} values need {' and '.join(needs)}, but {problem}; "
        f"install the extra: pip install 'flytelike[{extra}]'",
        missing=missing,
        extra=extra,
    ) from cause


def _protocol(p: str | None) -> str:
    if not p:
        return ""
    return p.split("://", 1)[0].lower()


class _Handler:
    def __init__(
        self,
        python_type: type,
        protocol: str | None = None,
        supported_format: str | None = None,
    ) -> None:
        self._python_type = python_type
        self._protocol = _protocol(protocol)
        self._supported_format = normalise_format(supported_format)

    @property
    def python_type(self) -> type:
        return self._python_type

    @property
    def protocol(self) -> str | None:
        return self._protocol or None

    @property
    def supported_format(self) -> str:
        return self._supported_format


class StructuredDatasetEncoder(_Handler):
    """Writes a frame of ``python_type`` to the store; ``encode`` returns a ``Table`` literal
    (or any object with a ``uri``)."""

    def encode(self, ctx: Any, structured_dataset: Any, structured_dataset_type: TableType) -> Any:
        raise NotImplementedError


class StructuredDatasetDecoder(_Handler):
    """Reads a ``Table`` literal into a frame of ``python_type`` (or an iterator of frames).

    Built-in decoders also offer ``iter_decode(ctx, flyte_value, metadata, batch_size)``.
    """

    def __init__(
        self,
        python_type: type,
        protocol: str | None = None,
        supported_format: str | None = None,
        additional_protocols: list[str] | None = None,
    ) -> None:
        super().__init__(python_type, protocol, supported_format)
        self._additional_protocols = [_protocol(p) for p in additional_protocols or ()]

    def decode(self, ctx: Any, flyte_value: Any, current_task_metadata: Any) -> Any:
        raise NotImplementedError


class DataFrameEncoder(StructuredDatasetEncoder):
    """flyte-sdk style encoder: ``[async] encode(dataframe, structured_dataset_type)``."""

    def encode(self, *args: Any) -> Any:
        raise NotImplementedError


class DataFrameDecoder(StructuredDatasetDecoder):
    """flyte-sdk style decoder: ``[async] decode(flyte_value, current_task_metadata)``."""

    def decode(self, *args: Any) -> Any:
        raise NotImplementedError


def _run(value: Any) -> Any:
    """The result of ``value``, running it to completion if it is a coroutine."""
    if not inspect.isawaitable(value):
        return value
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(_await(value))
    out: list[Any] = []
    errors: list[BaseException] = []
    ctx = contextvars.copy_context()  # the worker sees the caller's data context

    def target() -> None:
        try:
            out.append(ctx.run(asyncio.run, _await(value)))
        except BaseException as e:
            errors.append(e)

    t = threading.Thread(target=target)
    t.start()
    t.join()
    if errors:
        raise errors[0]
    return out[0]


async def _await(value: Any) -> Any:
    return await value


class _FileAccess:
    """The ``ctx.file_access`` methods flytekit encoders and decoders call (flytekit's
    ``FileAccessProvider``): random local paths under a sandbox folder of this process, random
    remote paths in the current store, and copies between the two."""

    _sandbox: str | None = None

    @property
    def local_sandbox_dir(self) -> str:
        if _FileAccess._sandbox is None:
            import tempfile

            _FileAccess._sandbox = tempfile.mkdtemp(prefix="typesystem-sandbox-")
        return _FileAccess._sandbox

    def get_random_string(self) -> str:
        import uuid

        return uuid.uuid4().hex

    def get_random_local_directory(self) -> str:
        path = os.path.join(self.local_sandbox_dir, self.get_random_string())
        os.makedirs(path, exist_ok=True)
        return path

    def get_random_local_path(self, file_path_or_file_name: str | None = None) -> str:
        name = os.path.basename(str(file_path_or_file_name or "")) or self.get_random_string()
        return os.path.join(self.get_random_local_directory(), name)

    def is_remote(self, path: str) -> bool:
        return "://" in str(path) and not str(path).startswith("file://")

    def exists(self, path: str) -> bool:
        from typesystem.io._store import current_store

        return bool(current_store().exists(path))

    def upload(self, local_path: str, remote_path: str) -> str:
        return self.put_data(local_path, remote_path)

    def upload_directory(self, local_path: str, remote_path: str) -> str:
        return self.put_data(local_path, remote_path, is_multipart=True)

    def download(self, remote_path: str, local_path: str) -> None:
        self.get_data(remote_path, local_path)

    def download_directory(self, remote_path: str, local_path: str) -> None:
        self.get_data(remote_path, local_path, is_multipart=True)

    @property
    def raw_output_prefix(self) -> str:
        from typesystem.io._store import current_store

        return current_store().raw_data_prefix

    def get_random_remote_directory(self) -> str:
        from typesystem.io._store import current_store

        return current_store().new_uri()

    def get_random_remote_path(self, file_path_or_file_name: str | None = None) -> str:
        from typesystem.io._store import current_store

        return current_store().new_uri(_paths.basename(file_path_or_file_name or "") or "file")

    def join(self, *parts: str) -> str:
        return _paths.join(parts[0], *parts[1:])

    def put_data(self, local_path: str, remote_path: str, is_multipart: bool = False) -> str:
        from typesystem.io._store import current_store

        store = current_store()
        if is_multipart:
            store.copy_dir(local_path, remote_path)
        else:
            store.copy_file(local_path, remote_path)
        return remote_path

    def get_data(self, remote_path: str, local_path: str, is_multipart: bool = False) -> None:
        from typesystem.io._store import current_store

        store = current_store()
        os.makedirs(
            local_path if is_multipart else os.path.dirname(os.path.abspath(local_path)),
            exist_ok=True,
        )
        if is_multipart:
            store.copy_dir(remote_path, local_path)
        else:
            store.copy_file(remote_path, local_path)


class HandlerContext:
    """The ``ctx`` passed to flytekit-style handlers."""

    file_access = _FileAccess()


def call_encoder(enc: StructuredDatasetEncoder, sd: Any, sd_type: TableType) -> Any:
    if isinstance(enc, DataFrameEncoder):
        return _run(enc.encode(sd, sd_type))
    return _run(enc.encode(HandlerContext(), sd, sd_type))


def call_decoder(
    dec: StructuredDatasetDecoder, literal: Any, meta: StructuredDatasetMetadata
) -> Any:
    if isinstance(dec, DataFrameDecoder):
        return _run(dec.decode(literal, meta))
    return _run(dec.decode(HandlerContext(), literal, meta))


def iter_decoder(
    dec: StructuredDatasetDecoder, literal: Any, meta: StructuredDatasetMetadata, batch_size: int
) -> Iterator[Any]:
    it = getattr(dec, "iter_decode", None)
    if it is not None:
        yield from it(HandlerContext(), literal, meta, batch_size)
        return
    result = call_decoder(dec, literal, meta)
    if isinstance(result, Iterator):
        yield from result
    else:
        yield result


Table_ = dict[type, dict[str, dict[str, Any]]]


class FrameHandlers:
    """Encoders and decoders keyed by (python type, protocol, format)."""

    def __init__(self) -> None:
        self.encoders: Table_ = {}
        self.decoders: Table_ = {}
        self.default_formats: dict[type, str] = {}
        self.default_protocols: dict[type, str] = {}
        self._chosen: set[type] = set()  # types whose default format a registration chose
        self._loaded: set[str] = set()
        self._lock = threading.RLock()

    def register(
        self,
        handler: StructuredDatasetEncoder | StructuredDatasetDecoder,
        default_for_type: bool = False,
        override: bool = False,
        default_format_for_type: bool = False,
        default_storage_for_type: bool = False,
    ) -> None:
        """Register ``handler``; a second one for the same key needs ``override=True``."""
        if isinstance(handler, StructuredDatasetEncoder):
            table = self.encoders
        elif isinstance(handler, StructuredDatasetDecoder):
            table = self.decoders
        else:
            raise TypeError(
                f"{handler!r} is neither a StructuredDatasetEncoder nor a StructuredDatasetDecoder"
            )
        t = handler.python_type
        protocols = [handler._protocol]
        protocols += getattr(handler, "_additional_protocols", [])
        with self._lock:
            self._ensure_builtins(t)
            for proto in protocols:
                by_format = table.setdefault(t, {}).setdefault(proto, {})
                fmt = handler.supported_format
                if fmt in by_format and not override:
                    raise DuplicateHandlerError(
                        f"a {type(by_format[fmt]).__name__} is already registered for "
                        f"({t.__qualname__}, protocol={proto or 'any'!r}, format={fmt!r}); "
                        "pass override=True to replace it"
                    )
                by_format[fmt] = handler
            if (default_for_type or default_format_for_type) and handler.supported_format:
                self.default_formats[t] = handler.supported_format
                self._chosen.add(t)
            if (default_for_type or default_storage_for_type) and handler._protocol:
                self.default_protocols[t] = handler._protocol

    def knows(self, t: Any) -> bool:
        """Whether frames of ``t`` can be encoded (built-in libraries count without import)."""
        if not isinstance(t, type):
            return False
        if (t.__module__.split(".")[0], t.__name__) in KNOWN_FRAME_TYPES:
            return True
        return any(c in self.encoders or c in self.decoders for c in t.__mro__)

    def load_builtins(self, t: type) -> None:
        """Register the built-in handlers of ``t``'s library now (they register on first use;
        flytekit's ``register_pandas_handlers`` & co. ask for it explicitly)."""
        self._ensure_builtins(t)

    def _ensure_builtins(self, t: type) -> None:
        for cls in getattr(t, "__mro__", (t,)):
            top = cls.__module__.split(".")[0]
            if top in _BUILTIN_MODULES and top not in self._loaded:
                with self._lock:
                    if top in self._loaded:
                        continue
                    import importlib

                    try:
                        module = importlib.import_module(_BUILTIN_MODULES[top])
                    except ImportError as e:
                        missing_stack(top, f"{cls.__module__}.{cls.__qualname__}", e)
                        raise
                    self._loaded.add(top)
                    module.register_builtins(self)

    def default_format(self, t: type, preferred: str = "") -> str:
        """The format new frames of ``t`` are written in when their annotation names none: the
        one a registration chose for ``t`` (``default_for_type``/``default_format_for_type``),
        else ``preferred`` (the data context's ``frame_format``) when ``t`` has an encoder for
        it, else the built-in default (parquet)."""
        self._ensure_builtins(t)
        builtin = ""
        for cls in t.__mro__:
            if cls in self.default_formats:
                if cls in self._chosen:
                    return self.default_formats[cls]
                builtin = self.default_formats[cls]
                break
        if preferred:
            fmt = normalise_format(preferred)
            if any(
                fmt in by_format
                for c in t.__mro__
                for by_format in self.encoders.get(c, {}).values()
            ):
                return fmt
        return builtin or "parquet"

    def _find(self, table: Table_, t: type, protocol: str, fmt: str, kind: str) -> Any:
        self._ensure_builtins(t)
        protocol, fmt = _protocol(protocol), normalise_format(fmt)
        for cls in t.__mro__:
            by_proto = table.get(cls)
            if not by_proto:
                continue
            for proto in (protocol, ""):
                by_format = by_proto.get(proto, {})
                for f in (fmt, ""):
                    if f in by_format:
                        return by_format[f]
        known = sorted(
            {
                f or "<any>"
                for cls in t.__mro__
                for by_format in table.get(cls, {}).values()
                for f in by_format
            }
        )
        hint = (
            f"formats available for it: {', '.join(known)}"
            if known
            else "register one with StructuredDatasetTransformerEngine.register(...)"
        )
        raise HandlerNotFoundError(
            f"no dataframe {kind} for ({t.__qualname__}, protocol={protocol or 'any'!r}, "
            f"format={fmt!r}); {hint}"
        )

    def get_encoder(self, t: type, protocol: str, fmt: str) -> StructuredDatasetEncoder:
        return self._find(self.encoders, t, protocol, fmt, "encoder")  # type: ignore[no-any-return]

    def get_decoder(self, t: type, protocol: str, fmt: str) -> StructuredDatasetDecoder:
        return self._find(self.decoders, t, protocol, fmt, "decoder")  # type: ignore[no-any-return]

    def copy(self) -> FrameHandlers:
        other = FrameHandlers()
        other.encoders = {t: {p: dict(f) for p, f in v.items()} for t, v in self.encoders.items()}
        other.decoders = {t: {p: dict(f) for p, f in v.items()} for t, v in self.decoders.items()}
        other.default_formats = dict(self.default_formats)
        other.default_protocols = dict(self.default_protocols)
        other._chosen = set(self._chosen)
        other._loaded = set(self._loaded)
        return other


_default: FrameHandlers | None = None
_default_lock = threading.Lock()


def default_handlers() -> FrameHandlers:
    """The process-wide handler registry."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = FrameHandlers()
    return _default


class StructuredDatasetTransformerEngine:
    """flytekit's class-level facade over ``default_handlers()``."""

    @classmethod
    def register(
        cls,
        h: StructuredDatasetEncoder | StructuredDatasetDecoder,
        default_for_type: bool = False,
        override: bool = False,
        default_format_for_type: bool = False,
        default_storage_for_type: bool = False,
    ) -> None:
        default_handlers().register(
            h, default_for_type, override, default_format_for_type, default_storage_for_type
        )

    @classmethod
    def get_encoder(cls, df_type: type, protocol: str, format: str) -> StructuredDatasetEncoder:
        return default_handlers().get_encoder(df_type, protocol, format)

    @classmethod
    def get_decoder(cls, df_type: type, protocol: str, format: str) -> StructuredDatasetDecoder:
        return default_handlers().get_decoder(df_type, protocol, format)

    @classmethod
    def register_renderer(cls, python_type: type, renderer: Any) -> None:
        """Accepted for compatibility; renderers belong to reports, not the type system."""


DataFrameTransformerEngine = StructuredDatasetTransformerEngine
