"""The self-contained run report (``flytelike runs report``, ``/api/runs/<run>/report``): the
run's graph coloured by phase, its timeline, and every action's details, in one HTML file."""

from __future__ import annotations

from flytelike.engine import Engine
from flytelike.ui import _html, _model

MAX_ITEMS = 200


def render_report(engine: Engine, run_name: str) -> str:
    """The run as one HTML file that opens offline: graph coloured by phase, timeline, and
    every action's attempts, error, inputs, outputs and logs. ``NotFound`` for an unknown run."""
    detail = _model.run_detail(engine, run_name)
    # Map items are summarised on their map node; only those that did not succeed get a
    # section (at most MAX_ITEMS), so a 10,000-item map stays a readable file.
    items = [a for a in detail["actions"] if a["kind"] == "map_item" and a["phase"] != "SUCCEEDED"]
    shown = [a for a in detail["actions"] if a["kind"] != "map_item"] + items[:MAX_ITEMS]
    actions = [_model.action_detail(engine, run_name, a["id"]) for a in shown]
    return _html.report(detail, actions)
