"""HTML for the UI pages and the self-contained run report, from ``_model``'s plain data.

Every value that reaches the page is escaped here. Pages link one stylesheet and one script
shipped in ``flytelike/ui/static`` (no CDN); the report inlines the stylesheet and needs no
script, so it opens offline from a file.
"""

from __future__ import annotations

import json
import time
from html import escape as escape
from importlib import resources
from typing import Any
from urllib.parse import quote

# (the chart the deck pages draw their timelines with: one look for every timeline; the backends'
# because decks are written inside a backend's worker)
from flytelike.backends import GanttRow as Row
from flytelike.backends import GanttSegment as Segment
from flytelike.backends import gantt_svg
from flytelike.ui._graph import NOT_STARTED, PHASE_COLOURS, svg

PHASES = ("QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")


def asset(name: str) -> str:
    return (resources.files("flytelike.ui") / "static" / name).read_text(encoding="utf-8")


def _when(ts: float | None) -> str:
    if ts is None:
        return ""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts))


def _secs(d: float | None) -> str:
    if d is None:
        return ""
    return f"{d * 1000:.0f} ms" if d < 1 else f"{d:.2f} s"


def _phase(p: str) -> str:
    colour = PHASE_COLOURS.get(p, NOT_STARTED)
    return f'<span class="phase" style="background:{colour}">{escape(p or "—")}</span>'


def _page(title: str, body: str, *, data: dict[str, Any] | None = None) -> str:
    boot = ""
    if data is not None:
        boot = (
            '<script id="page-data" type="application/json">'
            + escape(json.dumps(data), quote=False)
            + "</script>"
        )
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} · flytelike</title>"
        '<link rel="stylesheet" href="/static/ui.css"></head><body>'
        '<header><a class="brand" href="/">flytelike</a></header>'
        f"<main>{body}</main>{boot}"
        '<script src="/static/ui.js"></script></body></html>'
    )


def run_link(name: str) -> str:
    return "/runs/" + quote(name, safe="")


def action_link(run: str, action: str) -> str:
    return f"{run_link(run)}/actions/{quote(action, safe='')}"


# ---------------------------------------------------------------- the runs list
def runs_rows(runs: list[dict[str, Any]]) -> str:
    rows = []
    for r in runs:
        rows.append(
            f'<tr data-run="{escape(r["name"])}"><td><a href="{run_link(r["name"])}">'
            f"{escape(r['name'])}</a></td><td>{escape(r['entity'])}</td>"
            f"<td class=ns>{escape(r['project'])}/{escape(r['domain'])}</td>"
            f"<td>{_phase(r['phase'])}</td><td>{_when(r['created_at'])}</td>"
            f"<td>{_secs(r['duration'])}</td><td class=err>{escape(r['error'] or '')}</td></tr>"
        )
    return "".join(rows) or '<tr><td colspan=7 class="empty">no runs match</td></tr>'


def runs_page(runs: list[dict[str, Any]], filters: dict[str, str]) -> str:
    options = "".join(
        f'<option value="{p}"{" selected" if filters.get("phase") == p else ""}>{p}</option>'
        for p in PHASES
    )
    since = {"": "any time", "3600": "last hour", "86400": "last day", "604800": "last week"}
    since_opts = "".join(
        f'<option value="{k}"{" selected" if filters.get("since") == k else ""}>{v}</option>'
        for k, v in since.items()
    )
    body = (
        "<h1>Runs</h1>"
        '<form id="filters" class="filters" method="get" action="/">'
        f'<label>phase <select name="phase"><option value="">any</option>{options}</select></label>'
        f'<label>entity <input name="entity" value="{escape(filters.get("entity", ""))}" '
        'placeholder="module.workflow"></label>'
        f'<label>project <input name="project" value="{escape(filters.get("project", ""))}" '
        'placeholder="any" size=12></label>'
        f'<label>domain <input name="domain" value="{escape(filters.get("domain", ""))}" '
        'placeholder="any" size=10></label>'
        f'<label>created <select name="since">{since_opts}</select></label>'
        "<button>filter</button></form>"
        '<table class="runs"><thead><tr><th>run</th><th>entity</th><th>project/domain</th>'
        "<th>phase</th>"
        "<th>created</th><th>duration</th><th>error</th></tr></thead>"
        f'<tbody id="runs-body">{runs_rows(runs)}</tbody></table>'
    )
    return _page("Runs", body, data={"page": "runs", "filters": filters})


# ---------------------------------------------------------------- one run
def timeline(detail: dict[str, Any], link: bool = True) -> str:
    """The run's actions (map items summarised on their map) over time, one bar per attempt
    coloured by how it ended, as inline SVG (``flytelike.backends._gantt``)."""
    run = detail["run"]
    rows = []
    for a in detail["actions"]:
        if a["kind"] == "map_item":
            continue
        notes = []
        m = detail["maps"].get(a["id"])
        if m:
            notes.append(f"{m['done']}/{m['total']} items")
        if a["cache"]:
            notes.append(f"cache {a['cache']}")
        tries = detail.get("attempts", {}).get(a["id"], [])
        if len(tries) > 1:  # one segment per attempt, coloured by how it ended
            notes.append(f"{len(tries)} attempts")
            segments = tuple(
                Segment(
                    t["offset"] or 0,
                    (t["offset"] or 0) + (t["duration"] or 0),
                    PHASE_COLOURS.get(t["phase"], NOT_STARTED),
                    f"attempt {t['attempt']}: {t['phase']}, {_secs(t['duration'])}",
                )
                for t in tries
            )
        else:
            start = a["offset"] or 0
            segments = (
                Segment(
                    start,
                    start + (a["duration"] or 0),
                    PHASE_COLOURS.get(a["phase"], NOT_STARTED),
                    f"{a['id']}: {a['phase']}, {_secs(a['duration'])}",
                ),
            )
        rows.append(
            Row(
                f"{a['id']} {a['task'].rsplit('.', 1)[-1]}",
                segments,
                href=action_link(run["name"], a["id"]) if link else "",
                note=", ".join(notes),
            )
        )
    caption = f"timeline of run {run['name']}"
    return f'<div class="timeline">{gantt_svg(rows, run["duration"], caption)}</div>'


def _error_block(err: Any) -> str:
    if not err:
        return ""
    if isinstance(err, dict):
        head = ": ".join(str(err.get(k)) for k in ("type", "message") if err.get(k))
        tb = err.get("traceback") or ""
    else:
        head, tb = str(err), ""
    out = f'<div class="error"><strong>{escape(head)}</strong>'
    if tb:
        out += f"<pre>{escape(tb)}</pre>"
    return out + "</div>"


def run_body(detail: dict[str, Any], *, interactive: bool = True) -> str:
    run = detail["run"]
    name = run["name"]
    buttons = ""
    if interactive:
        if run["phase"] in ("QUEUED", "RUNNING"):
            buttons += f'<button class="act" data-post="{run_link(name)}/abort">abort</button>'
        if run["phase"] in ("FAILED", "ABORTED", "TIMED_OUT"):
            buttons += f'<button class="act" data-post="{run_link(name)}/resume">resume</button>'
        for g in detail["gates"]:
            gate = escape(g["name"])
            if g["kind"] == "approve" or g["type"] == "bool":
                # An approval is the signal `true`; a rejection `false` fails the gate's node.
                for verb, value in (("approve", "true"), ("reject", "false")):
                    buttons += (
                        f'<button class="act" data-post="{run_link(name)}/signal" '
                        f'data-signal="{gate}" data-value="{value}">{verb} {gate}</button>'
                    )
            else:
                buttons += (
                    f'<form class="signal" data-post="{run_link(name)}/signal" '
                    f'data-signal="{gate}"><label>{gate} ({escape(g["type"])}) '
                    '<input name="value" placeholder="JSON value"></label>'
                    "<button>send</button></form>"
                )
    link = action_link(name, "{id}") if interactive else ""
    graph = (
        svg(detail["graph"], link=link.replace("%7Bid%7D", "{id}"))
        if detail["graph"]["nodes"]
        else ""
    )
    return (
        f"<h1>{escape(name)} {_phase(run['phase'])}</h1>"
        f'<p class="meta">{escape(run["entity"])} · created {_when(run["created_at"])} · '
        f"{_secs(run['duration'])} · {len(detail['actions'])} actions · "
        f"{detail['cache_hits']} cache hits</p>"
        f'<div class="buttons">{buttons}</div><p id="status" role="status"></p>'
        f"{_error_block(run['error'])}"
        f'<h2>Graph</h2><div class="graph">{graph}</div>'
        f"<h2>Timeline</h2>{timeline(detail, link=interactive)}"
    )


def run_page(detail: dict[str, Any]) -> str:
    run = detail["run"]
    data = {"page": "run", "run": run["name"], "phase": run["phase"], "n": len(detail["actions"])}
    data["phases"] = [a["phase"] for a in detail["actions"]]
    return _page(run["name"], run_body(detail), data=data)


# ---------------------------------------------------------------- one action
def values_table(title: str, values: dict[str, Any] | None) -> str:
    if values is None:
        return f"<h2>{title}</h2><p class=empty>not recorded</p>"
    rows = "".join(
        f"<tr><th>{escape(k)}</th><td><pre>{escape(json.dumps(v, indent=2, default=str))}</pre>"
        "</td></tr>"
        for k, v in values.items()
    )
    return f"<h2>{title}</h2><table class=values>{rows or '<tr><td>(none)</td></tr>'}</table>"


def _logs(logs: Any) -> str:
    if not logs:
        return "<h2>Logs</h2><p class=empty>nothing printed</p>"
    parts = []
    for entry in logs if isinstance(logs, list) else [logs]:
        if isinstance(entry, dict):
            chunks = entry.get("chunks") or []
            text = "".join(t for _, t in chunks) if chunks else entry.get("text", "")
            if entry.get("dropped"):
                text = f"[{entry['dropped']} earlier characters dropped]\n" + text
            head = f"attempt {entry.get('attempt', '')}"
        else:
            text, head = str(entry), ""
        parts.append(f"<h3>{escape(head)}</h3><pre class=logs>{escape(str(text))}</pre>")
    return "<h2>Logs</h2>" + "".join(parts)


def action_body(d: dict[str, Any], interactive: bool = True) -> str:
    a = d["action"]
    attempts = "".join(
        f"<tr><td>{t.get('attempt')}</td><td>{_phase(t.get('phase', ''))}</td>"
        f"<td>{_when(t.get('started_at'))}</td>"
        f"<td>{escape(str(t.get('error_type') or ''))}</td>"
        f"<td>{escape(str(t.get('message') or ''))}"
        + (f"<pre>{escape(t['traceback'])}</pre>" if t.get("traceback") else "")
        + "</td></tr>"
        for t in d["attempts"]
    )
    deck = ""
    if d["decks"] and interactive:
        src = action_link(d["run"]["name"], a["id"]) + "/deck"
        names = ", ".join(escape(x["name"]) for x in d["decks"])
        deck = (
            f"<h2>Decks</h2><p class=meta>{names}</p>"
            f'<iframe class="deck" sandbox src="{src}" title="decks"></iframe>'
        )
    elif d["decks"]:
        deck = (
            "<h2>Decks</h2><ul>"
            + "".join(f"<li>{escape(x['name'])}: {escape(x['uri'])}</li>" for x in d["decks"])
            + "</ul>"
        )
    return (
        f"<h1>{escape(a['id'])} {_phase(a['phase'])}</h1>"
        f'<p class="meta">{escape(a["kind"])} {escape(a["task"])} · '
        f"{_secs(a['duration'])} · cache {escape(a['cache'] or '—')}</p>"
        f"{_error_block(a['error'])}"
        "<h2>Attempts</h2><table class=attempts><tr><th>#</th><th>phase</th><th>started</th>"
        f"<th>error</th><th>message</th></tr>{attempts}</table>"
        f"{values_table('Inputs', d['inputs'])}{values_table('Outputs', d['outputs'])}{_logs(d['logs'])}"
        + deck
    )


def action_page(d: dict[str, Any]) -> str:
    crumb = f'<p><a href="{run_link(d["run"]["name"])}">← {escape(d["run"]["name"])}</a></p>'
    return _page(d["action"]["id"], crumb + action_body(d), data={"page": "action"})


def not_found(message: str) -> str:
    return _page("Not found", f'<h1>Not found</h1><p class="error">{escape(message)}</p>')


# ---------------------------------------------------------------- the offline report
def report(detail: dict[str, Any], actions: list[dict[str, Any]]) -> str:
    """One self-contained HTML file: graph, timeline and every action's details."""
    run = detail["run"]
    sections = "".join(
        f'<details id="{escape(x["action"]["id"])}"><summary>{escape(x["action"]["id"])} '
        f"{escape(x['action']['task'])} {_phase(x['action']['phase'])}</summary>"
        f"{action_body(x, interactive=False)}</details>"
        for x in actions
    )
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>{escape(run['name'])} · flytelike report</title>"
        f"<style>{asset('ui.css')}</style></head><body><main>"
        f"{run_body(detail, interactive=False)}<h2>Actions</h2>{sections}"
        f'<p class="meta">report written {_when(time.time())}</p></main></body></html>'
    )
