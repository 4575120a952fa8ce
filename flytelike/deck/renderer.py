"""``flytelike.deck.renderer``: mirrors ``flytekit.deck.renderer``, whose renderers flytelike does
not implement (see ``flytelike.deck``); importing one raises ``ImportError`` saying what to do.
"""

from typing import NoReturn

from flytelike._aliases import not_provided
from flytelike.deck import _INSTEAD

__all__: list[str] = []


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, _INSTEAD)
