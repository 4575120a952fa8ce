"""``flytelike.core.base_task``: mirrors ``flytekit.core.base_task``."""

from flytelike._container import TaskMetadata, kwtypes

__all__ = ["TaskMetadata", "kwtypes"]
