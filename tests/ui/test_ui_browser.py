"""The UI driven in a real headless Chromium (the system's, through Playwright): the runs
page, a failed run with its traceback and logs, aborting a running run, approving a gate.
Screenshots go to ``test-artifacts/ui/`` (kept after the run)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from flytelike.engine import Engine
from flytelike.ui import UIServer

from . import ui_wfs

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "ui"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str:
    """The system's Chromium; on a machine without it where we are root (a fresh CI machine,
    a container), install it from the system packages as `.ci/run` does."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, timeout=600)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "chromium"],
            env=env,
            capture_output=True,
            timeout=900,
        )
        path = shutil.which("chromium")
    assert path, (
        "the UI tests drive headless Chromium from the system packages: "
        "install it (`sudo apt-get install chromium`) and run the tests again"
    )
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=_chromium(), args=CHROMIUM_FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    yield pg
    context.close()


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_runs_page_and_filter(page: Any, server: UIServer, recorded: dict[str, str]) -> None:
    page.goto(server.url)
    rows = page.locator("#runs-body tr")
    assert rows.count() == 2
    _shot(page, "runs")
    page.select_option("select[name=phase]", "FAILED")
    page.click("#filters button")
    page.wait_for_url("**phase=FAILED**")
    assert page.locator("#runs-body tr").count() == 1
    assert page.locator(f"#runs-body tr[data-run='{recorded['failed']}']").count() == 1


def test_a_failed_run_its_traceback_and_logs(
    page: Any, server: UIServer, recorded: dict[str, str]
) -> None:
    page.goto(server.url)
    page.click(f"text={recorded['failed']}")
    page.wait_for_url(f"**/runs/{recorded['failed']}")
    assert page.locator("h1 .phase").inner_text() == "FAILED"
    assert page.locator("g.node.phase-FAILED").get_attribute("data-node") == "n2"
    assert "4/4 items" in page.locator(".timeline").inner_text()
    _shot(page, "failed-run")
    page.locator("g.node.phase-FAILED").click()
    page.wait_for_url("**/actions/n2")
    text = page.locator("main").inner_text()
    assert "total 14 is over the limit" in text
    assert "ui_wfs.py" in text  # the traceback's user frame
    assert "checking total 14" in page.locator("pre.logs").inner_text()
    _shot(page, "failed-action")


def _wait(predicate: Any, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_abort_a_running_run(page: Any, server: UIServer, engine: Engine) -> None:
    run = engine.run(ui_wfs.slow, seconds=1.5, wait=False)
    _wait(lambda: any(a.phase == "RUNNING" for a in run.actions()))
    page.goto(server.url + f"runs/{run.name}")
    assert page.locator("h1 .phase").inner_text() in ("RUNNING", "QUEUED")
    page.click("button:has-text('abort')")
    page.wait_for_selector("#status:has-text('aborted')")
    # The page follows the run live and shows the final phase.
    page.wait_for_selector("h1 .phase:has-text('ABORTED')", timeout=30_000)
    assert run.wait(timeout=30).phase.value == "ABORTED"
    _shot(page, "aborted-run")


def test_approve_a_gate(page: Any, server: UIServer, engine: Engine) -> None:
    run = engine.run(ui_wfs.reviewed, n=3, wait=False)
    _wait(lambda: any(g[4] == "WAITING" for g in engine.store.gates(run.name)))
    page.goto(server.url + f"runs/{run.name}")
    _shot(page, "gate-waiting")
    page.click("button:has-text('approve review')")
    page.wait_for_selector("h1 .phase:has-text('SUCCEEDED')", timeout=30_000)
    assert run.wait(timeout=30).outputs() == 3
    _shot(page, "gate-approved")


def test_deck_page_has_styled_tabs_that_switch(page: Any, engine: Engine) -> None:
    run = engine.run(ui_wfs.with_deck, x=3)
    (deck_uri,) = {uri for _, _, uri in run.decks()}
    page.goto(deck_uri)
    labels = [t.inner_text() for t in page.locator(".tabs > label").all()]
    assert labels == ["Inputs", "Outputs", "Source", "Timeline", "Notes"]
    assert page.locator("section[data-tab='Inputs']").is_visible()
    assert not page.locator("#note").is_visible()
    page.click("label:has-text('Notes')")
    assert page.locator("#note").is_visible()
    assert not page.locator("section[data-tab='Inputs']").is_visible()
    _shot(page, "deck-tabs")


def test_the_action_page_shows_its_deck_inline(page: Any, server: UIServer, engine: Engine) -> None:
    run = engine.run(ui_wfs.with_deck, x=4)
    (action,) = {a for a, _, _ in run.decks()}
    page.goto(server.url + f"runs/{run.name}/actions/{action}")
    frame = page.frame_locator("iframe.deck")
    frame.locator("label:has-text('Notes')").click()
    assert frame.locator("#note").inner_text() == "squared it"
    _shot(page, "action-deck")


def test_deck_source_tab_shows_the_task_function(page: Any, engine: Engine) -> None:
    run = engine.run(ui_wfs.with_deck, x=5)
    (deck_uri,) = {uri for _, _, uri in run.decks()}
    page.goto(deck_uri)
    page.click("label:has-text('Source')")
    assert (
        "def with_deck(x: int) -> int:" in page.locator("section[data-tab='Source']").inner_text()
    )


def test_the_run_report_draws_its_timeline_offline(
    page: Any, engine: Engine, recorded: dict[str, str], tmp_path: Path
) -> None:
    from flytelike.ui import render_report

    report = tmp_path / "run.html"
    report.write_text(render_report(engine, recorded["failed"]))
    # Offline: the page may fetch nothing but itself.
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url))
    page.goto(report.as_uri())
    assert fetched == [report.as_uri()]
    chart = page.locator(".timeline svg.gantt")
    rows = chart.locator("g.row")
    assert [rows.nth(i).get_attribute("data-row") for i in range(rows.count())] == [
        "n0 numbers",
        "n1 square",
        "n2 check",
    ]
    failed = rows.nth(2).locator("rect.bar")
    assert failed.get_attribute("fill") == "#c62828"
    assert failed.locator("title").text_content().startswith("n2: FAILED")
    assert "4/4 items" in rows.nth(1).text_content()
    assert chart.bounding_box()["width"] > 600
    chart.screenshot(path=str(_artefact("report-timeline")))
    _shot(page, "report")


def test_the_timeline_shows_each_attempt(
    page: Any, server: UIServer, engine: Engine, tmp_path: Path
) -> None:
    run = engine.run(ui_wfs.flaky_once, path=str(tmp_path / "marker"))
    page.goto(server.url + f"runs/{run.name}")
    bars = page.locator(".timeline g.row rect.bar")
    assert bars.count() == 2
    titles = [bars.nth(i).locator("title").text_content() for i in range(2)]
    assert titles[0].startswith("attempt 0: RETRYABLE_FAILED")
    assert titles[1].startswith("attempt 1: SUCCEEDED")
    first, second = (bars.nth(i).bounding_box() for i in range(2))
    assert first["x"] + first["width"] <= second["x"] + 1  # the retry comes after
    page.locator(".timeline").screenshot(path=str(_artefact("timeline-attempts")))


def _artefact(name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / f"{name}.png"


def test_deck_timeline_tab_draws_the_attempt_stages(page: Any, engine: Engine) -> None:
    run = engine.run(ui_wfs.with_deck, x=6)
    (deck_uri,) = {uri for _, _, uri in run.decks()}
    page.goto(deck_uri)
    tab = page.locator("section[data-tab='Timeline']")
    assert not tab.is_visible()
    page.click("label:has-text('Timeline')")
    assert tab.is_visible()
    rows = tab.locator("svg.gantt g.row")
    assert [rows.nth(i).get_attribute("data-row") for i in range(rows.count())] == [
        "inputs to Python values",
        "task body",
        "outputs to literals",
    ]
    body = rows.nth(1).locator("rect.bar").bounding_box()
    inputs = rows.nth(0).locator("rect.bar").bounding_box()
    assert body["x"] >= inputs["x"] and body["width"] > 0  # the body comes after its inputs
    assert " UTC, " in tab.inner_text() and "in all" in tab.inner_text()
    ticks = [t.text_content() for t in tab.locator("svg.gantt g.axis text").all()]
    assert len(set(ticks)) == len(ticks)  # (sub-millisecond ticks stay apart)
    _shot(page, "deck-timeline")
