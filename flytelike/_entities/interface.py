"""flytekit's Python-native ``Interface`` and the helpers ``flytekit.core.interface`` documents.

``Interface(inputs=, outputs=, output_tuple_name=, docstring=)`` declares a class-based task's
inputs and outputs by name (``kwtypes(...)``); an input given as ``(type, default)`` has a
default, and ``(type, None)`` means, as in flytekit, no default unless the type is ``Optional``
(then the default is ``None``: an ``Optional`` input may be left out). It has flytekit's
properties and copies (``inputs_with_defaults``, ``output_tuple``, ``remove_inputs``,
``with_inputs``, ``with_outputs``) and prints as ``(a: <class 'int'>) -> (o0: <class 'str'>)``.

The helpers have their local meaning on flytelike's own model: output names and annotations
follow the compiler's rules (``flytelike.compiler``, the one place that reads signatures),
"typed" interfaces and variables are ``flytelike.ir.Interface``/``Variable`` with literal types
of ``typesystem``. flytekit rewrites a type it has no transformer for into ``FlytePickle[T]``;
flytelike keeps the type as written (its registry pickles such values visibly when converting),
so ``transform_function_to_interface(is_reference_entity=)``, which only switches that rewrite
off, changes nothing here. The artifact helpers (``detect_artifact``,
``verify_outputs_artifact_bindings``) are not provided: artifacts are a cluster service.

Not here: the interfaces tasks and workflows build from their signatures
(``flytelike.compiler.PyInterface``).
"""

from __future__ import annotations

import types
import typing
from collections import OrderedDict
from collections.abc import Callable, Generator, Iterable, Mapping
from typing import Any

from flytelike.errors import DefinitionError


def accepts_none(t: Any) -> bool:
    """Whether ``t`` is ``None``, ``Optional[...]`` or a union with ``None``."""
    if t is None or t is type(None):
        return True
    if typing.get_origin(t) is typing.Annotated:
        return accepts_none(typing.get_args(t)[0])
    if typing.get_origin(t) in (typing.Union, types.UnionType):
        return any(accepts_none(a) for a in typing.get_args(t))
    return False


def repr_kv(k: str, v: Any) -> str:
    """``"k: <type>"``, or ``"k: <type>=<default>"`` for a ``(type, default)`` with a default."""
    if isinstance(v, tuple):
        t, default = v
        return f"{k}: {t}={default}" if default else f"{k}: {t}"
    return f"{k}: {v}"


def repr_type_signature(io: Mapping[str, Any]) -> str:
    """``"(a: <class 'int'>, b: <class 'str'>=x)"``: inputs or outputs as a type signature."""
    return "(" + ", ".join(repr_kv(k, v) for k, v in io.items()) + ")"


class Interface:
    """A task's inputs and outputs by name (see the module docstring)."""

    def __init__(
        self,
        inputs: Mapping[str, Any] | None = None,
        outputs: Mapping[str, Any] | None = None,
        output_tuple_name: str | None = None,
        docstring: Any = None,
    ) -> None:
        self.inputs: OrderedDict[str, Any] = OrderedDict()
        self.defaults: dict[str, Any] = {}
        for name, spec in (inputs or {}).items():
            if isinstance(spec, tuple):
                if len(spec) != 2:
                    raise DefinitionError(
                        f"Interface: input {name!r} must be a type or (type, default), "
                        f"got a tuple of {len(spec)}"
                    )
                t, default = spec
                self.inputs[name] = t
                if default is not None or accepts_none(t):
                    self.defaults[name] = default
            else:
                self.inputs[name] = spec
        self.outputs: OrderedDict[str, Any] = OrderedDict(outputs or {})
        self.output_tuple_name = output_tuple_name
        self.docstring = docstring

    @property
    def inputs_with_defaults(self) -> dict[str, tuple[Any, Any]]:
        """``{name: (type, default)}``, the default ``None`` where there is none."""
        return {k: (t, self.defaults.get(k)) for k, t in self.inputs.items()}

    @property
    def default_inputs_as_kwargs(self) -> dict[str, Any]:
        """The inputs whose default is not ``None``, with their defaults (as flytekit)."""
        return {k: v for k, v in self.defaults.items() if v is not None}

    @property
    def output_names(self) -> list[str] | None:
        return list(self.outputs) or None

    @property
    def output_tuple(self) -> Any:
        """The named tuple class a call's several outputs come back as (``None`` without
        outputs): named ``output_tuple_name``, else ``DefaultNamedTupleOutput``."""
        if not self.outputs:
            return None
        from flytelike.compiler import output_namedtuple

        return output_namedtuple(tuple(self.outputs), self.output_tuple_name or "")

    def _with(self, inputs: Mapping[str, Any], outputs: Mapping[str, Any]) -> Interface:
        return Interface(inputs, outputs, self.output_tuple_name, self.docstring)

    def _spec(self) -> dict[str, Any]:
        return {
            k: (t, self.defaults[k]) if k in self.defaults else t for k, t in self.inputs.items()
        }

    def remove_inputs(self, vars: Iterable[str] | None) -> Interface:
        """A copy without the inputs named in ``vars`` (names it does not have are ignored)."""
        if vars is None:
            return self
        drop = set(vars)
        return self._with({k: v for k, v in self._spec().items() if k not in drop}, self.outputs)

    def with_inputs(self, extra_inputs: Mapping[str, Any] | None) -> Interface:
        """A copy with ``extra_inputs`` (types or ``(type, default)``) added; an input it has
        already is a ``DefinitionError`` (a ``ValueError``, as flytekit raises)."""
        if not extra_inputs:
            return self
        _no_clash(extra_inputs, self.inputs, "Input")
        return self._with({**self._spec(), **extra_inputs}, self.outputs)

    def with_outputs(self, extra_outputs: Mapping[str, Any] | None) -> Interface:
        """A copy with ``extra_outputs`` added (a clash is an error, as ``with_inputs``)."""
        if not extra_outputs:
            return self
        _no_clash(extra_outputs, self.outputs, "Output")
        return self._with(self._spec(), {**self.outputs, **extra_outputs})

    def __str__(self) -> str:
        return f"{repr_type_signature(self._spec())} -> {repr_type_signature(self.outputs)}"

    __repr__ = __str__


def _no_clash(extra: Mapping[str, Any], have: Mapping[str, Any], what: str) -> None:
    clash = [k for k in extra if k in have]
    if clash:
        raise DefinitionError(
            f"Interface: {what.lower()} {clash[0]!r} cannot be added as it already exists in the "
            f"interface ({what.lower()}s: {', '.join(have)}); give it another name"
        )


def default_output_name(index: int = 0) -> str:
    """The name of the ``index``-th unnamed output: ``o0``, ``o1``, ..."""
    return f"o{index}"


def output_name_generator(length: int) -> Generator[str, None, None]:
    """``o0`` ... ``o<length-1>``."""
    for i in range(length):
        yield default_output_name(i)


def extract_return_annotation(return_annotation: Any) -> dict[str, Any]:
    """Output names and types of a return annotation, by the compiler's rules: ``None`` has
    none, a ``NamedTuple`` names them by its fields, ``tuple[A, B]``/``(A, B)`` are ``o0, o1``,
    anything else is one output ``o0``."""
    from flytelike.compiler import output_types_of

    return output_types_of(return_annotation, "return annotation")[0]


def transform_function_to_interface(
    fn: Callable[..., Any],
    docstring: Any = None,
    is_reference_entity: bool = False,
    pickle_untyped: bool = False,
) -> Interface:
    """The ``Interface`` of ``fn``'s signature, read as ``@task`` reads it (through
    ``__wrapped__``; types checked, so an unusable one is an ``InterfaceError`` naming it).
    ``pickle_untyped=True`` types an unannotated input or return ``Any`` instead of an error;
    ``is_reference_entity`` changes nothing (see the module docstring)."""
    from flytelike.compiler import interface_from_function

    where = f"function `{getattr(fn, '__qualname__', fn)}`"
    py = interface_from_function(fn, where, pickle_untyped=pickle_untyped)
    inputs = {
        k: (t, py.defaults[k]) if k in py.defaults else (t, None) for k, t in py.inputs.items()
    }
    name = py.output_tuple.__name__ if py.output_tuple is not None else None
    return Interface(inputs, py.outputs, output_tuple_name=name, docstring=docstring)


def transform_type(x: Any, description: str | None = None) -> Any:
    """A ``flytelike.ir.Variable`` of ``x``'s literal type (its name is empty: flytekit's
    variable has none; ``transform_variable_map`` names them)."""
    return _variable("", x, description or "")


def _variable(name: str, t: Any, description: str, default: Any = None) -> Any:
    from flytelike.compiler import literal_type
    from flytelike.ir import Variable

    return Variable(name, literal_type(t, f"`{name or t}`", "interface"), description, default)


def transform_variable_map(
    variable_map: Mapping[str, Any] | None, descriptions: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """``{name: flytelike.ir.Variable}`` for ``{name: type}``; a variable's description is
    ``descriptions[name]``, else its name (as flytekit)."""
    descriptions = descriptions or {}
    return {k: _variable(k, t, descriptions.get(k, k)) for k, t in (variable_map or {}).items()}


def remap_shared_output_descriptions(
    output_descriptions: Mapping[str, str], outputs: Mapping[str, Any]
) -> dict[str, str]:
    """One return description (a docstring's single ``:return:``) shared by every output;
    several are kept as they are."""
    if len(output_descriptions) == 1:
        (shared,) = output_descriptions.values()
        return dict.fromkeys(outputs, shared)
    return dict(output_descriptions)


def _descriptions(interface: Interface) -> tuple[Mapping[str, str], Mapping[str, str]]:
    """Input and output descriptions: a flytekit ``Docstring``'s, or parsed from a docstring
    string (reST, Google or numpy, as task docstrings are read)."""
    doc = interface.docstring
    if doc is None:
        return {}, {}
    if isinstance(doc, str):
        from flytelike.compiler import parse_docstring

        params, returns = parse_docstring(doc)
        outs = {"o0": returns} if returns else {}
        return params, remap_shared_output_descriptions(outs, interface.outputs)
    ins = getattr(doc, "input_descriptions", None) or {}
    outs = getattr(doc, "output_descriptions", None) or {}
    return ins, remap_shared_output_descriptions(outs, interface.outputs)


def transform_interface_to_typed_interface(
    interface: Interface | None, allow_partial_artifact_id_binding: bool = False
) -> Any:
    """The ``flytelike.ir.Interface`` of ``interface`` (``None`` for ``None``), with the
    docstring's descriptions. ``allow_partial_artifact_id_binding`` concerns artifact bindings,
    which flytelike has none of: it changes nothing."""
    if interface is None:
        return None
    from flytelike.ir import Interface as IRInterface

    ins, outs = _descriptions(interface)
    return IRInterface(
        tuple(transform_variable_map(interface.inputs, ins).values()),
        tuple(transform_variable_map(interface.outputs, outs).values()),
        interface.output_tuple_name or "",
    )


def transform_inputs_to_parameters(ctx: Any, interface: Interface | None) -> dict[str, Any]:
    """The inputs as ``{name: flytelike.ir.Variable}`` with their default literals: flytelike's
    IR keeps an input's default on its variable (``.default``), so this is flytekit's parameter
    map; an input is required when its ``default`` is ``None``. An ``Optional`` input without a
    default gets a ``None`` default, as upstream. ``ctx`` is accepted for flytekit's signature
    (conversions use the active data context)."""
    if interface is None:
        return {}
    import typesystem

    registry = typesystem.default_registry()
    ins, _ = _descriptions(interface)
    out: dict[str, Any] = {}
    for k, t in interface.inputs.items():
        default = None
        if k in interface.defaults:
            default = registry.to_literal(interface.defaults[k], t)
        elif accepts_none(t):
            default = registry.to_literal(None, t)
        out[k] = _variable(k, t, ins.get(k, k), default)
    return out


def transform_types_to_list_of_type(
    m: Mapping[str, Any] | None,
    bound_inputs: Iterable[str] = frozenset(),
    list_as_optional: bool = False,
) -> dict[str, Any]:
    """Each type not in ``bound_inputs`` as ``list[T]`` (``list[Optional[T]]`` with
    ``list_as_optional``): the interface of a map over it."""
    bound = set(bound_inputs)
    out: dict[str, Any] = {}
    for k, t in (m or {}).items():
        item = typing.Optional[t] if list_as_optional else t  # noqa: UP045 (t is a value)
        out[k] = t if k in bound else list[item]  # type: ignore[valid-type]
    return out


def transform_interface_to_list_interface(
    interface: Interface,
    bound_inputs: Iterable[str] = frozenset(),
    excluded_inputs: Iterable[str] = frozenset(),
    optional_outputs: bool = False,
) -> Interface:
    """The interface of a map task over ``interface``: unbound inputs and every output become
    lists (outputs of ``Optional`` items with ``optional_outputs``, as a map that tolerates
    failures returns them), ``excluded_inputs`` (a launch plan's fixed inputs) are left out."""
    excluded = set(excluded_inputs)
    inputs = {k: t for k, t in interface.inputs.items() if k not in excluded}
    return Interface(
        transform_types_to_list_of_type(inputs, bound_inputs),
        transform_types_to_list_of_type(interface.outputs, (), optional_outputs),
    )
