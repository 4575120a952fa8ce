"""``flytelike.core.type_engine``: mirrors ``flytekit.core.type_engine`` (``typesystem``'s)."""

from typing import NoReturn

from flytelike._compat.aliases import not_provided
from typesystem import BatchSize, TypeEngine, TypeTransformer

# (flytekit's helper for reading BatchSize off a type; typesystem keeps it off its face)
from typesystem._pickled import get_batch_size
from typesystem.errors import TypeTransformerFailedError

__all__ = [
    "BatchSize",
    "TypeEngine",
    "TypeTransformer",
    "TypeTransformerFailedError",
    "get_batch_size",
]


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})
