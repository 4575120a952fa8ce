"""``flytekit.core.interface`` as flytekit 1.16 documents it: the Python-native ``Interface``
(its properties, copies and printed form), the output-name helpers, and the transforms to a
typed interface, here flytelike's IR (``flytelike.ir.Interface``/``Variable``)."""

from typing import NamedTuple, Optional

import pytest

import typesystem
from flytelike import kwtypes, workflow
from flytelike.core.base_task import PythonTask
from flytelike.core.interface import (
    Interface,
    default_output_name,
    extract_return_annotation,
    output_name_generator,
    remap_shared_output_descriptions,
    repr_kv,
    repr_type_signature,
    transform_function_to_interface,
    transform_inputs_to_parameters,
    transform_interface_to_list_interface,
    transform_interface_to_typed_interface,
    transform_type,
    transform_types_to_list_of_type,
    transform_variable_map,
)
from flytelike.errors import DefinitionError, InterfaceError
from flytelike.ir import Interface as IRInterface

LT = typesystem.default_registry().literal_type


class Stats(NamedTuple):
    total: int
    label: str


def test_interface_properties_and_printed_form() -> None:
    iface = Interface(inputs={"a": int, "b": (str, "x"), "c": (int, None)}, outputs={"o0": int})
    assert list(iface.inputs) == ["a", "b", "c"]
    assert iface.inputs_with_defaults == {"a": (int, None), "b": (str, "x"), "c": (int, None)}
    assert iface.default_inputs_as_kwargs == {"b": "x"}  # (int, None): no default, as flytekit
    assert iface.output_names == ["o0"] and Interface().output_names is None
    assert iface.output_tuple._fields == ("o0",)
    assert iface.output_tuple.__name__ == "DefaultNamedTupleOutput"
    assert str(iface) == "(a: <class 'int'>, b: <class 'str'>=x, c: <class 'int'>) -> " + (
        "(o0: <class 'int'>)"
    )
    assert repr(iface) == str(iface)
    optional = Interface(inputs={"n": (Optional[int], None)})  # noqa: UP045 (flytekit's spelling)
    assert optional.defaults == {"n": None}  # an Optional input may be left out


def test_interface_copies() -> None:
    iface = Interface(inputs=kwtypes(a=int, b=str), outputs=kwtypes(o0=int))
    assert list(iface.remove_inputs(["b", "nope"]).inputs) == ["a"]
    assert iface.remove_inputs(None) is iface
    more = iface.with_inputs({"c": (float, 1.5)})
    assert list(more.inputs) == ["a", "b", "c"] and more.defaults == {"c": 1.5}
    assert list(iface.with_outputs({"o1": str}).outputs) == ["o0", "o1"]
    assert list(iface.inputs) == ["a", "b"]  # (copies: the original is unchanged)
    with pytest.raises(ValueError, match="input 'a' cannot be added as it already exists"):
        iface.with_inputs({"a": int})
    with pytest.raises(DefinitionError, match="output 'o0' cannot be added"):
        iface.with_outputs({"o0": int})


def test_output_names() -> None:
    assert default_output_name() == "o0" and default_output_name(3) == "o3"
    assert list(output_name_generator(3)) == ["o0", "o1", "o2"]
    assert extract_return_annotation(Stats) == {"total": int, "label": str}
    assert extract_return_annotation(tuple[int, str]) == {"o0": int, "o1": str}
    assert extract_return_annotation((int, str)) == {"o0": int, "o1": str}
    assert extract_return_annotation(str) == {"o0": str}
    assert extract_return_annotation(None) == {}
    assert extract_return_annotation(list[int]) == {"o0": list[int]}
    assert extract_return_annotation(dict[str, int]) == {"o0": dict[str, int]}


def summarise(xs: list[int], label: str = "sum", scale: Optional[int] = None) -> Stats:  # noqa: UP045
    """Sum the items.

    :param xs: the items
    :param label: what to call it
    :return: the total and its label
    """
    return Stats(sum(xs) * (scale or 1), label)


def test_transform_function_to_interface() -> None:
    iface = transform_function_to_interface(summarise, docstring=summarise.__doc__)
    assert iface.inputs_with_defaults == {
        "xs": (list[int], None),
        "label": (str, "sum"),
        "scale": (Optional[int], None),  # noqa: UP045
    }
    assert iface.outputs == {"total": int, "label": str} and iface.output_tuple_name == "Stats"

    def untyped(x):  # type: ignore[no-untyped-def]
        return x

    with pytest.raises(InterfaceError, match="input `x` has no type annotation"):
        transform_function_to_interface(untyped)
    assert "x" in transform_function_to_interface(untyped, pickle_untyped=True).inputs


class Summarise(PythonTask[None]):
    """A task plugin declared as flytekit plugins do: its interface read from a function."""

    def __init__(self, name: str) -> None:
        super().__init__(
            task_type="summarise", name=name, interface=transform_function_to_interface(summarise)
        )

    def execute(self, **kwargs: object) -> Stats:
        return summarise(**kwargs)  # type: ignore[arg-type]


summarise_task = Summarise(name="summarise_task")


@workflow
def summary_wf(xs: list[int]) -> str:
    return summarise_task(xs=xs).label


def test_a_plugin_task_with_an_interface_from_a_function_runs() -> None:
    assert summary_wf(xs=[1, 2]) == "sum"
    assert summarise_task(xs=[1, 2], scale=3).total == 9


def test_typed_interface_and_variables() -> None:
    iface = transform_function_to_interface(summarise, docstring=summarise.__doc__)
    typed = transform_interface_to_typed_interface(iface)
    assert isinstance(typed, IRInterface) and typed.output_tuple_name == "Stats"
    assert [(v.name, v.type, v.description) for v in typed.inputs] == [
        ("xs", LT(list[int]), "the items"),
        ("label", LT(str), "what to call it"),
        ("scale", LT(Optional[int]), "scale"),  # noqa: UP045  (no description: its name)
    ]
    assert {v.name: v.description for v in typed.outputs} == {
        "total": "the total and its label",
        "label": "the total and its label",
    }
    assert transform_interface_to_typed_interface(None) is None
    v = transform_type(int, "a number")
    assert v.type == LT(int) and v.description == "a number"
    assert {k: x.description for k, x in transform_variable_map({"a": int}).items()} == {"a": "a"}
    assert remap_shared_output_descriptions({"o0": "d"}, {"x": int, "y": str}) == {
        "x": "d",
        "y": "d",
    }


def test_inputs_to_parameters_carry_default_literals() -> None:
    iface = transform_function_to_interface(summarise)
    params = transform_inputs_to_parameters(None, iface)
    reg = typesystem.default_registry()
    assert params["xs"].default is None  # required
    assert reg.to_python(params["label"].default, str) == "sum"
    assert reg.to_python(params["scale"].default, Optional[int]) is None  # noqa: UP045


def test_list_interfaces_for_maps() -> None:
    iface = Interface(inputs=kwtypes(x=int, k=str, fixed=float), outputs=kwtypes(o0=str))
    listed = transform_interface_to_list_interface(
        iface, bound_inputs={"k"}, excluded_inputs={"fixed"}, optional_outputs=True
    )
    assert listed.inputs == {"x": list[int], "k": str}
    assert listed.outputs == {"o0": list[Optional[str]]}  # noqa: UP045
    assert transform_types_to_list_of_type({"a": list[int]}, set()) == {"a": list[list[int]]}


def test_repr_helpers() -> None:
    assert repr_kv("a", int) == "a: <class 'int'>"
    assert repr_kv("a", (int, 3)) == "a: <class 'int'>=3"
    assert repr_type_signature({"a": int, "b": (str, None)}) == (
        "(a: <class 'int'>, b: <class 'str'>)"
    )
