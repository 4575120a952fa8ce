"""``flytelike.run(entity, wait=False | on_event= | raw_data_path=)`` for v1 and v2 entities, as
the README and the gate error message say; an entity input of the same name stays an input."""

from __future__ import annotations

from pathlib import Path

import flytelike
from flytelike import task, workflow


@task
def double(x: int) -> int:
    return 2 * x


@workflow
def wf(x: int) -> int:
    return double(x=double(x=x))


@task
def has_wait(wait: int) -> int:
    return wait + 1


@task
def fails(x: int) -> int:
    raise ValueError(f"bad {x}")


def test_wait_false_returns_a_running_run_that_finishes() -> None:
    run = flytelike.run(wf, x=3, wait=False)
    assert run.wait(timeout=60).done
    assert run.outputs()[0] == 12


def test_on_event_receives_the_runs_phase_changes() -> None:
    events: list[flytelike.engine.PhaseEvent] = []
    run = flytelike.run(wf, x=1, on_event=events.append)
    assert run.outputs()[0] == 4
    kinds = {(e.kind, e.phase.value) for e in events}
    assert ("run", "SUCCEEDED") in kinds
    assert {e.node_id for e in events if e.kind == "node"} >= {"n0", "n1"}


def test_raw_data_path_is_where_the_run_writes(tmp_path: Path) -> None:
    prefix = tmp_path.as_uri()
    run = flytelike.run(wf, x=2, raw_data_path=prefix)
    assert run.record().options["raw_data_path"] == prefix


def test_an_input_named_like_an_option_stays_an_input() -> None:
    assert flytelike.run(has_wait, wait=4).outputs()[0] == 5


def test_a_background_run_that_fails_does_not_raise_until_asked() -> None:
    run = flytelike.run(fails, x=1, wait=False)
    run.wait(timeout=60)
    assert run.engine_phase.value == "FAILED"
    assert "bad 1" in str(run.error)
