"""``flytelike.deck``: mirrors ``flytekit.deck`` (``Deck`` and the renderers).

flytelike's ``Deck(name, html)`` takes HTML strings; the renderers (``MarkdownRenderer``,
``TopFrameRenderer``, ``SourceCodeRenderer``, ...; ``flytelike.deck._renderers``) turn values
into such strings: ``Deck("notes", MarkdownRenderer().to_html("# Title"))``. flytekit's
``DeckField`` (which default decks a task shows) has no counterpart: flytelike's decks show the
inputs, outputs and timeline when ``enable_deck=True``.
"""

from typing import NoReturn

from flytelike._compat.aliases import not_provided
from flytelike.backends import DeckTab as Deck
from flytelike.deck._renderers import MarkdownRenderer, SourceCodeRenderer, TopFrameRenderer

_INSTEAD = {
    "DeckField": "flytelike's decks show inputs, outputs and the timeline; pass "
    "enable_deck=True to @task and add tabs with Deck(name, html)",
}

__all__ = ["Deck", "MarkdownRenderer", "SourceCodeRenderer", "TopFrameRenderer"]


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, _INSTEAD)
