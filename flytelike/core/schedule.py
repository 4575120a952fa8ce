"""``flytelike.core.schedule``: mirrors ``flytekit.core.schedule``."""

from flytelike._schedule import CronSchedule, FixedRate

__all__ = ["CronSchedule", "FixedRate"]
