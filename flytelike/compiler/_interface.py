"""Typed interfaces from Python signatures: ``PyInterface`` and ``interface_from_function``.

Inputs come from the parameters (annotations mandatory, defaults allowed, including mutable
ones), outputs from the return annotation:

- none, ``None``           -> no outputs
- ``T``                    -> one output ``o0``
- ``tuple[A, B]``, ``(A, B)`` -> outputs ``o0, o1`` (a one-element tuple is an error)
- a ``NamedTuple`` class   -> outputs named by its fields (a one-field NamedTuple task may return
  the bare value)

Docstrings (reST ``:param x:``, Google ``Args:`` or numpy ``Parameters``, read by
docstring_parser) give descriptions. Literal types are computed through the registry here, so
unsupported types fail at decoration time.

A decorated function (a ``functools.wraps`` wrapper taking ``*args, **kwargs``) is read through
its ``__wrapped__`` chain, as ``inspect.signature`` and flytekit read it: the interface is the
innermost function's; the task calls the outermost wrapper (``signature_function``).
"""

from __future__ import annotations

import collections
import contextlib
import functools
import types
import typing
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import typesystem
from flytelike.errors import InterfaceError
from flytelike.ir import Interface, Variable

if TYPE_CHECKING:
    from typesystem import Literal, LiteralType

_NO_DEFAULT: Any = object()
_UNSET: Any = object()


def is_namedtuple(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, tuple) and hasattr(t, "_fields")


DEFAULT_OUTPUT_TUPLE = "DefaultNamedTupleOutput"


def output_namedtuple(names: tuple[str, ...], name: str = "") -> Any:
    """The named tuple a call with several outputs returns, as flytekit returns it: fields named
    after the outputs (``res.o0``, ``res.total``), class ``name`` (a NamedTuple's own name
    when the outputs were declared with one), else ``DefaultNamedTupleOutput``. One class per
    (names, name)."""
    return _namedtuple(names, name or DEFAULT_OUTPUT_TUPLE)


@functools.lru_cache(maxsize=256)
def _namedtuple(names: tuple[str, ...], name: str) -> Any:
    base: Any = collections.namedtuple(name, names)  # type: ignore[misc]
    # Not a module attribute: instances pickle by their field names.
    return type(name, (base,), {"__slots__": (), "__reduce__": _reduce_outputs})


def _reduce_outputs(value: tuple[Any, ...]) -> tuple[Any, ...]:
    cls: Any = type(value)
    return _rebuild_outputs, (cls._fields, cls.__name__, tuple(value))


def _rebuild_outputs(names: tuple[str, ...], name: str, values: tuple[Any, ...]) -> Any:
    return output_namedtuple(names, name)(*values)


class PyInterface:
    """Python types, defaults and literal types of an entity's inputs and outputs."""

    __slots__ = (
        "_ir",
        "_output_specs",
        "_single",
        "default_literals",
        "defaults",
        "docstring",
        "input_types",
        "inputs",
        "output_tuple",
        "output_types",
        "outputs",
    )

    def __init__(
        self,
        inputs: dict[str, Any],
        outputs: dict[str, Any],
        input_types: dict[str, LiteralType],
        output_types: dict[str, LiteralType],
        output_tuple: Any = None,
    ) -> None:
        self.inputs = inputs
        self.outputs = outputs
        self.input_types = input_types
        self.output_types = output_types
        self.output_tuple = output_tuple
        self.defaults: dict[str, Any] = {}
        self.default_literals: dict[str, Literal] = {}
        self.docstring = ""
        self._ir: Interface | None = None
        self._output_specs: dict[str, tuple[LiteralType, Any]] | None = None
        self._single: Any = _UNSET

    def forget_derived(self) -> None:
        """Drop what was worked out from the inputs and outputs (the IR interface, the output
        specs, the single output): an imperative workflow calls this when it adds one."""
        self._ir = None
        self._output_specs = None
        self._single = _UNSET

    def single_output(self) -> tuple[str, LiteralType, Any] | None:
        """``(name, literal type, Python type)`` when a call returns one plain promise."""
        single = self._single
        if single is _UNSET:
            single = None
            if len(self.output_types) == 1 and self.output_tuple is None:
                ((name, lt),) = self.output_types.items()
                single = (name, lt, self.outputs[name])
            self._single = single
        return single  # type: ignore[no-any-return]

    def output_specs(self) -> dict[str, tuple[LiteralType, Any]]:
        """``{name: (literal type, Python type)}`` of the outputs (shared, do not mutate)."""
        specs = self._output_specs
        if specs is None:
            specs = self._output_specs = {
                n: (lt, self.outputs[n]) for n, lt in self.output_types.items()
            }
        return specs

    @property
    def output_tuple_name(self) -> str:
        return self.output_tuple.__name__ if self.output_tuple is not None else ""

    def to_ir(self) -> Interface:
        """The IR interface (descriptions parsed from the docstring on first use)."""
        if self._ir is None:
            params, returns = parse_docstring(self.docstring)
            ins = tuple(
                Variable(n, lt, params.get(n, ""), self.default_literals.get(n))
                for n, lt in self.input_types.items()
            )
            single = len(self.output_types) == 1
            outs = tuple(
                Variable(n, lt, returns if single else "") for n, lt in self.output_types.items()
            )
            self._ir = Interface(ins, outs, self.output_tuple_name)
        return self._ir


def literal_type(t: Any, what: str, where: str) -> LiteralType:
    try:
        return typesystem.default_registry().literal_type(t)
    except typesystem.SettingError:
        raise  # (a bad FLYTELIKE_* setting of the type system, not a fault of this type)
    except typesystem.TypeSystemError as e:
        raise InterfaceError(
            f"{where}: {what} has type `{_type_name(t)}`, which cannot be a task or workflow "
            f"value: {e}"
        ) from e


def _type_name(t: Any) -> str:
    return getattr(t, "__qualname__", None) or repr(t)


def output_types_of(ret: Any, where: str) -> tuple[dict[str, Any], Any]:
    """Output names and Python types from a return annotation, and the NamedTuple if any."""
    if ret is None or ret is type(None):
        return {}, None
    if isinstance(ret, tuple):  # the bare `-> (A, B)` annotation
        if len(ret) == 1:
            raise InterfaceError(
                f"{where}: the return annotation is a one-element tuple; tuples declare several "
                "outputs. Return the value itself (`-> int`) or use a NamedTuple with one field."
            )
        return {f"o{i}": t for i, t in enumerate(ret)}, None
    if is_namedtuple(ret):
        hints = typing.get_type_hints(ret, include_extras=True)
        return {name: hints[name] for name in ret._fields}, ret
    if typing.get_origin(ret) is tuple:
        args = typing.get_args(ret)
        if len(args) == 2 and args[1] is Ellipsis:
            return {"o0": ret}, None
        if len(args) == 1:
            raise InterfaceError(
                f"{where}: `{_type_name(ret)}` declares a one-element tuple; tuples declare "
                "several outputs. Return the value itself or use a NamedTuple with one field."
            )
        if args:
            return {f"o{i}": t for i, t in enumerate(args)}, None
    return {"o0": ret}, None


def _annotations(func: Callable[..., Any], where: str) -> dict[str, Any]:
    """Annotations with strings (``from __future__ import annotations``) evaluated.

    Each string is evaluated on its own in the function's globals, so a bare ``(int, str)``
    return annotation, which ``typing.get_type_hints`` rejects, works too.
    """
    ann: dict[str, Any] = getattr(func, "__annotations__", {})
    if not any(isinstance(v, str) for v in ann.values()):
        return ann
    namespace = dict(getattr(func, "__globals__", {}))
    closure = getattr(func, "__closure__", None)
    if closure:
        for name, cell in zip(func.__code__.co_freevars, closure, strict=True):
            with contextlib.suppress(ValueError):  # an empty cell
                namespace[name] = cell.cell_contents
    out: dict[str, Any] = {}
    for name, value in ann.items():
        if isinstance(value, str):
            try:
                value = eval(value, namespace)
            except Exception as e:
                raise InterfaceError(
                    f"{where}: cannot evaluate the annotation {value!r} of `{name}`: {e}",
                    input_name=name,
                ) from e
        out[name] = value
    return out


_MAX_WRAPPED = 16


def signature_function(func: Callable[..., Any]) -> Any:
    """The function whose signature, annotations and source location describe ``func``:
    ``func`` itself, or the innermost plain function its ``__wrapped__`` chain leads to."""
    for _ in range(_MAX_WRAPPED):
        inner = getattr(func, "__wrapped__", None)
        if not isinstance(inner, types.FunctionType):
            break
        func = inner
    return func


def interface_from_function(
    func: Callable[..., Any],
    where: str,
    pickle_untyped: bool = False,
    *,
    untyped_inputs_any: bool = False,
) -> PyInterface:
    """The interface of ``func`` (read through ``__wrapped__``, see ``signature_function``);
    ``where`` names it in errors (``task `m.f` (file.py:3)``). With ``pickle_untyped`` (flytekit's
    parameter), an input or return without an annotation is typed ``Any`` instead of an error.
    With ``untyped_inputs_any`` (flyte 2's rule), an input without one is typed ``Any`` with a
    ``PickleFallbackWarning``."""
    func = signature_function(func)
    code = func.__code__
    flags = code.co_flags
    if flags & 0x04 or flags & 0x08:  # CO_VARARGS, CO_VARKEYWORDS
        raise InterfaceError(
            f"{where}: *args and **kwargs are not supported; declare each input by name (a "
            "decorator's wrapper taking *args, **kwargs must be made with "
            "@functools.wraps(fn), so that the task reads the signature of `fn`)"
        )
    n_pos = code.co_argcount
    names = code.co_varnames[: n_pos + code.co_kwonlyargcount]
    ann = _annotations(func, where)
    defaults: dict[str, Any] = {}
    pos_defaults = func.__defaults__ or ()
    if pos_defaults:
        first = n_pos - len(pos_defaults)
        for i, value in enumerate(pos_defaults):
            defaults[names[first + i]] = value
    if func.__kwdefaults__:
        defaults.update(func.__kwdefaults__)
    inputs: dict[str, Any] = {}
    input_types: dict[str, LiteralType] = {}
    if pickle_untyped:
        ann = {**{n: Any for n in names}, "return": Any, **ann}
    elif untyped_inputs_any and any(n not in ann for n in names):
        import warnings

        untyped = [n for n in names if n not in ann]
        warnings.warn(
            f"{where}: input(s) {', '.join(f'`{n}`' for n in untyped)} have no type annotation; "
            "as in flyte, they are taken as `Any` (values that are not plain data travel by "
            "cloudpickle). Annotate them to have them checked.",
            typesystem.PickleFallbackWarning,
            stacklevel=2,
        )
        ann = {**dict.fromkeys(untyped, Any), **ann}
    for name in names:
        if name not in ann:
            raise InterfaceError(
                f"{where}: input `{name}` has no type annotation; annotations are mandatory "
                f"(e.g. `{name}: int`)",
                input_name=name,
            )
        t = ann[name]
        inputs[name] = t
        input_types[name] = literal_type(t, f"input `{name}`", where)
    outputs, output_tuple = output_types_of(ann.get("return"), where)
    output_types = {n: literal_type(t, f"output `{n}`", where) for n, t in outputs.items()}
    iface = PyInterface(inputs, outputs, input_types, output_types, output_tuple=output_tuple)
    iface.docstring = func.__doc__ or ""
    if defaults:
        set_defaults(iface, defaults, where)
    return iface


def set_defaults(iface: PyInterface, defaults: dict[str, Any], where: str) -> None:
    """Record Python defaults and their literals (a default that does not convert is an error)."""
    registry = typesystem.default_registry()
    for name, value in defaults.items():
        iface.defaults[name] = value
        if value is None and not _accepts_none(iface.input_types[name]):
            raise InterfaceError(
                f"{where}: input `{name}` defaults to None but its type "
                f"`{typesystem.render_type(iface.input_types[name])}` is not Optional",
                input_name=name,
            )
        try:
            iface.default_literals[name] = registry.to_literal(value, iface.inputs[name])
        except typesystem.TypeSystemError as e:
            raise InterfaceError(
                f"{where}: the default of input `{name}` does not match its type: {e}",
                input_name=name,
            ) from e


def _accepts_none(lt: LiteralType) -> bool:
    if isinstance(lt, typesystem.UnionType):
        return any(_accepts_none(v.type) for v in lt.variants)
    return isinstance(lt, typesystem.SimpleType) and lt.kind is typesystem.SimpleKind.NONE


def interface_from_types(
    inputs: dict[str, Any], outputs: dict[str, Any], where: str
) -> PyInterface:
    """An interface from explicit types (``kwtypes``, imperative workflows, references)."""
    return PyInterface(
        dict(inputs),
        dict(outputs),
        {n: literal_type(t, f"input `{n}`", where) for n, t in inputs.items()},
        {n: literal_type(t, f"output `{n}`", where) for n, t in outputs.items()},
    )


def parse_docstring(doc: str) -> tuple[dict[str, str], str]:
    """Input descriptions and the return description from a reST (``:param x:``), Google
    (``Args:``) or numpy (``Parameters``) docstring; multi-line descriptions are joined with
    spaces. A docstring the parser cannot read gives no descriptions (it is documentation, not a
    definition: it never fails a task)."""
    if not doc.strip():
        return {}, ""
    import docstring_parser  # (imported on first use: interfaces build their IR lazily)

    try:
        parsed = docstring_parser.parse(doc)
    except docstring_parser.ParseError:
        return {}, ""
    params = {p.arg_name: _one_line(p.description) for p in parsed.params}
    returns = _one_line(parsed.returns.description if parsed.returns else None)
    return params, returns


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())
