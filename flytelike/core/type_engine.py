"""``flytelike.core.type_engine``: mirrors ``flytekit.core.type_engine`` (``typesystem``'s)."""

from typing import NoReturn

from flytelike._compat.aliases import not_provided
from typesystem import TypeEngine, TypeTransformer
from typesystem.errors import TypeTransformerFailedError

__all__ = ["TypeEngine", "TypeTransformer", "TypeTransformerFailedError"]


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})
