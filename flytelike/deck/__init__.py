"""``flytelike.deck``: mirrors ``flytekit.deck`` (``Deck``).

flytelike's ``Deck(name, html)`` takes HTML strings; flytekit's renderers (``MarkdownRenderer``,
``TopFrameRenderer``, ``SourceCodeRenderer``, ...) are not implemented, and importing one raises
``ImportError`` saying so.
"""

from typing import NoReturn

from flytelike._aliases import not_provided
from flytelike.backends._runtime import DeckTab as Deck

_INSTEAD = {
    name: "render the HTML yourself and pass the string to Deck(name, html) or Deck.append(html)"
    for name in (
        "ArrowRenderer",
        "DocstringRenderer",
        "FrameProfilingRenderer",
        "MarkdownRenderer",
        "PythonDependencyRenderer",
        "SourceCodeRenderer",
        "TopFrameRenderer",
    )
}

__all__ = ["Deck"]


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, _INSTEAD)
