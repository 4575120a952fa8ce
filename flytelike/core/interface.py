"""``flytelike.core.interface``: mirrors ``flytekit.core.interface`` (``flytelike._entities.
interface`` says what each name means locally; the artifact helpers are not provided)."""

from typing import NoReturn

from flytelike._compat.aliases import not_provided
from flytelike._entities.interface import (
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

__all__ = [
    "Interface",
    "default_output_name",
    "extract_return_annotation",
    "output_name_generator",
    "remap_shared_output_descriptions",
    "repr_kv",
    "repr_type_signature",
    "transform_function_to_interface",
    "transform_inputs_to_parameters",
    "transform_interface_to_list_interface",
    "transform_interface_to_typed_interface",
    "transform_type",
    "transform_types_to_list_of_type",
    "transform_variable_map",
]


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})
