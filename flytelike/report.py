"""``flytelike.report``: HTML reports of a running task (Flyte v2's ``flyte.report``).

A report is the task's deck: a default tab (``"default"``) plus named tabs, each holding HTML.
``log(html)`` appends to the default tab, ``replace(html)`` replaces it, ``get_tab(name)``
returns (creating it unless ``create_if_missing=False``) a ``Tab`` with ``log``/``replace``, and
``flush()`` writes the report now. The report is also written automatically when the task
ends, so ``flush`` is only needed to stream updates. Each function has an ``.aio`` form
(``await flytelike.report.replace.aio(...)``). Outside a running task they do nothing.
Use ``@env.task(report=True)`` to mark a task as producing a report (carried in the IR).
Locally the report is ``deck.html`` under the action's directory; ``Run.decks()`` lists it.
``Timeline(tab)`` appends headings and rows to a tab; ``abbreviate`` and ``duration_ms`` format
values for it. flyte's ``Report`` object and ``current_report()`` raise ``ImportError``: the
report is reached through the functions here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = [
    "Tab",
    "Timeline",
    "abbreviate",
    "duration_ms",
    "flush",
    "get_tab",
    "log",
    "replace",
]

# Longest text ``abbreviate`` keeps in the expandable body.
_FULL_LIMIT = 20_000


def _ctx() -> Any:
    from flytelike.backends import running_action

    return running_action()


class Tab:
    """One named tab of the report."""

    def __init__(self, deck: Any) -> None:
        self._deck = deck

    @property
    def name(self) -> str:
        return str(self._deck.name)

    def log(self, html: str, do_flush: bool = False) -> None:
        self._deck.append(html)
        if do_flush:
            flush()

    def replace(self, html: str, do_flush: bool = False) -> None:
        if not isinstance(html, str):
            raise TypeError(f"report: expected an HTML string, got {type(html).__name__}")
        self._deck._parts[:] = [html]  # DeckTab keeps its parts privately; no public reset
        if do_flush:
            flush()

    def get_html(self) -> str:
        return str(self._deck.html)


class _Null:
    """What report functions act on outside a task: nothing."""

    name = ""

    def log(self, html: str, do_flush: bool = False) -> None:
        pass

    def replace(self, html: str, do_flush: bool = False) -> None:
        pass

    def get_html(self) -> str:
        return ""


def _with_aio(fn: Callable[..., Any]) -> Any:
    async def aio(*args: Any, **kwargs: Any) -> Any:
        return fn(*args, **kwargs)

    fn.aio = aio  # type: ignore[attr-defined]
    return fn


def get_tab(name: str, /, create_if_missing: bool = True) -> Tab | _Null:
    """The tab called ``name`` (``"default"`` is the one ``log``/``replace`` use)."""
    ctx = _ctx()
    if ctx is None:
        return _Null()
    if name == "default":
        return Tab(ctx.default_deck)
    for deck in ctx.decks:
        if deck.name == name:
            return Tab(deck)
    if not create_if_missing:
        raise KeyError(f"report has no tab {name!r}")
    from flytelike.backends import DeckTab

    deck = DeckTab(name, auto_add_to_deck=False)
    ctx.add_deck(deck)
    return Tab(deck)


@_with_aio
def log(html: str, do_flush: bool = False) -> None:
    """Append ``html`` to the default tab."""
    get_tab("default").log(html, do_flush)


@_with_aio
def replace(html: str, do_flush: bool = False) -> None:
    """Replace the default tab's content with ``html``."""
    get_tab("default").replace(html, do_flush)


@_with_aio
def flush() -> None:
    """Write the report now (it is also written when the task ends)."""
    ctx = _ctx()
    if ctx is not None:
        ctx.write_decks()


get_tab = _with_aio(get_tab)


def abbreviate(value: Any, limit: int = 300) -> str:
    """``value`` as escaped HTML: inline when its text is at most ``limit`` characters, else
    a ``<details>`` whose summary shows the first ``limit`` characters and how many more there
    are, and whose body holds the text (cut at 20,000 characters, saying how many were cut)."""
    import html

    text = "" if value is None else str(value)
    if len(text) <= limit:
        return html.escape(text)
    body = html.escape(text[:_FULL_LIMIT])
    if len(text) > _FULL_LIMIT:
        body += f"\n[{len(text) - _FULL_LIMIT} more characters cut]"
    return (
        f"<details><summary>{html.escape(text[:limit])}... (+{len(text) - limit})</summary>"
        f'<pre style="white-space:pre-wrap">{body}</pre></details>'
    )


def duration_ms(start_iso: Any, end_iso: Any) -> str:
    """The time from one ISO-8601 timestamp to another as ``"<n> ms"``; ``""`` when either is
    missing or does not parse (a trailing ``Z`` is read as UTC)."""
    import datetime

    if not start_iso or not end_iso:
        return ""
    try:
        start, end = (
            datetime.datetime.fromisoformat(str(t).replace("Z", "+00:00"))
            for t in (start_iso, end_iso)
        )
        return f"{(end - start).total_seconds() * 1000:.0f} ms"
    except (TypeError, ValueError):
        return ""


class Timeline:
    """Headings and rows appended, in order, to the report tab ``tab_name``; outside a task
    (no report) they are dropped, like ``log``."""

    def __init__(self, tab_name: str = "main") -> None:
        self.tab_name = tab_name

    def heading(self, text: Any) -> None:
        import html

        get_tab(self.tab_name).log(f"<h3>{html.escape(str(text))}</h3>")

    def row(
        self,
        *,
        icon: str = "\u2022",
        label: Any = "",
        meta: str = "",
        detail: str = "",
        error: Any = None,
    ) -> None:
        """One line: ``icon``, ``label`` in bold, ``meta`` dimmed, then ``detail`` (HTML) and
        ``error`` (abbreviated, in red) when given."""
        import html

        parts = [f"{icon} <b>{html.escape(str(label))}</b>"]
        if meta:
            parts.append(f'<span style="opacity:.6">{html.escape(meta)}</span>')
        if detail:
            parts.append(f"- {detail}")
        if error:
            parts.append(f'<span style="color:#c00">{abbreviate(error, 200)}</span>')
        get_tab(self.tab_name).log(f"<div>{' '.join(parts)}</div>")


_NOT_LOCAL = {
    "Report": "the report is the task's deck: use get_tab(name), log(html), replace(html)",
    "current_report": "the report is the task's deck: use get_tab(name), log(html), replace(html)",
}


def __getattr__(name: str) -> Any:
    reason = _NOT_LOCAL.get(name)
    if reason is not None:
        raise ImportError(f"flytelike.report.{name} (flyte's) is not available: {reason}")
    raise AttributeError(f"module 'flytelike.report' has no attribute {name!r}")
