"""See a run: the local web UI (``flytelike ui``), the self-contained run report
(``flytelike runs report``) and the notebook view of a run.

Everything is read through the engine's public API (``_model``), rendered as escaped HTML with
one stylesheet and one script shipped in this package (``_html``, ``static/``), and served by
the standard library's HTTP server (``_server``).
"""

from __future__ import annotations

from typing import Any

from flytelike.engine import Engine
from flytelike.ui._graph import PHASE_COLOURS
from flytelike.ui._server import UIServer, is_loopback

MAX_ITEMS = 200


def render_report(engine: Engine, run_name: str) -> str:
    """The run as one HTML file that opens offline: graph coloured by phase, timeline, and
    every action's attempts, error, inputs, outputs and logs. ``NotFound`` for an unknown run."""
    from flytelike.ui import _html, _model

    detail = _model.run_detail(engine, run_name)
    # Map items are summarised on their map node; only those that did not succeed get a
    # section (at most MAX_ITEMS), so a 10,000-item map stays a readable file.
    items = [a for a in detail["actions"] if a["kind"] == "map_item" and a["phase"] != "SUCCEEDED"]
    shown = [a for a in detail["actions"] if a["kind"] != "map_item"] + items[:MAX_ITEMS]
    actions = [_model.action_detail(engine, run_name, a["id"]) for a in shown]
    return _html.report(detail, actions)


def run_html(engine: Engine, run_name: str) -> str:
    """A compact HTML view of a run for notebooks (``Run._repr_html_``)."""
    from flytelike.ui import _graph, _html, _model

    detail = _model.run_detail(engine, run_name)
    run = detail["run"]
    graph = _graph.svg(detail["graph"]) if detail["graph"]["nodes"] else ""
    return (
        f"<div><style>{_html.asset('ui.css')}</style>"
        f"<h1>{_html.escape(run['name'])} {_html._phase(run['phase'])}</h1>"
        f"<p class=meta>{_html.escape(run['entity'])} · {len(detail['actions'])} actions</p>"
        f"{_html._error_block(run['error'])}{graph}</div>"
    )


def serve(
    engine: Engine | None = None,
    host: str = "127.0.0.1",
    port: int = 8265,
    token: str = "",
    verbose: bool = False,
) -> UIServer:
    """A UI server for ``engine`` (default: one from the environment), not yet serving: call
    ``serve_forever()`` or ``start()`` (a daemon thread)."""
    if engine is None:
        from flytelike.engine import EngineConfig

        engine = Engine(EngineConfig.from_env())
    return UIServer(engine, host, port, token, verbose)


def __getattr__(name: str) -> Any:
    if name == "NotFound":
        from flytelike.ui._model import NotFound

        return NotFound
    raise AttributeError(f"module 'flytelike.ui' has no attribute {name!r}")


__all__ = [
    "PHASE_COLOURS",
    "NotFound",
    "UIServer",
    "is_loopback",
    "render_report",
    "run_html",
    "serve",
]
