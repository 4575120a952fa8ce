"""``flytelike.report``: HTML reports of a running task (Flyte v2's ``flyte.report``).

A report is the task's deck: a main tab (flyte's ``"main"``, so labelled on the deck page;
``get_tab("default")`` is the same tab, as is flytekit's default deck written in the same action)
plus named tabs, each holding HTML. ``log(html)`` appends
to the main tab, ``replace(html)`` replaces it, ``get_tab(name)`` returns (creating it unless
``create_if_missing=False``, else ``ValueError``) a ``Tab`` with ``log``/``replace``/
``get_html``/``content``, and ``flush()`` writes the report now. The report is also written when
the task ends, so ``flush`` is only needed to stream updates. ``log``/``replace``/``flush``/
``get_tab`` have an ``.aio`` form (``await flytelike.report.replace.aio(...)``).

``current_report()`` is flyte's ``Report`` object: inside a running task a view over that
action's tabs (what the functions above write; ``name``, ``tabs``, ``get_tab``,
``has_content``, ``get_final_report``), also ``flytelike.ctx().report``; outside a task a new
standalone ``Report("dummy")`` each call, so what is written there goes nowhere. ``Report(name)``
made directly is standalone too (its tabs live in the object). Use ``@env.task(report=True)`` to
mark a task as producing a report (carried in the IR). Locally the report is ``deck.html`` under
the action's directory; ``Run.decks()`` lists it. ``Timeline(tab)`` appends headings and rows to a
tab; ``abbreviate`` and ``duration_ms`` format values for it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = [
    "Report",
    "Tab",
    "Timeline",
    "abbreviate",
    "current_report",
    "duration_ms",
    "flush",
    "get_tab",
    "log",
    "replace",
]

# Longest text ``abbreviate`` keeps in the expandable body.
_FULL_LIMIT = 20_000
# flyte's name for the tab ``log``/``replace`` write (the deck page's label too); flytekit's
# default deck (``current_context().default_deck``) of the same action is the same tab.
_MAIN = "main"
_DEFAULT_DECK = "default"


def _ctx() -> Any:
    from flytelike.backends import running_action

    return running_action()


def _deck_named(ec: Any, name: str) -> Any:
    """The action's deck tab called ``name``, or ``None`` (never creates one)."""
    for deck in ec.decks:
        if deck.name == name:
            return deck
    return None


def _main_deck(ec: Any) -> Any:
    """The action's main tab: its ``"main"`` deck, else flytekit's ``"default"`` one, else
    ``None`` (never creates one)."""
    return _deck_named(ec, _MAIN) or _deck_named(ec, _DEFAULT_DECK)


class Tab:
    """One named tab of a report. ``Tab(name)`` is a standalone tab; the tabs of a running
    task's report are views over its deck tabs."""

    def __init__(self, name: str) -> None:
        from flytelike.backends import DeckTab

        self._name = name
        self._deck: Any = DeckTab(name, auto_add_to_deck=False)
        self._ec: Any = None

    @classmethod
    def _view(cls, name: str, deck: Any, ec: Any = None) -> Tab:
        """A view over ``deck``; with ``deck=None`` the main tab of ``ec``, whose deck is made
        on the first write (reading an untouched report adds no empty tab to it)."""
        tab = cls.__new__(cls)
        tab._name, tab._deck, tab._ec = name, deck, ec
        return tab

    def _reading(self) -> Any:
        if self._deck is None:
            self._deck = _main_deck(self._ec)
        return self._deck

    def _writing(self) -> Any:
        if self._deck is None:
            self._deck = _main_deck(self._ec)
        if self._deck is None:
            from flytelike.backends import DeckTab

            self._deck = DeckTab(_MAIN, auto_add_to_deck=False)
            self._ec.add_deck(self._deck)
        return self._deck

    @property
    def name(self) -> str:
        return self._name

    @property
    def content(self) -> list[str]:
        """The HTML parts logged so far, in order."""
        deck = self._reading()
        return [] if deck is None else deck._parts  # DeckTab keeps its parts privately

    def log(self, html: str, do_flush: bool = False) -> None:
        """Append ``html`` (a fragment, not a whole document) to this tab."""
        self._writing().append(html)
        if do_flush:
            flush()

    def replace(self, html: str, do_flush: bool = False) -> None:
        """Make ``html`` this tab's only content."""
        if not isinstance(html, str):
            raise TypeError(f"report: expected an HTML string, got {type(html).__name__}")
        self._writing()._parts[:] = [html]  # DeckTab keeps its parts privately; no public reset
        if do_flush:
            flush()

    def get_html(self) -> str:
        deck = self._reading()
        return "" if deck is None else str(deck.html)

    def __repr__(self) -> str:
        return f"Tab(name={self._name!r}, content={self.content!r})"


class Report:
    """flyte's report object (see the module docstring): ``name``, ``tabs`` (name to ``Tab``,
    the main tab first; a new dict on each read: add tabs with ``get_tab``), ``get_tab``,
    ``has_content`` and ``get_final_report``."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._ec: Any = None
        self._own: dict[str, Tab] = {_MAIN: Tab(_MAIN)}

    @classmethod
    def _of(cls, ec: Any, name: str) -> Report:
        """The report of the running action ``ec``: a view over its deck tabs."""
        report = cls.__new__(cls)
        report.name, report._ec, report._own = name, ec, {}
        return report

    @property
    def tabs(self) -> dict[str, Tab]:
        if self._ec is None:
            return dict(self._own)
        main = _main_deck(self._ec)
        out = {_MAIN: Tab._view(_MAIN, main, self._ec)}
        for deck in self._ec.decks:
            if deck is not main:
                out[deck.name] = Tab._view(deck.name, deck)
        return out

    def get_tab(self, name: str, create_if_missing: bool = True) -> Tab:
        """The tab called ``name`` (``"main"``, or ``"default"``, is the one ``log`` writes),
        created when missing unless ``create_if_missing=False`` (then ``ValueError``)."""
        if name in (_MAIN, _DEFAULT_DECK):
            return self._own[_MAIN] if self._ec is None else Tab._view(_MAIN, None, self._ec)
        found = self._own.get(name) if self._ec is None else _deck_named(self._ec, name)
        if found is not None:
            return found if isinstance(found, Tab) else Tab._view(name, found)
        if not create_if_missing:
            raise ValueError(
                f"report tab {name!r} does not exist (tabs: {sorted(self.tabs)}); "
                "call get_tab(name) without create_if_missing=False to create it"
            )
        tab = Tab(name)
        if self._ec is None:
            self._own[name] = tab
        else:
            self._ec.add_deck(tab._deck)
        return tab

    def has_content(self) -> bool:
        """Whether anything has been logged to any tab."""
        return any(tab.content for tab in self.tabs.values())

    def get_final_report(self) -> str:
        """The report as one HTML page (the main tab left out while it is empty)."""
        from flytelike.backends import deck_page  # (the page every deck is written into)

        tabs = {n: t.get_html() for n, t in self.tabs.items() if t.content or n != _MAIN}
        return deck_page(self.name, tabs)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Report):
            return NotImplemented
        if self._ec is None or other._ec is None:
            return self is other
        return (self._ec, self.name) == (other._ec, other.name)

    def __hash__(self) -> int:
        return id(self) if self._ec is None else hash((id(self._ec), self.name))

    def __repr__(self) -> str:
        return f"Report(name={self.name!r}, tabs={list(self.tabs)!r})"


def current_report() -> Report:
    """The running task's report; outside a task a new ``Report("dummy")`` (written nowhere)."""
    ec = _ctx()
    if ec is None:
        return Report("dummy")
    from flytelike.backends import IN_PROCESS_TASK

    # the action's name as flyte.ctx().action.name has it
    return Report._of(ec, IN_PROCESS_TASK.get() or ec.task_name)


def _with_aio(fn: Callable[..., Any]) -> Any:
    async def aio(*args: Any, **kwargs: Any) -> Any:
        return fn(*args, **kwargs)

    fn.aio = aio  # type: ignore[attr-defined]
    return fn


def get_tab(name: str, /, create_if_missing: bool = True) -> Tab:
    """The current report's tab called ``name`` (see ``Report.get_tab``)."""
    return current_report().get_tab(name, create_if_missing=create_if_missing)


@_with_aio
def log(html: str, do_flush: bool = False) -> None:
    """Append ``html`` to the main tab."""
    current_report().get_tab(_MAIN).log(html, do_flush)


@_with_aio
def replace(html: str, do_flush: bool = False) -> None:
    """Replace the main tab's content with ``html``."""
    current_report().get_tab(_MAIN).replace(html, do_flush)


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
