"""Python values <-> literals at the edges of a run (its inputs and outputs).

Types come from the entity's Python interface when the run was started from a flytelike entity
in this process, else they are guessed from the IR's literal types (a run read back from the
store). Inputs not given take the interface's default; a launch plan adds its defaults and fixed
inputs (giving a fixed input is an error).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import typesystem
from flytelike.compiler import output_namedtuple
from flytelike.errors import ArgumentError, LaunchPlanError
from flytelike.ir import Interface, LaunchPlanTemplate
from typesystem import Literal

# (id(iface), id(py_iface), which) -> (iface, py_iface, types, input names): interfaces are
# immutable, so what is derived from them is kept (both objects are held, so ids stay theirs).
_TYPES: dict[tuple[int, int, str], tuple[Any, Any, dict[str, Any], frozenset[str]]] = {}


def _types(iface: Interface, py_iface: Any, which: str) -> tuple[dict[str, Any], frozenset[str]]:
    key = (id(iface), id(py_iface), which)
    hit = _TYPES.get(key)
    if hit is not None and hit[0] is iface and hit[1] is py_iface:
        return hit[2], hit[3]
    types = _python_types(iface, py_iface, which)
    names = frozenset(v.name for v in iface.inputs)
    if len(_TYPES) > 1024:
        _TYPES.clear()
    _TYPES[key] = (iface, py_iface, types, names)
    return types, names


def python_types(iface: Interface, py_iface: Any, which: str) -> dict[str, Any]:
    """Python types of ``iface``'s inputs or outputs (``which``)."""
    return dict(_types(iface, py_iface, which)[0])


def _python_types(iface: Interface, py_iface: Any, which: str) -> dict[str, Any]:
    declared = getattr(py_iface, which, None) if py_iface is not None else None
    variables = iface.inputs if which == "inputs" else iface.outputs
    reg = typesystem.default_registry()
    out: dict[str, Any] = {}
    for v in variables:
        if declared and v.name in declared:
            out[v.name] = declared[v.name]
        else:
            out[v.name] = reg.guess_python_type(v.type)
    return out


def inputs_to_literals(
    entity_name: str,
    iface: Interface,
    py_iface: Any,
    values: Mapping[str, Any],
    lp: LaunchPlanTemplate | None = None,
) -> dict[str, Literal]:
    types, names = _types(iface, py_iface, "inputs")
    fixed = dict(lp.fixed_inputs) if lp is not None else {}
    for k in values:
        if k in names and not fixed:
            continue
        if k in fixed:
            raise LaunchPlanError(
                f"launch plan `{entity_name}`: input `{k}` is fixed and cannot be given"
            )
        if k not in names:
            raise ArgumentError(
                f"Received unexpected keyword argument '{k}' in function '{entity_name}'; inputs "
                f"are: {', '.join(sorted(names)) or '(none)'}",
                entity=entity_name,
                input_name=k,
            )
    reg = typesystem.default_registry()
    out: dict[str, Literal] = {}
    for v in iface.inputs:
        if v.name in values:
            try:
                out[v.name] = reg.to_literal(values[v.name], types[v.name])
            except typesystem.TypeSystemError as e:
                e.add_note(f"while converting input `{v.name}` of `{entity_name}`")
                raise
        elif v.default is not None:
            out[v.name] = v.default
        else:
            raise ArgumentError(
                f"`{entity_name}`: input `{v.name}` of type `{typesystem.render_type(v.type)}` "
                "was not given and has no default",
                entity=entity_name,
                input_name=v.name,
            )
    out.update(fixed)
    return out


def literals_to_python(
    lits: Mapping[str, Literal], iface: Interface, py_iface: Any, which: str
) -> dict[str, Any]:
    types = _types(iface, py_iface, which)[0]
    reg = typesystem.default_registry()
    return {k: reg.to_python(v, types[k]) if k in types else v for k, v in lits.items()}


def shape_outputs(values: dict[str, Any], iface: Interface, py_iface: Any) -> Any:
    """One value for one output; a named tuple for several (``output_namedtuple``: the
    declared NamedTuple when there is one); None for none."""
    names = [v.name for v in iface.outputs]
    if not names:
        return None
    nt = getattr(py_iface, "output_tuple", None) if py_iface is not None else None
    ordered = [values[n] for n in names]
    if nt is not None:
        return nt(*ordered)
    if len(names) == 1:
        return ordered[0]
    return output_namedtuple(tuple(names), iface.output_tuple_name)(*ordered)
