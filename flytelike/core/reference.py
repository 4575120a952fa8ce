"""``flytelike.core.reference``: mirrors ``flytekit.core.reference`` (``get_reference_entity``)."""

from flytelike._entities.references import get_reference_entity

__all__ = ["get_reference_entity"]
