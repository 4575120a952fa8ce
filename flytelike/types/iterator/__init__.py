"""``flytelike.types.iterator``: mirrors ``flytekit.types.iterator`` (not available yet)."""

from typing import NoReturn

from flytelike._compat.aliases import not_provided

__all__: list[str] = []


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})
