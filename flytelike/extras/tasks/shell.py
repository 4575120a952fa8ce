"""``from flytelike.extras.tasks.shell import OutputLocation, ShellTask`` (flytekit's path)."""

from typing import NoReturn

from flytelike._compat.aliases import not_provided
from flytelike._entities.container import OutputLocation, ShellTask

__all__ = ["OutputLocation", "ShellTask"]


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})
