"""``flytelike.deck``: mirrors ``flytekit.deck`` (``Deck`` and the renderers).

flytelike's ``Deck(name, html)`` takes HTML strings; the renderers (``MarkdownRenderer``,
``TopFrameRenderer``, ``SourceCodeRenderer``, ...; ``flytelike.deck._renderers``) turn values
into such strings: ``Deck("notes", MarkdownRenderer().to_html("# Title"))``. ``DeckField`` names
the default tabs a task asks for (``@task(deck_fields=...)``, validated and carried into the IR;
see ``flytelike._settings.deck_fields``): the local deck shows the inputs, outputs, source and
timeline when ``enable_deck=True``.
"""

from typing import NoReturn

from flytelike._compat.aliases import not_provided
from flytelike._settings.deck_fields import DeckField
from flytelike.backends import DeckTab as Deck
from flytelike.deck._renderers import MarkdownRenderer, SourceCodeRenderer, TopFrameRenderer

_INSTEAD: dict[str, str] = {}

__all__ = ["Deck", "DeckField", "MarkdownRenderer", "SourceCodeRenderer", "TopFrameRenderer"]


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, _INSTEAD)
