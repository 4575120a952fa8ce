"""Tests of the sales pipeline: tasks are called directly, the database task is mocked, and
every run lands in a per-test FLYTELIKE_HOME (the ``flytelike_home`` fixture)."""

from __future__ import annotations

import pytest
from sales import Order, daily_report, fetch_orders, paid_only, totals_by_region

from flytelike.testing import patch, task_mock

ORDERS = [Order("eu", 10.0, True), Order("eu", 5.0, False), Order("us", 2.5, True)]


def test_tasks_are_plain_to_call(flytelike_home):
    assert paid_only(orders=ORDERS) == [ORDERS[0], ORDERS[2]]
    assert totals_by_region(orders=ORDERS) == {"eu": 15.0, "us": 2.5}


@pytest.mark.usefixtures("flytelike_home")
@patch(fetch_orders)
def test_the_workflow_with_the_database_mocked(mock_fetch):
    mock_fetch.return_value = ORDERS
    assert daily_report(day="2026-12-04") == {"eu": 10.0, "us": 2.5}
    mock_fetch.assert_called_once_with(day="2026-12-04")


def test_the_run_is_recorded(flytelike_engine):
    with task_mock(fetch_orders) as m:
        m.return_value = ORDERS[:1]
        run = flytelike_engine.run(daily_report, day="2026-12-03")
    assert run.outputs() == {"eu": 10.0}
    assert run.phase.name == "SUCCEEDED"
    assert len(run.actions()) == 3


def test_without_the_mock_the_failure_names_the_task(flytelike_home):
    with pytest.raises(Exception, match="needs the orders database"):
        daily_report(day="2026-12-04")
