"""A stretch of in-place task nodes runs through ``_inplace.run_action`` (no coroutine per node)
and records what the general path records: action rows, attempts of retries, cache hits,
failures that stop the chain, the action's context, and resumed runs reusing recorded outputs
(issue 18)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

import flytelike as fl
from flytelike.engine import Engine, _inplace
from typesystem import Scalar

TRIES: list[int] = []
SEEN: list[tuple[str, int]] = []


@fl.task
def step(x: int) -> int:
    ctx = fl.current_context()
    SEEN.append((ctx.action.action_id, ctx.action.attempt))
    return x + 1


@fl.task(retries=2)
def flaky(x: int) -> int:
    TRIES.append(x)
    if len(TRIES) < 3:
        raise fl.FlyteRecoverableException(f"not yet ({len(TRIES)})")
    return x * 10


@fl.task(cache=True, cache_version="1")
def kept(x: int) -> int:
    return x * 2


@fl.task
def boom(x: int) -> int:
    raise ValueError(f"boom at {x}")


STARTED: list[int] = []


@fl.task
def tick(x: int) -> int:
    """A short body (the run's abort may come between two of them)."""
    STARTED.append(x)
    deadline = time.monotonic() + 0.02
    while time.monotonic() < deadline:
        pass
    return x + 1


@fl.workflow
def ticks(x: int) -> int:
    for _ in range(40):
        x = tick(x=x)
    return x


@fl.workflow
def chain(x: int) -> int:
    return step(x=flaky(x=kept(x=step(x=x))))  # type: ignore[no-any-return]


@fl.workflow
def broken(x: int) -> int:
    return step(x=boom(x=step(x=x)))  # type: ignore[no-any-return]


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Action ids run through the in-place driver."""
    calls: list[str] = []
    real = _inplace.run_action

    def spy(*args: Any) -> Any:
        calls.append(args[3])
        return real(*args)

    monkeypatch.setattr("flytelike.engine._interpreter.run_action", spy)
    TRIES.clear()
    SEEN.clear()
    return calls


def test_a_chain_runs_in_place_and_records_every_action(engine: Engine, counted: list[str]) -> None:
    run = engine.run(chain, x=1)
    assert run.outputs() == 41  # ((1 + 1) * 2) * 10 + 1
    assert counted == ["n0", "n1", "n2", "n3"]
    assert SEEN == [("n0", 0), ("n3", 0)]
    actions = {a.action_id: a for a in run.actions()}
    assert {a: (r.phase, r.attempts) for a, r in actions.items()} == {
        "n0": ("SUCCEEDED", 1),
        "n1": ("SUCCEEDED", 1),
        "n2": ("SUCCEEDED", 3),
        "n3": ("SUCCEEDED", 1),
    }
    assert actions["n1"].cache_status == "MISS"
    assert [(a.attempt, a.phase) for a in run.attempts("n2")] == [
        (0, "RETRYABLE_FAILED"),
        (1, "RETRYABLE_FAILED"),
        (2, "SUCCEEDED"),
    ]
    assert engine.store.action_literals(run.name, "n2", "inputs") == {"x": Scalar(4)}
    assert run.action_outputs("n2") == {"o0": Scalar(40)}

    TRIES.clear()
    again = engine.run(chain, x=1)
    assert again.outputs() == 41
    hit = {a.action_id: a for a in again.actions()}["n1"]
    assert (hit.cache_status, hit.attempts) == ("HIT", 0)


def test_a_failure_stops_the_chain(engine: Engine, counted: list[str]) -> None:
    run = engine.run(broken, x=1, wait=False).wait()
    assert run.phase.value == "FAILED"
    assert counted == ["n0", "n1"]
    phases = {a.action_id: a.phase for a in run.actions()}
    assert phases == {"n0": "SUCCEEDED", "n1": "FAILED"}
    (attempt,) = run.attempts("n1")
    assert attempt.phase == "FAILED" and "boom at 2" in attempt.message


def test_a_resumed_chain_reuses_recorded_outputs(engine: Engine, counted: list[str]) -> None:
    run = engine.run(broken, x=1, wait=False).wait()
    SEEN.clear()
    again = engine.resume(run.name, wait=False).wait()
    assert again.phase.value == "FAILED"
    assert SEEN == []  # (n0 succeeded before: its body does not run again)
    assert [a.phase for a in again.attempts("n1")] == ["FAILED", "FAILED"]


def test_aborting_the_run_stops_the_chain(engine: Engine, counted: list[str]) -> None:
    STARTED.clear()
    run = engine.run(ticks, x=0, wait=False)
    while len(STARTED) < 3:
        time.sleep(0.005)
    threading.Thread(target=run.abort, kwargs={"reason": "enough"}).start()
    run.wait(30)
    assert run.phase.value == "ABORTED"
    assert len(STARTED) < 40
    phases = [a.phase for a in run.actions()]
    assert phases.count("SUCCEEDED") >= 2 and "RUNNING" not in phases


@fl.task(enable_deck=True)
def decked(x: int) -> int:
    return x + 1


@fl.task
def chatty(x: int) -> int:
    print(f"chatty got {x}")
    return x + 1


@fl.workflow
def reporting(x: int) -> int:
    return step(x=chatty(x=decked(x=step(x=x))))  # type: ignore[no-any-return]


def test_in_place_actions_with_decks_or_output_keep_them(
    engine: Engine, counted: list[str]
) -> None:
    """A plain success comes back from the runner as its outputs alone
    (``InlineRunner.bare``); one with decks or captured output still has them recorded."""
    run = engine.run(reporting, x=1)
    assert run.outputs() == 5
    assert counted == ["n0", "n1", "n2", "n3"]
    rows = {a.action_id: (a.kind, a.phase, a.cache_status, a.attempts) for a in run.actions()}
    assert rows == dict.fromkeys(("n0", "n1", "n2", "n3"), ("task", "SUCCEEDED", "", 1))
    names = {name for aid, name, _ in run.decks() if aid == "n1"}
    assert names >= {"Inputs", "Outputs", "Source", "Timeline"}
    assert {aid for aid, _, _ in run.decks()} == {"n1"}
    assert [(log.action_id, log.stdout) for log in run.logs()] == [("n2", "chatty got 3\n")]


@fl.task
def widen(x: int) -> str:
    return "w" * (100_000 + x)


@fl.task
def measure(s: str) -> int:
    return len(s)


@fl.workflow
def wide(x: int) -> int:
    return measure(s=widen(x=step(x=x)))  # type: ignore[no-any-return]


def test_an_offloaded_output_in_a_chain_is_recorded(engine: Engine, counted: list[str]) -> None:
    """Outputs past the store's inline limit go to the blob store (the row keeps their URI):
    the in-place finish (``RunStore.task_succeeded``) takes the general way for them."""
    run = engine.run(wide, x=1)
    assert run.outputs() == 100_002
    assert counted == ["n0", "n1", "n2"]
    assert run.action_outputs("n1") == {"o0": Scalar("w" * 100_002)}
    assert engine.store.action_literals(run.name, "n2", "inputs") == {"s": Scalar("w" * 100_002)}
    uris = engine.store.db.query(
        "SELECT outputs_uri FROM actions WHERE run_name=? AND action_id='n1'", (run.name,)
    )
    assert uris[0][0]
