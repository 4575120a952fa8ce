"""Engine semantics over real compiled workflows: the v1 scenarios, branches, subworkflows,
launch plans, map, dynamic recursion, ``>>``, failure policies, context, events, store."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from flytelike import engine as eng
from flytelike.engine import (
    Engine,
    NodePhase,
    PhaseEvent,
    RunFailedError,
    RunNotFoundError,
    WorkflowPhase,
)
from tests.engine import wfs


def test_my_workflow(engine: Engine) -> None:
    assert engine.run(wfs.my_workflow, a=1, b=2, c=3, m=4, n=5).outputs() == -14


def test_regression_line_defaults_and_subworkflow(engine: Engine) -> None:
    run = engine.run(wfs.regression_line_wf)
    assert run.outputs() == -4.5
    ids = {a.action_id for a in run.actions()}
    assert {"n0", "n0/n0", "n0/n1", "n1"} <= ids


def test_tuple_outputs(engine: Engine) -> None:
    assert engine.run(wfs.slope_intercept_wf, x=[-3, 0, 3], y=[7, 4, -2]).outputs() == (-1.5, 3.0)


@pytest.mark.parametrize(("x", "expected"), [(20, 400), (3, 4), (-2, 2)])
def test_branch(engine: Engine, x: int, expected: int) -> None:
    run = engine.run(wfs.branchy, x=x)
    assert run.outputs() == expected
    assert sum(1 for a in run.actions() if a.kind == "task") == 1  # only the chosen case ran


def test_map_workflow(engine: Engine) -> None:
    assert engine.run(wfs.map_workflow).outputs() == [
        False,
        True,
        False,
        False,
        True,
        True,
        True,
        False,
        True,
        False,
    ]


def test_launch_plans(engine: Engine) -> None:
    assert engine.run(wfs.lp_parent).outputs() == [11, 12, 13]
    assert engine.run(wfs.sub_lp, a=1).outputs() == 11
    assert engine.run(wfs.fixed_lp, b=1).outputs() == 101
    with pytest.raises(ValueError, match="fixed"):
        engine.run(wfs.fixed_lp, a=1, b=1)


def test_dynamic_recursion(engine: Engine) -> None:
    numbers = [9, 3, 7, 1, 8, 2, 6, 4, 5, 0, 11, 10]
    run = engine.run(wfs.merge_sort, numbers=numbers, threshold=3)
    assert run.outputs() == sorted(numbers)
    assert any(a.action_id.count("/") >= 2 for a in run.actions())


def test_upstream_edges_are_honoured(engine: Engine, tmp_path: Path) -> None:
    run = engine.run(wfs.ordered, path=str(tmp_path))
    assert run.phase is WorkflowPhase.SUCCEEDED
    order = sorted(run.actions(), key=lambda a: a.started_at or 0)
    assert [a.action_id for a in order] == ["n2", "n1", "n0"]


def test_on_failure_handler(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mark = tmp_path / "mark"
    monkeypatch.setenv("FLYTELIKE_TEST_MARK", str(mark))
    run = engine.run(wfs.failing_wf, x=7)
    assert run.phase is WorkflowPhase.FAILED
    assert mark.read_text().startswith("7:ValueError: boom 7")


def test_fail_after_executable_nodes_complete(engine: Engine, tmp_path: Path) -> None:
    run = engine.run(wfs.keep_going, path=str(tmp_path))
    assert run.phase is WorkflowPhase.FAILED
    assert (tmp_path / "other").exists()


def test_failure_keeps_traceback_and_node(engine: Engine) -> None:
    run = engine.run(wfs.failing_wf, x=1)
    with pytest.raises(RunFailedError) as info:
        run.outputs()
    assert info.value.node_id == "n0"
    attempts = run.attempts("n0")
    assert "boom 1" in attempts[0].message and "raise ValueError" in attempts[0].traceback


def test_direct_call_raises_the_task_error(engine: Engine) -> None:
    with pytest.raises(ValueError, match="boom 3") as info:
        eng.call(wfs.fails, {"x": 3})
    assert any("flytelike run" in n for n in info.value.__notes__)
    assert eng.call(wfs.add, {"a": 1, "b": 2}) == 3


def test_events_of_a_failing_node(engine: Engine) -> None:
    seen: list[PhaseEvent] = []
    engine.run(wfs.failing_wf, x=1, on_event=seen.append)
    node = [e.phase for e in seen if e.kind == "node" and e.node_id == "n0"]
    assert node == [NodePhase.QUEUED, NodePhase.RUNNING, NodePhase.FAILED]
    assert [e.phase for e in seen if e.kind == "run"] == [
        WorkflowPhase.RUNNING,
        WorkflowPhase.FAILED,
    ]


def test_secrets(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FLYTELIKE_SECRETS_GRP_K", "s3cret")
    assert engine.run(wfs.read_secret).outputs() == "s3cret"
    monkeypatch.delenv("FLYTELIKE_SECRETS_GRP_K")
    (tmp_path / "grp").mkdir()
    (tmp_path / "grp" / "k").write_text("from-file")
    monkeypatch.setenv("FLYTELIKE_SECRETS_DEFAULT_DIR", str(tmp_path))
    assert engine.run(wfs.read_secret).outputs() == "from-file"
    monkeypatch.setenv("FLYTELIKE_SECRETS_DEFAULT_DIR", str(tmp_path / "none"))
    run = engine.run(wfs.read_secret)
    assert run.error is not None and "Unable to find secret" in run.error.message


def test_decks(engine: Engine) -> None:
    run = engine.run(wfs.decked, x=1)
    decks = run.decks()
    assert {d[1] for d in decks} >= {"custom", "Inputs", "Outputs"}
    html = Path(decks[0][2].removeprefix("file://")).read_text()
    assert "<b>hello</b>" in html


def test_checkpoint_survives_retries(engine: Engine) -> None:
    assert engine.run(wfs.checkpointed).outputs() == 2


def test_store_lists_and_reads_runs(engine: Engine) -> None:
    run = engine.run(wfs.add, a=2, b=3)
    again = engine.get_run(run.name)
    again._live = None
    assert again.outputs() == 5
    assert again.inputs() == {"a": 2, "b": 3}
    assert again.phase is WorkflowPhase.SUCCEEDED
    assert run.name in [r.name for r in engine.list_runs()]
    with pytest.raises(RunNotFoundError):
        engine.get_run("nope")


def test_background_run_and_wait(engine: Engine) -> None:
    run = engine.run(wfs.my_workflow, a=1, b=1, c=1, m=1, n=1, wait=False)
    assert run.wait(10).outputs() == 2


def test_max_parallelism(engine: Engine) -> None:
    from flytelike.conformance import tasks as ct

    t0 = time.perf_counter()
    engine.run(ct.parallel_naps, seconds=0.2, max_parallelism=1).outputs()
    assert time.perf_counter() - t0 >= 0.75


def test_cache_hit_run_is_recorded_like_a_full_run(engine: Engine) -> None:
    import flytelike as fl

    @fl.task(cache=True, cache_version="hit-test")
    def plus_one(x: int) -> int:
        return x + 1

    first = engine.run(plus_one, x=41)
    hit = engine.run(plus_one, x=41)
    assert hit.name != first.name and hit.outputs() == 42
    assert plus_one(x=41) == 42
    fresh = engine.get_run(hit.name)
    assert (
        fresh.phase.value == "SUCCEEDED" and fresh.outputs() == 42 and fresh.inputs() == {"x": 41}
    )
    acts = fresh.actions()
    assert [(a.phase, a.cache_status, a.attempts) for a in acts] == [("SUCCEEDED", "HIT", 0)]
    # One row for the whole hit: its action is read back from the run row.
    query = engine.store.db.query
    assert query("SELECT count(*) FROM actions WHERE run_name=?", (hit.name,))[0][0] == 0
    assert query("SELECT cache_key FROM runs WHERE name=?", (hit.name,))[0][0]
    assert acts[0].action_id == first.actions()[0].action_id
    assert fresh.action_outputs(acts[0].action_id) == first.action_outputs(acts[0].action_id)
    assert fresh.record().entity == first.record().entity
    assert fresh.record().options == first.record().options
    names = {r.name for r in engine.list_runs(limit=10)}
    assert {first.name, hit.name} <= names
    assert engine.run(plus_one, x=41, overwrite_cache=True).actions()[0].cache_status == (
        "OVERWRITTEN"
    )


def test_runs_of_one_entity_share_one_stored_closure(engine: Engine) -> None:
    first = engine.run(wfs.branchy, x=1)
    second = engine.run(wfs.branchy, x=2)
    engine.store.flush()
    assert engine.store.db.query("SELECT count(*) FROM closures")[0][0] == 1
    assert engine.store.run_closure(first.name) == engine.store.run_closure(second.name)
    assert engine.get_run(second.name).outputs() == second.outputs()
