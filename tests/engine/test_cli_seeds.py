"""The seeds' v1 examples through ``flytelike run`` (their direct calls are tested in
``tests/compiler/test_seed_examples.py``), with the documented results."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from flytelike.cli import main
from flytelike.engine import Engine

SEEDS = Path(__file__).parent.parent / "compiler" / "seed_examples"

CASES = [
    ("s001_core_concepts", "my_workflow", ["--a", "1", "--b", "2", "--c", "3", "--m", "4", "--n", "5"], {"o0": -14}),
    ("s001_subworkflows", "regression_line_wf", [], {"o0": -4.5}),
    ("s001_subworkflows", "nested_regression_line_wf", [], {"o0": -4.5}),
    ("s001_subworkflows", "slope_intercept_wf", ["--x", "[-3, 0, 3]", "--y", "[7, 4, -2]"], {"o0": -1.5, "o1": 3.0}),
    ("s001_subworkflows", "wf", [], {"o0": [3, 6, 9]}),
    ("s001_dynamic", "start_wf", ["--s1", "Pear", "--s2", "Earth"], {"o0": 3}),
    ("s001_dynamic", "merge_sort", ["--numbers", "[5, 3, 9, 1, 7, 2, 8, 6, 4, 0, 11, 10]"], {"o0": list(range(12))}),
    ("s001_imperative", "imperative_wf", ["--x", "[-3, 0, 3]", "--y", "[7, 4, -2]"], None),
    ("s001_map_tasks", "map_interest_wf", [], {"o0": [50.0, 400.0, 900.0]}),
    ("s001_map_tasks", "map_interest_fixed_principal_wf", [], {"o0": [50.0, 80.0, 90.0]}),
    ("s001_named_outputs", "simple_wf_with_partial", ["--x", "[-3, 0, 3]", "--y", "[7, 4, -2]"], {"o0": -1.5}),
    ("s001_named_outputs", "inline_named_wf", ["--x", "4"], None),
    ("s001_launch_plans", "lp_with_fixed", ["--b", "x"], {"o0": "Result: 100 and x"}),
    ("s001_launch_plans", "lp_combined", [], {"o0": "Result: 200 and default_string"}),
    ("s001_launch_plans", "fixed_rate_lp", [], {"o0": 12}),
    ("s001_task_settings", "wf", [], {"o0": 3}),
]  # fmt: skip


@pytest.mark.parametrize(("module", "entity", "args", "expected"), CASES)
def test_seed_example_runs_from_the_cli(
    engine: Engine, module: str, entity: str, args: list[str], expected: dict | None
) -> None:
    r = CliRunner().invoke(main, ["run", str(SEEDS / f"{module}.py"), entity, *args])
    assert r.exit_code == 0, (r.output, r.exception)
    out = json.loads(r.stdout)
    if expected is not None:
        assert out == expected
    else:
        assert len(out) == 1


def test_imperative_and_named_outputs_values(engine: Engine) -> None:
    r = CliRunner().invoke(
        main, ["run", str(SEEDS / "s001_imperative.py"), "imperative_wf", "--x", "[-3, 0, 3]",
               "--y", "[7, 4, -2]"],
    )  # fmt: skip
    assert list(json.loads(r.stdout).values()) == [3.0]
    r = CliRunner().invoke(main, ["run", str(SEEDS / "s001_named_outputs.py"), "inline_named_wf",
                                  "--x", "4"])  # fmt: skip
    assert list(json.loads(r.stdout).values()) == ["4"]


def test_reference_example_needs_a_mock(engine: Engine) -> None:
    r = CliRunner().invoke(
        main, ["run", str(SEEDS / "s001_reference.py"), "wf", "--a", "1", "--b", "2"]
    )
    assert r.exit_code == 1 and "cannot run locally" in r.output
    r = CliRunner().invoke(
        main, ["run", str(SEEDS / "s001_container_task.py"), "greeting_wf", "--name", "x"]
    )
    assert r.exit_code == 1 and "cannot run containers" in r.output
