"""The UI's pages, JSON API, errors and security rules over real HTTP (no browser)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from flytelike.cli import main
from flytelike.engine import Engine
from flytelike.errors import ConfigurationError
from flytelike.ui import UIServer, run_html, serve


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str, Any]:
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, r.read().decode(), r.headers
    except urllib.error.HTTPError as e:
        with e:
            return e.code, e.read().decode(), e.headers


def _post(url: str, body: dict[str, Any], header: bool = True) -> tuple[int, dict[str, Any]]:
    headers = {"Content-Type": "application/json"}
    if header:
        headers["X-Flytelike"] = "1"
    req = urllib.request.Request(url, json.dumps(body).encode(), headers, method="POST")
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        with e:
            return e.code, json.loads(e.read())


def test_runs_page_lists_runs_and_filters(server: UIServer, recorded: dict[str, str]) -> None:
    status, page, _ = _get(server.url)
    assert status == 200
    assert recorded["ok"] in page and recorded["failed"] in page
    status, page, _ = _get(server.url + "?phase=FAILED")
    assert recorded["failed"] in page and recorded["ok"] not in page
    entity = json.loads(_get(server.url + "api/runs")[1])[0]["entity"]
    assert entity.endswith("ui_wfs.squares_then_check")
    status, body, _ = _get(server.url + f"api/runs?entity={entity}")
    assert {r["name"] for r in json.loads(body)} == set(recorded.values())
    assert json.loads(_get(server.url + "api/runs?entity=nothing.like.it")[1]) == []
    status, body, _ = _get(server.url + "api/runs?since=3600")
    assert len(json.loads(body)) == 2


def test_run_page_shows_the_graph_by_phase_timeline_and_map_progress(
    server: UIServer, recorded: dict[str, str]
) -> None:
    status, page, _ = _get(server.url + f"runs/{recorded['failed']}")
    assert status == 200
    assert 'class="node phase-FAILED" data-node="n2"' in page
    assert 'class="node phase-SUCCEEDED" data-node="n1"' in page
    assert "4/4 items" in page
    assert "ValueError" in page and "total 14 is over the limit" in page
    detail = json.loads(_get(server.url + f"api/runs/{recorded['failed']}")[1])
    assert detail["run"]["phase"] == "FAILED"
    assert detail["maps"] == {"n1": {"total": 4, "done": 4, "failed": 0}}
    assert [n["id"] for n in detail["graph"]["nodes"]] == ["n0", "n1", "n2"]
    assert detail["graph"]["edges"] == [["n0", "n1"], ["n1", "n2"]]


def test_action_page_shows_error_traceback_inputs_and_attempts(
    server: UIServer, recorded: dict[str, str]
) -> None:
    status, page, _ = _get(server.url + f"runs/{recorded['failed']}/actions/n2")
    assert status == 200
    assert "total 14 is over the limit" in page
    assert "ui_wfs.py" in page  # the user frame of the traceback
    data = json.loads(_get(server.url + f"api/runs/{recorded['failed']}/actions/n2")[1])
    assert data["inputs"] == {"xs": [0, 1, 4, 9]}
    assert data["outputs"] is None
    assert data["attempts"][0]["phase"] == "FAILED"
    ok = json.loads(_get(server.url + f"api/runs/{recorded['ok']}/actions/n2")[1])
    assert ok["outputs"] == {"o0": 5}


def test_unknown_runs_and_pages_are_404_with_a_message(server: UIServer) -> None:
    status, page, _ = _get(server.url + "runs/r-nope")
    assert status == 404 and "no run named &#x27;r-nope&#x27;" in page
    status, body, _ = _get(server.url + "api/runs/r-nope")
    assert status == 404 and json.loads(body) == {"error": "no run named 'r-nope'"}
    status, _, _ = _get(server.url + "elsewhere")
    assert status == 404
    status, body = _post(server.url + "api/runs/r-nope/abort", {})
    assert status == 404 and "r-nope" in body["error"]


def test_posts_need_the_header_and_valid_bodies(server: UIServer, recorded: dict[str, str]) -> None:
    status, body = _post(server.url + f"api/runs/{recorded['ok']}/abort", {}, header=False)
    assert status == 403 and "X-Flytelike" in body["error"]
    status, body = _post(server.url + f"api/runs/{recorded['ok']}/signal", {"name": "x"})
    assert status == 409 and "needs" in body["error"]
    status, body = _post(server.url + f"api/runs/{recorded['ok']}/abort", {})
    assert status == 409  # a finished run cannot be aborted; the engine says why


def test_non_loopback_needs_a_token(engine: Engine) -> None:
    with pytest.raises(ConfigurationError, match="not a loopback address"):
        serve(engine, host="0.0.0.0", port=0)
    s = serve(engine, host="127.0.0.1", port=0, token="s3cret")
    s.start()
    try:
        assert _get(s.url)[0] == 401
        assert _get(s.url, {"Authorization": "Bearer wrong"})[0] == 401
        assert _get(s.url, {"Authorization": "Bearer s3cret"})[0] == 200
        assert _get(s.url, {"Cookie": "flytelike_token=s3cret"})[0] == 200
        opener = urllib.request.build_opener(_NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as redirect:
            opener.open(s.url + "?token=s3cret")
        with redirect.value:
            assert redirect.value.code == 303
            assert "flytelike_token=s3cret" in redirect.value.headers["Set-Cookie"]
    finally:
        s.shutdown()
        s.server_close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any) -> None:
        return None


def test_report_is_self_contained(engine: Engine, recorded: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "run.html"
    engine.store.flush()  # the CLI reads the store with an engine of its own
    result = CliRunner().invoke(main, ["runs", "report", recorded["failed"], "-o", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert "<script" not in html and "http://" not in html.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )
    assert "<svg" in html and "timeline" in html and "total 14 is over the limit" in html
    assert "checking total 14" in html  # the failed task's captured output
    bad = CliRunner().invoke(main, ["runs", "report", "r-nope"])
    assert bad.exit_code == 1 and "no run named 'r-nope'" in bad.output


def test_notebook_view(engine: Engine, recorded: dict[str, str]) -> None:
    html = run_html(engine, recorded["ok"])
    assert "SUCCEEDED" in html and "<svg" in html
    assert engine.get_run(recorded["ok"])._repr_html_() == html


def test_the_ui_benchmark_runs_and_reports_its_floor(run_benchmarks: Any) -> None:
    proc = run_benchmarks("ui", "--quick", "--no-flytekit", timeout=300)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["store"]["runs"] == 1000 and doc["store"]["nodes_in_big_run"] == 100
    assert set(doc["results"]) == {
        "runs_page_10000_runs",
        "run_page_1000_nodes",
        "floor_static_asset",
    }
    assert doc["floors"]["static_asset_s"] > 0


def test_graph_of_a_run_is_coloured_by_phase(engine: Engine, recorded: dict[str, str]) -> None:
    engine.store.flush()
    out = CliRunner().invoke(main, ["graph", "--run", recorded["failed"]])
    assert out.exit_code == 0, out.output
    assert "classDef failed fill:#c62828,color:#fff" in out.output
    assert "  class n2 failed" in out.output and "  class n0 succeeded" in out.output
    dot = CliRunner().invoke(main, ["graph", "--run", recorded["failed"], "--format", "dot"])
    assert 'n2 [label="n2: check", shape=box, style=filled, fillcolor="#c62828"' in dot.output
    missing = CliRunner().invoke(main, ["graph", "--run", "r-nope"])
    assert missing.exit_code == 1 and "no run named 'r-nope'" in missing.output
    both = CliRunner().invoke(main, ["graph", "x.py", "wf", "--run", recorded["failed"]])
    assert both.exit_code == 2 and "not both" in both.output


def test_a_deck_is_served_sandboxed_and_only_when_written(
    server: UIServer, engine: Engine, recorded: dict[str, str]
) -> None:
    from . import ui_wfs

    run = engine.run(ui_wfs.with_deck, x=2)
    (action,) = {a for a, _, _ in run.decks()}
    status, page, headers = _get(server.url + f"runs/{run.name}/actions/{action}/deck")
    assert status == 200 and "squared it" in page
    assert headers["Content-Security-Policy"].startswith("sandbox")
    status, page, _ = _get(server.url + f"runs/{recorded['ok']}/actions/n2/deck")
    assert status == 404 and "wrote no deck" in page


def test_notebook_views_of_tasks_workflows_and_runs_with_decks(engine: Engine) -> None:
    from . import ui_wfs

    task_html = ui_wfs.check._repr_html_()
    assert "<code>" in task_html and "ui_wfs.check" in task_html
    assert "<th>xs</th><td>list[int]</td><td>required</td>" in task_html
    wf_html = ui_wfs.squares_then_check._repr_html_()
    assert wf_html.count('class="node phase-NONE"') == 3  # the graph, nothing run yet
    run = engine.run(ui_wfs.with_deck, x=3)
    run_view = run._repr_html_()
    assert "<h2>Outputs</h2>" in run_view and "<pre>9</pre>" in run_view
    assert "<iframe sandbox srcdoc=" in run_view and "squared it" in run_view


def test_flytelike_run_prints_where_the_decks_are(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    script = Path(__file__).with_name("ui_wfs.py")
    env = {**os.environ, "FLYTELIKE_HOME": str(tmp_path / "home"), "FLYTELIKE_NO_PROGRESS": "1"}
    out = subprocess.run(
        [sys.executable, "-m", "flytelike", "run", str(script), "with_deck", "--x", "2"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    (line,) = [x for x in out.stderr.splitlines() if x.startswith("deck of ")]
    path = Path(line.split(": ", 1)[1])
    assert path.is_file() and "squared it" in path.read_text()


def test_timeline_shows_each_attempt(server: UIServer, engine: Engine, tmp_path: Path) -> None:
    from . import ui_wfs

    run = engine.run(ui_wfs.flaky_once, path=str(tmp_path / "marker"))
    assert run.outputs() == 1
    detail = json.loads(_get(server.url + f"api/runs/{run.name}")[1])
    (tries,) = detail["attempts"].values()
    assert [t["phase"] for t in tries] == ["RETRYABLE_FAILED", "SUCCEEDED"]
    page = _get(server.url + f"runs/{run.name}")[1]
    assert "2 attempts" in page and "attempt 0: RETRYABLE_FAILED" in page
