"""How a map node's ``min_success_ratio`` / ``min_successes`` read: the one rule the compiler's map
task (local runs) and the engine's map handler both apply."""

from __future__ import annotations

import math


def tolerates_failures(ratio: float, min_successes: int | None) -> bool:
    """Whether a map may succeed with failed items (which then give ``None``)."""
    return min_successes is not None or ratio < 1


def required_successes(n: int, ratio: float, min_successes: int | None) -> int:
    """How many of ``n`` items must succeed: ``min_successes`` when given (it takes precedence
    over the ratio, as in flytekit), else ``ceil(n * min_success_ratio)``."""
    if min_successes is not None:
        return min_successes
    return math.ceil(n * ratio)
