"""``flytelike.core.checkpointer``: mirrors ``flytekit.core.checkpointer``: the checkpoint of a
running task (``current_context().checkpoint``: ``read``/``write``/``restore``/``save``,
surviving retries); ``SyncCheckpoint`` is the same class (flytekit's implementation of it)."""

from flytelike.backends import Checkpoint
from flytelike.backends import Checkpoint as SyncCheckpoint

__all__ = ["Checkpoint", "SyncCheckpoint"]
