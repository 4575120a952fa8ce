"""A task action whose first attempt succeeds writes no ``attempts`` row: its action row stands
for it, and ``Run.attempts`` reads the attempt back from there (issue 18: one row less per task)."""

from __future__ import annotations

import time

import flytelike as fl
from flytelike.engine import Engine

TRIES: list[int] = []


@fl.task
def plus_one(x: int) -> int:
    return x + 1


@fl.task(retries=1)
def second_time(x: int) -> int:
    TRIES.append(x)
    if len(TRIES) == 1:
        raise fl.FlyteRecoverableException("not yet")
    return x


@fl.task(cache=True, cache_version="1")
def kept(x: int) -> int:
    return x * 2


@fl.workflow
def two_steps(x: int) -> int:
    return plus_one(x=plus_one(x=x))  # type: ignore[no-any-return]


def _rows(engine: Engine, run: str) -> list[tuple[str, int, str]]:
    engine.store.flush()
    return engine.store.db.query(
        "SELECT action_id, attempt, phase FROM attempts WHERE run_name=? ORDER BY 1, 2", (run,)
    )


def test_a_first_attempt_that_succeeds_is_read_from_its_action(engine: Engine) -> None:
    run = engine.run(two_steps, x=1)
    assert run.outputs() == 3
    assert _rows(engine, run.name) == []
    attempts = run.attempts()
    actions = {a.action_id: a for a in run.actions()}
    assert [(a.action_id, a.attempt, a.phase) for a in attempts] == [
        ("n0", 0, "SUCCEEDED"),
        ("n1", 0, "SUCCEEDED"),
    ]
    for a in attempts:
        action = actions[a.action_id]
        assert (a.started_at, a.ended_at) == (action.started_at, action.ended_at)
        assert a.task == action.name and a.error is None
    assert [a.attempt for a in run.attempts("n1")] == [0]
    # A fresh engine (another process) reads the same.
    other = Engine(engine.config)
    try:
        assert other.get_run(run.name).attempts() == attempts
    finally:
        other.close()


def test_retried_attempts_keep_their_rows(engine: Engine) -> None:
    TRIES.clear()
    run = engine.run(second_time, x=5)
    assert run.outputs() == 5
    assert [(n, phase) for _, n, phase in _rows(engine, run.name)] == [
        (0, "RETRYABLE_FAILED"),
        (1, "SUCCEEDED"),
    ]
    assert [a.phase for a in run.attempts()] == ["RETRYABLE_FAILED", "SUCCEEDED"]


def test_a_cache_hit_has_no_attempt(engine: Engine) -> None:
    engine.run(kept, x=2)
    hit = engine.run(kept, x=2)
    assert hit.outputs() == 4
    assert hit.actions()[0].cache_status == "HIT"
    assert hit.attempts() == []


def test_an_implicit_attempt_is_written_before_its_action_changes_phase(engine: Engine) -> None:
    store = engine.store
    store.start_action("r-kept", "n0", "", "n0", "task", "t", None)
    store.finish_action("r-kept", "n0", "SUCCEEDED", {}, attempts=1)
    store.flush()
    ((before,),) = [[a.started_at for a in store.attempts("r-kept")]]
    store.keep_implicit_attempt("r-kept", "n0")
    # An abort that came while the body ran discards its result: the action ends ABORTED, its
    # successful attempt stays in the history, and the abort's attempt follows it.
    store.finish_action("r-kept", "n0", "ABORTED", None, {"message": "aborted"}, attempts=1)
    store.attempt("r-kept", "n0", 1, "ABORTED", time.time(), {"message": "aborted"})
    store.flush()
    attempts = store.attempts("r-kept", "n0")
    assert [(a.attempt, a.phase) for a in attempts] == [(0, "SUCCEEDED"), (1, "ABORTED")]
    assert attempts[0].started_at == before
