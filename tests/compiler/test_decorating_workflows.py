"""flytekit's "decorating workflows" pattern: a decorator under ``@workflow`` that adds a setup
node before the wrapped workflow's first node and a teardown node after its last, with
``create_node`` and ``>>`` on ``FlyteContextManager.current_context().compilation_state.nodes``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from flytelike.cli import main
from tests.compiler import decorated_wfs as wfs


@pytest.fixture
def order_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    log = tmp_path / "order.log"
    monkeypatch.setenv("ORDER_LOG", str(log))
    return log


def test_the_nodes_and_their_edges() -> None:
    from flytelike.ir import TaskNode

    tmpl = wfs.wrapped.template()
    targets = [n.target for n in tmpl.nodes]
    assert all(isinstance(t, TaskNode) for t in targets)
    order = [t.task.name.rsplit(".", 1)[-1] for t in targets]  # type: ignore[union-attr]
    assert order == ["start_service", "minus_one", "square", "stop_service"]
    start, minus, sq, stop = tmpl.nodes
    assert start.id in minus.upstream  # the setup runs before the first node ...
    assert sq.id in stop.upstream  # ... and the teardown after the last
    assert minus.id in sq.upstream  # (a data dependency, from the workflow body)


def test_the_wrapped_workflow_runs_between_setup_and_teardown(
    flytelike_home: Path, order_log: Path
) -> None:
    assert wfs.wrapped(x=3.0) == 4.0
    assert order_log.read_text().split() == ["start", "minus_one", "square", "stop"]


def test_flytelike_run_runs_it(flytelike_home: Path, order_log: Path) -> None:
    r = CliRunner().invoke(main, ["run", str(Path(wfs.__file__)), "wrapped", "--x", "5"])
    assert r.exit_code == 0, (r.output, r.exception)
    assert json.loads(r.stdout) == {"o0": 16.0}
    assert order_log.read_text().split() == ["start", "minus_one", "square", "stop"]
