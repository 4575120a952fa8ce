"""``flytelike.core.data_persistence``: mirrors ``flytekit.core.data_persistence``
(``FileAccessProvider``, over the active data store; see ``flytelike.backends._kit_context``)."""

from typing import NoReturn

from flytelike._compat.aliases import not_provided
from flytelike.backends import FileAccessProvider

__all__ = ["FileAccessProvider"]


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})
