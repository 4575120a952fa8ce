"""``flytelike.report``: HTML reports of a running task (Flyte v2's ``flyte.report``).

A report is the task's deck: a default tab (``"default"``) plus named tabs, each holding HTML.
``log(html)`` appends to the default tab, ``replace(html)`` replaces it, ``get_tab(name)``
returns (creating it unless ``create_if_missing=False``) a ``Tab`` with ``log``/``replace``, and
``flush()`` writes the report now. The report is also written automatically when the task
ends, so ``flush`` is only needed to stream updates. Each function has an ``.aio`` form
(``await flytelike.report.replace.aio(...)``). Outside a running task they do nothing.
Use ``@env.task(report=True)`` to mark a task as producing a report (carried in the IR).
Locally the report is ``deck.html`` under the action's directory; ``Run.decks()`` lists it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["Tab", "flush", "get_tab", "log", "replace"]


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
