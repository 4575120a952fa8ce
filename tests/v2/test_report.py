"""``flyte.report.Report`` and ``current_report()`` as flyte 2.12 has them: inside a running task
the report the module functions write (its ``tabs``, ``get_tab``, ``has_content``,
``get_final_report``; also ``flyte.ctx().report``); outside a task a new dummy report whose
content goes nowhere (spec/v2-api.md §22)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import flytelike as flyte
from flytelike.report import Report, Tab, current_report

env = flyte.TaskEnvironment("report")


@env.task(report=True)
async def writes() -> dict[str, list[str]]:
    report = current_report()
    assert isinstance(report, Report) and report == flyte.ctx().report
    assert report.name == flyte.ctx().action.name  # type: ignore[union-attr]
    assert list(report.tabs) == ["main"] and not report.has_content()
    await flyte.report.log.aio("<p>one</p>")
    report.get_tab("main").log("<p>two</p>")
    flyte.report.get_tab("Tab 2").log("<i>2</i>")
    report.get_tab("Tab 3").replace("<b>3</b>")
    with pytest.raises(ValueError, match="'nope' does not exist"):
        report.get_tab("nope", create_if_missing=False)
    assert report.has_content() and report.get_tab("default").content == [
        "<p>one</p>",
        "<p>two</p>",
    ]
    page = report.get_final_report()
    assert "<i>2</i>" in page and "<b>3</b>" in page and "<p>two</p>" in page
    flyte.report.replace("<p>only</p>")
    return {name: tab.content for name, tab in current_report().tabs.items()}


def test_the_running_tasks_report_is_what_the_functions_write() -> None:
    run = flyte.run(writes)
    assert run.outputs()[0] == {
        "main": ["<p>only</p>"],
        "Tab 2": ["<i>2</i>"],
        "Tab 3": ["<b>3</b>"],
    }
    tabs = [tab for _, tab, _ in run.decks()]
    assert {"main", "Tab 2", "Tab 3"} <= set(tabs) and "default" not in tabs
    text = Path(run.decks()[0][2].removeprefix("file://")).read_text()
    assert "<p>only</p>" in text and "<i>2</i>" in text and "<b>3</b>" in text
    assert re.search(r'<label for="tab\d+-main">main</label>', text)  # labelled as in flyte


@env.task
async def untouched() -> list[str]:
    return list(current_report().tabs)


def test_reading_an_untouched_report_adds_no_tab() -> None:
    run = flyte.run(untouched)
    assert run.outputs()[0] == ["main"]
    assert not {"main", "default"} & {tab for _, tab, _ in run.decks()}


def test_outside_a_task_a_new_dummy_report() -> None:
    report = current_report()
    assert report.name == "dummy" and list(report.tabs) == ["main"]
    assert current_report() is not report and flyte.ctx().report is None
    flyte.report.log("<p>dropped</p>")
    assert not current_report().has_content()
    assert flyte.report.get_tab("x").content == []
    with pytest.raises(ValueError):
        flyte.report.get_tab("x", create_if_missing=False)


def test_a_standalone_report_keeps_its_tabs() -> None:
    report = Report("mine")
    report.get_tab("main").log("<p>a</p>")
    report.get_tab("extra").log("<p>b</p>")
    assert list(report.tabs) == ["main", "extra"] and report.has_content()
    assert report.tabs["extra"].get_html() == "<p>b</p>"
    assert "<p>a</p>" in report.get_final_report()
    tab = Tab("t")
    tab.log("x")
    tab.replace("y")
    assert tab.name == "t" and tab.content == ["y"]


@env.task(report=True)
async def child_page(name: str) -> str:
    flyte.report.get_tab("Child").log(f"<h2>child of {name}</h2>")
    await flyte.report.flush.aio()
    return name


@env.task(report=True)
async def parent_page(name: str) -> str:
    flyte.report.get_tab("Parent").log(f"<h1>hello {name}</h1>")
    await flyte.report.flush.aio()
    return await child_page(name)


def test_reports_read_back_from_the_run_and_its_actions() -> None:
    """flyte 2's Run.get_report() (the root action's page) and remote Action.get_report()."""
    from flytelike.errors import RuntimeUserError
    from flytelike.remote import Action
    from flytelike.remote import Run as RemoteRun

    run = flyte.run(parent_page, name="ada")
    run.wait()
    root = run.get_report()
    assert "<h1>hello ada</h1>" in root and "child of" not in root
    assert RemoteRun.get(run.name).get_report() == root
    (child,) = [a for a in Action.listall(for_run_name=run.name) if a.parent]
    assert "<h2>child of ada</h2>" in child.get_report() == child.get_report(attempt=1)
    with pytest.raises(RuntimeUserError, match="latest attempt only"):
        child.get_report(attempt=2)
    with pytest.raises(RuntimeUserError, match="no report is available"):
        flyte.run(untouched).get_report()
