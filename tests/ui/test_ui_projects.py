"""The runs page filters by project and domain (issue 15; issue 13, item 10), in headless
Chromium (fixtures of ``test_ui_browser``), and the JSON API takes the same filters."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

from flytelike.engine import Engine
from flytelike.engine._convert import inputs_to_literals
from flytelike.engine._index import ClosureIndex, to_closure
from flytelike.ui import UIServer

from . import ui_wfs
from .test_ui_browser import _shot, browser, page  # noqa: F401  (the browser fixtures)


def _run_in(engine: Engine, project: str, domain: str) -> str:
    closure = to_closure(ui_wfs.square)
    iface = ClosureIndex(closure).primary().interface
    inputs = inputs_to_literals("square", iface, None, {"x": 3})
    return engine.run_literals(closure, inputs, project=project, domain=domain).name


def test_runs_page_filters_by_project_and_domain(
    page: Any,  # noqa: F811
    server: UIServer,
    engine: Engine,
) -> None:
    ml = _run_in(engine, "ml", "development")
    ml_prod = _run_in(engine, "ml", "production")
    web = _run_in(engine, "web", "development")
    page.goto(server.url)
    assert page.locator("#runs-body tr").count() == 3
    assert page.locator(f"#runs-body tr[data-run='{web}'] td.ns").inner_text() == (
        "web/development"
    )
    page.fill("input[name=project]", "ml")
    page.click("#filters button")
    page.wait_for_url("**project=ml**")
    shown = page.locator("#runs-body tr")
    names = {shown.nth(i).get_attribute("data-run") for i in range(shown.count())}
    assert names == {ml, ml_prod}
    assert page.locator("input[name=project]").input_value() == "ml"  # the form keeps it
    page.fill("input[name=domain]", "production")
    page.click("#filters button")
    page.wait_for_url("**domain=production**")
    assert page.locator("#runs-body tr").count() == 1
    assert page.locator(f"#runs-body tr[data-run='{ml_prod}']").count() == 1
    _shot(page, "runs-project-filter")
    page.fill("input[name=project]", "nobody")
    page.click("#filters button")
    page.wait_for_url("**project=nobody**")
    assert page.locator("#runs-body td.empty").inner_text() == "no runs match"

    with urllib.request.urlopen(server.url + "api/runs?project=web") as r:
        rows = json.loads(r.read())
    assert [(x["name"], x["project"], x["domain"]) for x in rows] == [(web, "web", "development")]
