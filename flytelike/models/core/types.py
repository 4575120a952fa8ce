"""``flytelike.models.core.types``: flytekit's ``BlobType`` and ``EnumType`` (views of
``typesystem``'s literal types, see ``flytelike.models.literals``)."""

from typesystem._kit import BlobType, EnumType

__all__ = ["BlobType", "EnumType"]
