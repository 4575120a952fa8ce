"""``flytelike.core.artifact``: mirrors ``flytekit.core.artifact``, whose artifacts live in a
Flyte cluster's artifact service; importing a name raises ``ImportError`` saying what to use."""

from typing import NoReturn

from flytelike._compat.aliases import not_provided

__all__: list[str] = []


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})
