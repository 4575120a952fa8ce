"""``flytelike.core.base_task``: mirrors ``flytekit.core.base_task``."""

from typing import NoReturn

from flytelike._aliases import not_provided
from flytelike._container import TaskMetadata, kwtypes

__all__ = ["TaskMetadata", "kwtypes"]


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})
