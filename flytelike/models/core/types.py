"""``flytelike.models.core.types``: flytekit's ``BlobType`` and ``EnumType`` (views of
``typesystem``'s literal types, see ``flytelike.models.literals``)."""

# (flytekit's literal models are typesystem's kit, off its face: typesystem.Literal differs)
from typesystem._kit import BlobType, EnumType

__all__ = ["BlobType", "EnumType"]
