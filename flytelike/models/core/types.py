"""``flytelike.models.core.types``: flytekit's ``BlobType`` (a view of ``typesystem``'s, see
``flytelike.models.literals``)."""

from typesystem._kit import BlobType

__all__ = ["BlobType"]
