"""``flytelike.deck.renderer``: mirrors ``flytekit.deck.renderer`` (see
``flytelike.deck._renderers``)."""

from flytelike.deck._renderers import (
    DEFAULT_MAX_COLS,
    DEFAULT_MAX_ROWS,
    ArrowRenderer,
    MarkdownRenderer,
    PythonDependencyRenderer,
    Renderable,
    SourceCodeRenderer,
    TopFrameRenderer,
)

__all__ = [
    "DEFAULT_MAX_COLS",
    "DEFAULT_MAX_ROWS",
    "ArrowRenderer",
    "MarkdownRenderer",
    "PythonDependencyRenderer",
    "Renderable",
    "SourceCodeRenderer",
    "TopFrameRenderer",
]
