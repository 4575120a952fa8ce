"""flyte 2's ``flyte.models`` records, locally.

- ``NativeInterface(inputs={name: (type, default)}, outputs={name: type}, docstring=None)``: a
  task's Python interface; ``from_callable(fn)`` reads a function's signature (a ``Literal`` of
  strings becomes an enum, as ``literal_to_enum`` makes it; ``*args``/``**kwargs`` are a
  ``DefinitionError``), ``from_types`` builds one from types; ``required_inputs()``,
  ``num_required_inputs()``, ``has_outputs()``, ``get_input_types()``,
  ``convert_to_kwargs(*args, **kwargs)``; ``repr`` is flyte's ``(x: int, y: str = 'a') -> o0: int:``.
  A v2 task's is ``task.native_interface``.
- ``Docstring(docstring=None, callable_=None)``: a parsed docstring (``short_description``,
  ``long_description``, ``input_descriptions``, ``output_descriptions``).
- ``SerializationContext(version, project=, domain=, org=, code_bundle=, ...)``: what a task is
  serialised with (``flytelike.extras.serialize``); ``CodeBundle`` names the code it ships
  (``computed_version``, ``tgz`` or ``pkl``, ``destination``).
- ``CheckpointPaths(prev_checkpoint_path, checkpoint_path)``, ``PathRewrite(old_prefix,
  new_prefix)`` (``from_str("a->b")``, ``rewrite(path)``), ``GroupData(name)``: records as flyte's.
- ``CallCounter``: numbers identical calls made from one scope (1, 2, 3, ... per key).
- ``is_clustered_worker_env(env)``: whether ``env`` is that of a worker of a clustered (torchrun,
  JobSet) task; always false for a local run unless those variables are set.
"""

from __future__ import annotations

import dataclasses
import enum
import inspect
import os
import pathlib
import typing
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Literal

from flytelike.errors import DefinitionError

LITERAL_ENUM = "LiteralEnum"
CLUSTERED_WORKER_ENV = "FLYTE_CLUSTERED_WORKER"


def is_clustered_worker_env(env: Mapping[str, str]) -> bool:
    """True when ``env`` is a clustered task worker's (``FLYTE_CLUSTERED_WORKER`` or torchrun's
    ``TORCHELASTIC_RUN_ID`` set)."""
    return bool(env.get(CLUSTERED_WORKER_ENV) or env.get("TORCHELASTIC_RUN_ID"))


def literal_to_enum(literal_type: Any) -> Any:
    """``Literal["a", "b"]`` as an enum class named ``LiteralEnum`` (members ``A = "a"``, ...);
    a ``Literal`` with values other than strings is ``typing.Any``; anything else is a
    ``TypeError``."""
    if typing.get_origin(literal_type) is not Literal:
        raise TypeError(f"literal_to_enum: {literal_type!r} is not a Literal")
    values = typing.get_args(literal_type)
    if not all(isinstance(v, str) for v in values):
        return Any
    return enum.Enum(LITERAL_ENUM, {v.upper(): v for v in values})


class Docstring:
    """A function's docstring, parsed (reST, Google or numpy style)."""

    def __init__(self, docstring: str | None = None, callable_: Callable[..., Any] | None = None):
        import docstring_parser

        text = docstring if docstring is not None else getattr(callable_, "__doc__", None)
        if text is None:
            raise DefinitionError(
                "Docstring: give the docstring text, or a callable_ that has a docstring"
            )
        self._parsed = docstring_parser.parse(text)

    @property
    def input_descriptions(self) -> dict[str, str | None]:
        return {p.arg_name: p.description for p in self._parsed.params}

    @property
    def output_descriptions(self) -> dict[str, str | None]:
        return {
            r.return_name: r.description
            for r in self._parsed.many_returns
            if r.return_name is not None
        }

    @property
    def short_description(self) -> str | None:
        return self._parsed.short_description

    @property
    def long_description(self) -> str | None:
        return self._parsed.long_description


class _HasDefault:
    """Marks an input that has a default whose value is not known here."""


def _type_name(t: Any) -> str:
    if isinstance(t, str):
        return t
    if isinstance(t, type) and typing.get_origin(t) is None:
        return t.__name__
    return repr(t)


@dataclasses.dataclass(frozen=True)
class NativeInterface:
    """A task's Python interface (see the module docstring)."""

    inputs: dict[str, tuple[Any, Any]]
    outputs: dict[str, Any]
    docstring: Docstring | None = None

    has_default: ClassVar[type[_HasDefault]] = _HasDefault

    def has_outputs(self) -> bool:
        return bool(self.outputs)

    def required_inputs(self) -> list[str]:
        return [k for k, (_, d) in self.inputs.items() if d is inspect.Parameter.empty]

    def num_required_inputs(self) -> int:
        return len(self.required_inputs())

    def get_input_types(self) -> dict[str, Any]:
        return {k: t for k, (t, _) in self.inputs.items()}

    @classmethod
    def from_types(
        cls, inputs: dict[str, tuple[Any, Any]], outputs: dict[str, Any]
    ) -> NativeInterface:
        """An interface of ``inputs`` (``{name: (type, default)}``, the default
        ``inspect.Parameter.empty`` when there is none) and ``outputs``."""
        for name, spec in inputs.items():
            if not (isinstance(spec, tuple) and len(spec) == 2):
                raise DefinitionError(
                    f"NativeInterface.from_types: input {name!r} must be (type, default), "
                    f"got {spec!r}"
                )
        return cls(inputs=dict(inputs), outputs=dict(outputs))

    @classmethod
    def from_callable(cls, func: Callable[..., Any]) -> NativeInterface:
        """The interface of ``func``'s signature, type hints and docstring."""
        from flytelike.core.interface import extract_return_annotation

        sig = inspect.signature(func)
        hints = typing.get_type_hints(func, include_extras=True)
        where = getattr(func, "__qualname__", repr(func))
        inputs: dict[str, tuple[Any, Any]] = {}
        for name, param in sig.parameters.items():
            if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
                raise DefinitionError(
                    f"{where}: a task cannot take *args or **kwargs ({name}); name each input"
                )
            t = hints.get(name, param.annotation)
            if typing.get_origin(t) is Literal:
                t = literal_to_enum(t)
            inputs[name] = (t, param.default)
        ret = hints.get("return", sig.return_annotation)
        outputs = {} if ret is inspect.Signature.empty else extract_return_annotation(ret)
        doc = Docstring(callable_=func) if func.__doc__ else None
        return cls(inputs=inputs, outputs=dict(outputs), docstring=doc)

    def convert_to_kwargs(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """``args`` named by the inputs' order, with ``kwargs``."""
        if len(args) > len(self.inputs):
            raise TypeError(
                f"too many positional arguments: {len(args)} given, the inputs are "
                f"{', '.join(self.inputs) or 'none'}"
            )
        out = dict(zip(self.inputs, args, strict=False))
        clash = set(out) & set(kwargs)
        if clash:
            raise TypeError(f"input(s) {', '.join(sorted(clash))} given twice")
        unknown = set(kwargs) - set(self.inputs)
        if unknown:
            raise TypeError(
                f"unknown input(s) {', '.join(sorted(unknown))}; the inputs are "
                f"{', '.join(self.inputs) or 'none'}"
            )
        out.update(kwargs)
        return out

    def __repr__(self) -> str:
        parts = []
        for name, (t, default) in self.inputs.items():
            text = f"{name}: {_type_name(t)}"
            if default is self.has_default:
                text += " = ..."
            elif default is not inspect.Parameter.empty:
                text += f" = {default}"
            parts.append(text)
        out = f"({', '.join(parts)})"
        if self.outputs:
            outs = ", ".join(f"{k}: {_type_name(t)}" for k, t in self.outputs.items())
            out += f" -> ({outs})" if len(self.outputs) > 1 else f" -> {outs}"
        return out + ":"


@dataclasses.dataclass(frozen=True)
class GroupData:
    """A group of task calls, by name (``flytelike.group(name)``)."""

    name: str


@dataclasses.dataclass(frozen=True)
class CheckpointPaths:
    """Where an attempt writes its checkpoint and reads the previous attempt's."""

    prev_checkpoint_path: str | None
    checkpoint_path: str | None


@dataclasses.dataclass
class PathRewrite:
    """Rewrites paths that start with ``old_prefix`` to start with ``new_prefix``."""

    old_prefix: str
    new_prefix: str

    def __post_init__(self) -> None:
        if not self.old_prefix or not self.new_prefix:
            raise DefinitionError("PathRewrite: old_prefix and new_prefix must be non-empty")
        if self.old_prefix == self.new_prefix:
            raise DefinitionError("PathRewrite: old_prefix and new_prefix must differ")

    @classmethod
    def from_str(cls, pattern: str) -> PathRewrite:
        """``PathRewrite.from_str("s3://bucket->/mnt/bucket")``."""
        parts = pattern.split("->")
        if len(parts) != 2:
            raise DefinitionError(
                f"PathRewrite.from_str({pattern!r}): expected 'old_prefix->new_prefix'"
            )
        return cls(old_prefix=parts[0], new_prefix=parts[1])

    def rewrite(self, path: str) -> str:
        """``path`` with ``old_prefix`` replaced by ``new_prefix`` (unchanged otherwise)."""
        if path.startswith(self.old_prefix):
            return self.new_prefix + path[len(self.old_prefix) :]
        return path

    def __repr__(self) -> str:
        return f"{self.old_prefix}->{self.new_prefix}"


class CallCounter:
    """Numbers identical calls from one scope: ``next(key)`` is 1, 2, 3, ... per key."""

    __slots__ = ("_counts",)

    def __init__(self) -> None:
        self._counts: dict[str, int] = {}

    def next(self, call_key: str) -> int:
        seq = self._counts.get(call_key, 0) + 1
        self._counts[call_key] = seq
        return seq

    def __repr__(self) -> str:
        return f"CallCounter({self._counts})"


@dataclasses.dataclass(frozen=True, kw_only=True)
class CodeBundle:
    """The code a task ships with: a ``tgz`` archive or a ``pkl`` (one is required), its
    version (a hash of the code) and where it is unpacked."""

    computed_version: str
    destination: str = "."
    tgz: str | None = None
    pkl: str | None = None
    downloaded_path: pathlib.Path | None = None
    files: list[str] | None = None

    def __post_init__(self) -> None:
        if self.tgz is None and self.pkl is None:
            raise DefinitionError("CodeBundle: give tgz= or pkl= (where the code is)")

    def with_downloaded_path(self, path: pathlib.Path) -> CodeBundle:
        return dataclasses.replace(self, downloaded_path=path)


@dataclasses.dataclass
class SerializationContext:
    """What a task is serialised with: its ``version``, namespace and code bundle, where its
    inputs and outputs are, and the interpreter that runs it."""

    version: str
    project: str | None = None
    domain: str | None = None
    org: str | None = None
    code_bundle: CodeBundle | None = None
    input_path: str = "{{.input}}"
    output_path: str = "{{.outputPrefix}}"
    interpreter_path: str = "/opt/venv/bin/python"
    image_cache: Any = None
    root_dir: pathlib.Path | None = None

    def get_entrypoint_path(self, interpreter_path: str | None = None) -> str:
        """The task runtime's entry point next to the interpreter."""
        return os.path.join(
            os.path.dirname(interpreter_path or self.interpreter_path), "runtime.py"
        )


__all__ = [
    "CallCounter",
    "CheckpointPaths",
    "CodeBundle",
    "Docstring",
    "GroupData",
    "NativeInterface",
    "PathRewrite",
    "SerializationContext",
    "is_clustered_worker_env",
    "literal_to_enum",
]
