"""``Iterator[T]``, ``FlytePickle`` and ``BatchSize`` between tasks of a workflow, run directly
and by ``flytelike run`` (the type-level behaviour: tests/typesystem/test_iterators_and_pickles)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from flytelike.cli import main
from flytelike.engine import Engine
from tests.compiler import kit_values_wfs as wfs


def test_special_values_travel_between_tasks(flytelike_engine: Engine) -> None:
    run = flytelike_engine.run(wfs.values_wf, n=5)
    assert run.outputs() == ([5, 4], 15, 10, 5)
    # the batched list is stored as 3 pickles of up to 2 points, not 5
    (points,) = [a for a in run.actions() if a.name.endswith("points")]
    stored = run.action_outputs(points.action_id)
    assert stored is not None and len(stored["o0"].items) == 3  # type: ignore[attr-defined]


def test_flytelike_run_runs_it(flytelike_home: Path) -> None:
    r = CliRunner().invoke(main, ["run", str(Path(wfs.__file__)), "values_wf", "--n", "4"])
    assert r.exit_code == 0, (r.output, r.exception)
    assert json.loads(r.stdout) == {"o0": [4, 3], "o1": 10, "o2": 6, "o3": 4}
