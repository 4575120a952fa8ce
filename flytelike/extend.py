"""``flytelike.extend``: mirrors the type-extension part of ``flytekit.extend``.

``TypeEngine`` and ``TypeTransformer`` are ``typesystem``'s; flytekit's task-plugin base classes
(``PythonTask``, ``TaskPlugins``, ``SerializationSettings``, ...) have no counterpart here.
"""

from typesystem import TypeEngine, TypeTransformer
from typesystem.errors import TypeTransformerFailedError

__all__ = ["TypeEngine", "TypeTransformer", "TypeTransformerFailedError"]
