"""``flytelike.core.node_creation``: mirrors ``flytekit.core.node_creation``."""

from flytelike._entities.nodes import create_node

__all__ = ["create_node"]
