"""``flytelike.extras.sqlite3.task``: mirrors ``flytekit.extras.sqlite3.task`` (see
``flytelike._entities.sqlite``)."""

from typing import NoReturn

from flytelike._compat.aliases import not_provided
from flytelike._entities.sqlite import SQLite3Config, SQLite3Task

__all__ = ["SQLite3Config", "SQLite3Task"]


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})
