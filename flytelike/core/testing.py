"""``flytelike.core.testing``: mirrors ``flytekit.core.testing`` (``task_mock``, ``patch``)."""

from typing import NoReturn

from flytelike._compat.aliases import not_provided
from flytelike.testing import patch, task_mock

__all__ = ["patch", "task_mock"]


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})
