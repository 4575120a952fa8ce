"""``flytelike.core.testing``: mirrors ``flytekit.core.testing`` (``task_mock``)."""

from flytelike.testing import task_mock

__all__ = ["task_mock"]
