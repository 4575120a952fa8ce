"""flytekit's deck renderers: objects with ``to_html(value) -> str`` for ``Deck.append``.

``MarkdownRenderer`` renders CommonMark with ``markdown-it-py`` (what flytekit uses; it comes
with ``rich``) when it is installed, else escapes the text and keeps its paragraphs and line
breaks (no markup is interpreted). ``SourceCodeRenderer`` highlights with ``pygments``
when installed (flytekit's "colorful" style), else shows the escaped source in ``<pre>``.
``TopFrameRenderer`` needs pandas, ``ArrowRenderer`` pyarrow (imported on first use).
``PythonDependencyRenderer`` lists the distributions installed in this environment (read with
``importlib.metadata``, not by running pip).
"""

from __future__ import annotations

import html
import importlib.util
from typing import Any, Protocol, runtime_checkable

DEFAULT_MAX_ROWS = 10
DEFAULT_MAX_COLS = 100


@runtime_checkable
class Renderable(Protocol):
    def to_html(self, python_value: Any) -> str: ...


class MarkdownRenderer:
    """Markdown text to HTML."""

    def to_html(self, text: str) -> str:
        if importlib.util.find_spec("markdown_it") is not None:
            from markdown_it import MarkdownIt

            return str(MarkdownIt().render(text))
        paragraphs = [p for p in text.strip().split("\n\n") if p.strip()]
        return "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>\n" for p in paragraphs)


class SourceCodeRenderer:
    """Python source code to highlighted HTML."""

    def __init__(self, title: str = "Source Code") -> None:
        self._title = title

    def to_html(self, source_code: str) -> str:
        if importlib.util.find_spec("pygments") is None:
            return f'<pre class="highlight">{html.escape(source_code)}</pre>'
        from pygments import highlight  # type: ignore[import-untyped]
        from pygments.formatters.html import HtmlFormatter  # type: ignore[import-untyped]
        from pygments.lexers.python import PythonLexer  # type: ignore[import-untyped]

        formatter = HtmlFormatter(style="colorful")
        css = formatter.get_style_defs(".highlight").replace("#fff0f0", "#ffffff")
        return f"<style>{css}</style>{highlight(source_code, PythonLexer(), formatter)}"


class TopFrameRenderer:
    """The first rows and columns of a pandas DataFrame as an HTML table."""

    def __init__(self, max_rows: int = DEFAULT_MAX_ROWS, max_cols: int = DEFAULT_MAX_COLS) -> None:
        self._max_rows = max_rows
        self._max_cols = max_cols

    def to_html(self, df: Any) -> str:
        import pandas  # type: ignore[import-untyped]

        if not isinstance(df, pandas.DataFrame):
            raise TypeError(f"TopFrameRenderer renders a pandas.DataFrame, got {type(df).__name__}")
        return str(df.to_html(max_rows=self._max_rows, max_cols=self._max_cols))


class ArrowRenderer:
    """A pyarrow Table as text (``Table.to_string()``)."""

    def to_html(self, df: Any) -> str:
        import pyarrow  # type: ignore[import-untyped]

        if not isinstance(df, pyarrow.Table):
            raise TypeError(f"ArrowRenderer renders a pyarrow.Table, got {type(df).__name__}")
        return str(df.to_string())


class PythonDependencyRenderer:
    """A table of the Python distributions installed here (name, version)."""

    def __init__(self, title: str = "Dependencies") -> None:
        self._title = title

    def to_html(self) -> str:
        from importlib.metadata import distributions

        found = {(d.metadata["Name"] or "", d.version) for d in distributions()}
        rows = "".join(
            f"<tr><td>{html.escape(n)}</td><td>{html.escape(v)}</td></tr>\n"
            for n, v in sorted(found, key=lambda p: p[0].lower())
        )
        head = "<tr><th style='text-align:left;'>Name</th><th style='text-align:left;'>Version</th></tr>"
        return f"<h3>{html.escape(self._title)}</h3>\n<table>\n{head}\n{rows}</table>"
