"""``flytelike.core.type_engine``: mirrors ``flytekit.core.type_engine`` (``typesystem``'s)."""

from typesystem import TypeEngine, TypeTransformer
from typesystem.errors import TypeTransformerFailedError

__all__ = ["TypeEngine", "TypeTransformer", "TypeTransformerFailedError"]
