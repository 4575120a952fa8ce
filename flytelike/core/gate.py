"""``flytelike.core.gate``: mirrors ``flytekit.core.gate``."""

from flytelike._gates import approve, sleep, wait_for_input

__all__ = ["approve", "sleep", "wait_for_input"]
