"""See a run: the local web UI (``flytelike ui``), the self-contained run report
(``flytelike runs report``) and the notebook view of a run.

Everything is read through the engine's public API (``_model``), rendered as escaped HTML with
one stylesheet and one script shipped in this package (``_html``, ``static/``), and served by
the standard library's HTTP server (``_server``).
"""

from __future__ import annotations

from typing import Any

from flytelike.engine import Engine, set_run_view
from flytelike.ui._graph import PHASE_COLOURS
from flytelike.ui._report import render_report
from flytelike.ui._server import UIServer, is_loopback


def run_html(engine: Engine, run_name: str) -> str:
    """A compact HTML view of a run for notebooks (``Run._repr_html_``): phase, error, the
    graph coloured by phase, the outputs, and the decks and v2 reports its actions wrote (each
    in a sandboxed frame)."""
    from flytelike.ui import _graph, _html, _model

    detail = _model.run_detail(engine, run_name)
    run = detail["run"]
    graph = _graph.svg(detail["graph"]) if detail["graph"]["nodes"] else ""
    outputs = ""
    if run["phase"] == "SUCCEEDED":
        values = _model.run_outputs(engine, run_name)
        if values is not None:
            outputs = _html.values_table("Outputs", values)
    decks = "".join(
        f"<h2>Deck of {_html.escape(action)}</h2>"
        f'<iframe sandbox srcdoc="{_html.escape(_model.deck_html(engine, run_name, action))}" '
        'style="width:100%;height:360px;border:1px solid #e4e7eb"></iframe>'
        for action in dict.fromkeys(a for a, _, _ in engine.get_run(run_name).decks())
    )
    return (
        f"<div><style>{_html.asset('ui.css')}</style>"
        f"<h1>{_html.escape(run['name'])} {_html._phase(run['phase'])}</h1>"
        f"<p class=meta>{_html.escape(run['entity'])} · {len(detail['actions'])} actions</p>"
        f"{_html._error_block(run['error'])}{graph}{outputs}{decks}</div>"
    )


def entity_html(entity: Any) -> str:
    """A task's or workflow's notebook view: kind, name, docstring, interface (with defaults)
    and, for a workflow, its graph."""
    from flytelike.ui import _graph, _html

    iface = entity.python_interface
    rows = "".join(
        f"<tr><td>input</td><th>{_html.escape(n)}</th>"
        f"<td>{_html.escape(_type_name(t))}</td>"
        f"<td>{_html.escape(repr(iface.defaults[n])) if n in iface.defaults else 'required'}</td></tr>"
        for n, t in iface.inputs.items()
    ) + "".join(
        f"<tr><td>output</td><th>{_html.escape(n)}</th><td>{_html.escape(_type_name(t))}</td>"
        "<td></td></tr>"
        for n, t in iface.outputs.items()
    )
    doc = (getattr(entity, "__doc__", None) or "").strip().split("\n\n")[0]
    graph = ""
    template = entity.template() if hasattr(entity, "template") else None
    if template is not None and hasattr(template, "nodes"):
        from flytelike.ir import Closure

        closure = Closure(primary=template.id, workflows=(template,))
        graph = _graph.svg(_graph.graph_of(closure, {}))
    return (
        f"<div><style>{_html.asset('ui.css')}</style>"
        f"<h1>{_html.escape(entity.kind_label)} <code>{_html.escape(entity.name)}</code></h1>"
        + (f"<p class=meta>{_html.escape(doc)}</p>" if doc else "")
        + f"<table class=values>{rows}</table>{graph}</div>"
    )


def _type_name(t: Any) -> str:
    import typing

    if typing.get_args(t):  # list[int], dict[str, float]: their repr is the readable form
        return repr(t).replace("typing.", "")
    return getattr(t, "__name__", None) or repr(t).replace("typing.", "")


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


# The engine's run handles draw their notebook view (``Run._repr_html_``) with this.
set_run_view(run_html)


def __getattr__(name: str) -> Any:
    if name == "NotFound":
        from flytelike.ui._model import NotFound

        return NotFound
    raise AttributeError(f"module 'flytelike.ui' has no attribute {name!r}")


__all__ = [
    "PHASE_COLOURS",
    "entity_html",
    "NotFound",
    "UIServer",
    "is_loopback",
    "render_report",
    "run_html",
    "serve",
]
