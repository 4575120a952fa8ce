"""The timeline chart (``flytelike.backends._gantt``): bars placed by time, an axis with round
ticks, tooltips, links, and every text escaped."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from flytelike.backends._gantt import (
    CHART_WIDTH,
    LABEL_WIDTH,
    Row,
    Segment,
    duration_text,
    gantt_svg,
)

SVG = "{http://www.w3.org/2000/svg}"


def test_bars_are_placed_by_time_and_carry_their_tooltips() -> None:
    rows = [
        Row("n0 load", (Segment(0, 1, "#2e7d32", "n0: SUCCEEDED, 1.00 s"),)),
        Row(
            "n1 fit",
            (
                Segment(1, 1.5, "#e65100", "attempt 0: RETRYABLE_FAILED"),
                Segment(1.5, 2, "#2e7d32", "attempt 1: SUCCEEDED"),
            ),
            href="/runs/r/actions/n1",
            note="2 attempts",
        ),
    ]
    root = ET.fromstring(gantt_svg(rows, total=2.0))  # (well-formed XML)
    bars = root.findall(f".//{SVG}rect[@class='bar']")
    assert [(float(b.get("x", 0)), float(b.get("width", 0))) for b in bars] == [
        (LABEL_WIDTH, CHART_WIDTH / 2),
        (LABEL_WIDTH + CHART_WIDTH / 2, CHART_WIDTH / 4),
        (LABEL_WIDTH + CHART_WIDTH * 3 / 4, CHART_WIDTH / 4),
    ]
    assert [b.findtext(f"{SVG}title") for b in bars][1] == "attempt 0: RETRYABLE_FAILED"
    assert [b.get("fill") for b in bars] == ["#2e7d32", "#e65100", "#2e7d32"]
    (link,) = root.findall(f".//{SVG}a")
    assert link.get("href") == "/runs/r/actions/n1" and link.findtext(f"{SVG}text") == "n1 fit"
    ticks = [t.text for t in root.findall(f".//{SVG}g[@class='axis']/{SVG}text")]
    assert ticks == ["0", "0.5 s", "1 s", "1.5 s", "2 s"]
    assert "2 attempts" in [t.text for t in root.iter(f"{SVG}text")]


def test_an_instant_still_shows_and_an_empty_chart_is_valid() -> None:
    svg = gantt_svg([Row("cached", (Segment(0.5, 0.5, "#90a4ae", "HIT"),))], total=1)
    assert re.search(r'class="bar"[^>]*width="2.0"', svg)
    ET.fromstring(gantt_svg([]))


def test_text_is_escaped() -> None:
    svg = gantt_svg([Row("<script>x</script>", (Segment(0, 1, "red", "a & <b>"),), note="<i>")])
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "a &amp; &lt;b&gt;" in svg
    ET.fromstring(svg)


def test_durations_and_millisecond_ticks() -> None:
    assert [duration_text(s) for s in (0.00004, 0.0025, 0.25, 2.5, 90, 3600, 7500)] == [
        "40 µs",
        "2.5 ms",
        "250 ms",
        "2.50 s",
        "1 m 30 s",
        "1 h",
        "2 h 5 m",
    ]
    root = ET.fromstring(gantt_svg([Row("a", (Segment(0, 0.006, "red", ""),))]))
    ticks = [t.text for t in root.findall(f".//{SVG}g[@class='axis']/{SVG}text")]
    assert ticks[:3] == ["0", "1 ms", "2 ms"]
    root = ET.fromstring(gantt_svg([Row("a", (Segment(0, 0.0009, "red", ""),))]))
    ticks = [t.text for t in root.findall(f".//{SVG}g[@class='axis']/{SVG}text")]
    assert ticks[:3] == ["0", "0.2 ms", "0.4 ms"]
