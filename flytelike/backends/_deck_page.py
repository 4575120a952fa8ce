"""The page a task's decks (v1 ``Deck``, v2 ``flyte.report``) are written into: one styled,
self-contained HTML file with one tab per deck (Inputs, Outputs, Source and Timeline first when
the task has ``enable_deck=True``, then the task's own tabs in the order it made them).

``source_tab`` is the Source tab (the task function's source). ``timeline_tab`` is the Timeline
tab: the attempt's stages (inputs converted to Python values, the task body, outputs converted to
literals) as an inline SVG chart (``_gantt``).

Tabs switch with CSS alone (a radio button per tab), so the file needs no script and opens
offline; each tab's body is the HTML the task produced, as given.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

_STYLE = """
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2933; background: #fafbfc; }
header { background: #263238; color: #fff; padding: 10px 20px; }
header h1 { font-size: 16px; margin: 0; font-weight: 600; }
header p { margin: 2px 0 0; color: #b0bec5; font-size: 12px; }
.tabs { padding: 12px 20px; }
.tabs > input { position: absolute; opacity: 0; pointer-events: none; }
.tabs > label { display: inline-block; padding: 6px 14px; margin: 0 4px 0 0; border: 1px solid #cfd8dc;
  border-bottom: none; border-radius: 6px 6px 0 0; background: #eceff1; cursor: pointer; }
.tabs > section { display: none; border: 1px solid #cfd8dc; background: #fff; padding: 12px 16px; overflow: auto; }
pre { white-space: pre-wrap; word-break: break-word; font: 12px/1.4 ui-monospace, monospace; }
"""


def _slug(name: str, i: int) -> str:
    return f"tab{i}-" + (re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-") or "deck")


def deck_page(title: str, tabs: dict[str, str], subtitle: str = "") -> str:
    """The decks page: ``tabs`` maps tab names to their HTML, in display order."""
    ids = [_slug(name, i) for i, name in enumerate(tabs)]
    # One rule per tab shows its section and highlights its label when its radio is checked.
    rules = "".join(
        f"#{i}:checked ~ section.{i} {{ display: block; }}"
        f"#{i}:checked + label {{ background: #fff; font-weight: 600; }}"
        for i in ids
    )
    head = "".join(
        f'<input type="radio" name="tab" id="{i}"{" checked" if n == 0 else ""}>'
        f'<label for="{i}">{html.escape(name)}</label>'
        for n, (i, name) in enumerate(zip(ids, tabs, strict=True))
    )
    sections = "".join(
        f'<section class="{i}" data-tab="{html.escape(name)}">{body}</section>'
        for i, (name, body) in zip(ids, tabs.items(), strict=True)
    )
    sub = f"<p>{html.escape(subtitle)}</p>" if subtitle else ""
    return (
        "<!doctype html><html lang=en><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{_STYLE}{rules}</style></head><body>"
        f"<header><h1>{html.escape(title)}</h1>{sub}</header>"
        f'<div class="tabs">{head}{sections}</div></body></html>\n'
    )


STAGES = (
    ("inputs to Python values", "#5c6bc0"),
    ("task body", "#2e7d32"),
    ("outputs to literals", "#00897b"),
)


def timeline_tab(marks: Sequence[float]) -> str:
    """The Timeline tab from the attempt's ``marks``: the times (``time.time()``) it started,
    had its inputs as Python values, returned from the body and had its outputs as literals."""
    from flytelike.backends._gantt import Row, Segment, duration_text, gantt_svg

    t0 = marks[0]
    rows = [
        Row(
            name,
            (Segment(a - t0, b - t0, colour, f"{name}: {duration_text(b - a)}"),),
            note=duration_text(b - a),
        )
        for (name, colour), a, b in zip(STAGES, marks, marks[1:], strict=False)
    ]
    started = datetime.fromtimestamp(t0, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
    head = f"<p>started {started} UTC, {html.escape(duration_text(marks[-1] - t0))} in all</p>"
    return head + gantt_svg(rows, caption="timeline of this attempt")


def source_tab(func: Any) -> str:
    """The task function's source for the deck's Source tab ("" when it cannot be read)."""
    import inspect

    try:
        text = inspect.getsource(inspect.unwrap(func)) if func is not None else ""
    except (OSError, TypeError):
        return ""
    return f"<pre>{html.escape(text)}</pre>" if text else ""
