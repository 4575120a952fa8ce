"""``flytelike.core.schedule``: mirrors ``flytekit.core.schedule``."""

from typing import NoReturn

from flytelike._compat.aliases import not_provided
from flytelike._settings.schedule import CronSchedule, FixedRate

__all__ = ["CronSchedule", "FixedRate"]


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})
