"""A timeline (Gantt chart) drawn server-side as one inline SVG element: a time axis, one row
per label and one bar per segment (an attempt, a stage), each bar with a tooltip.

It needs no script, stylesheet or font from elsewhere, so it works in a deck page opened from a
file, in the UI's run page and in the offline run report (``flytelike.ui`` draws its run
timelines with it). What the rows mean (actions, attempts, stages) and their colours are the
caller's; this module only lays them out. Every text is escaped here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

LABEL_WIDTH = 300
CHART_WIDTH = 620
ROW_HEIGHT = 22
AXIS_HEIGHT = 24
BAR_HEIGHT = 12
MIN_BAR = 2.0  # px: an instant still shows

_STYLE = (
    ".gantt text{font:12px system-ui,-apple-system,'Segoe UI',sans-serif;fill:#1f2933}"
    ".gantt .axis text{fill:#607d8b;font-size:11px}.gantt .note{fill:#607d8b}"
    ".gantt .track{fill:#eceff1}.gantt .tick{stroke:#cfd8dc}.gantt a text{fill:#3949ab}"
)


@dataclass(frozen=True)
class Segment:
    """A bar from ``start`` to ``end`` (seconds from the chart's origin)."""

    start: float
    end: float
    colour: str
    title: str  # the tooltip


@dataclass(frozen=True)
class Row:
    label: str
    segments: tuple[Segment, ...]
    href: str = ""  # the label links here when given
    note: str = ""  # shown after the label (``4/4 items``, ``2 attempts``)


def duration_text(seconds: float) -> str:
    """``40 µs``, ``2.5 ms``, ``850 ms``, ``2.50 s``, ``1 m 30 s``, ``2 h 5 m``."""
    if seconds < 0.001:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 0.01:
        return f"{seconds * 1000:.1f} ms"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.2f} s"
    if seconds < 3600:
        m, s = divmod(round(seconds), 60)
        return f"{m} m {s} s" if s else f"{m} m"
    h, m = divmod(round(seconds) // 60, 60)
    return f"{h} h {m} m" if m else f"{h} h"


def _step(total: float) -> float:
    """A round tick interval giving about six ticks over ``total`` seconds."""
    raw = total / 6
    base = 10 ** math.floor(math.log10(raw))
    for k in (1, 2, 5, 10):
        if raw <= k * base:
            return float(k * base)
    return float(10 * base)  # pragma: no cover - the loop ends at 10 * base >= raw


def _tick_text(t: float, step: float) -> str:
    if t == 0:
        return "0"
    if step < 0.1:
        return f"{round(t * 1000, 6):g} ms"
    if step < 60 or t < 60:
        return f"{t:g} s"
    return duration_text(t)


def gantt_svg(rows: Sequence[Row], total: float | None = None, caption: str = "timeline") -> str:
    """The chart of ``rows`` over ``[0, total]`` seconds (default: the latest segment end)."""
    end = max((s.end for r in rows for s in r.segments), default=0.0)
    total = max(total or 0.0, end, 1e-6)
    step = _step(total)
    height = AXIS_HEIGHT + ROW_HEIGHT * max(len(rows), 1) + 4
    width = LABEL_WIDTH + CHART_WIDTH + 10
    scale = CHART_WIDTH / total

    def x(t: float) -> float:
        return LABEL_WIDTH + max(0.0, t) * scale

    out = [
        f'<svg class="gantt" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" style="max-width:{width}px" role="img" aria-label="{escape(caption)}">'
        f'<style>{_STYLE}</style><g class="axis">'
    ]
    n = 0
    while n * step <= total * 1.0001:
        t = n * step
        out.append(
            f'<line class="tick" x1="{x(t):.1f}" x2="{x(t):.1f}" y1="{AXIS_HEIGHT - 6}" '
            f'y2="{height}"/><text x="{x(t):.1f}" y="{AXIS_HEIGHT - 10}" '
            f'text-anchor="middle">{escape(_tick_text(t, step))}</text>'
        )
        n += 1
    out.append("</g>")
    for i, row in enumerate(rows):
        top = AXIS_HEIGHT + i * ROW_HEIGHT
        mid = top + ROW_HEIGHT / 2
        limit = 24 if row.note else 40  # (characters that fit before the note, or the chart)
        label = row.label if len(row.label) <= limit else row.label[: limit - 1] + "…"
        text = f'<text x="4" y="{mid + 4:.1f}">{escape(label)}</text>'
        if row.href:
            text = f'<a href="{escape(row.href)}">{text}</a>'
        note = (
            f'<text class="note" x="{LABEL_WIDTH - 6}" y="{mid + 4:.1f}" '
            f'text-anchor="end">{escape(row.note)}</text>'
            if row.note
            else ""
        )
        bars = "".join(
            f'<rect class="bar" x="{x(s.start):.1f}" y="{mid - BAR_HEIGHT / 2:.1f}" '
            f'width="{max(MIN_BAR, (s.end - s.start) * scale):.1f}" height="{BAR_HEIGHT}" '
            f'rx="3" fill="{escape(s.colour)}"><title>{escape(s.title)}</title></rect>'
            for s in row.segments
        )
        out.append(
            f'<g class="row" data-row="{escape(row.label)}"><title>{escape(row.label)}</title>'
            f'{text}{note}<rect class="track" x="{LABEL_WIDTH}" y="{mid - BAR_HEIGHT / 2:.1f}" '
            f'width="{CHART_WIDTH}" height="{BAR_HEIGHT}" rx="3"/>{bars}</g>'
        )
    out.append("</svg>")
    return "".join(out)
