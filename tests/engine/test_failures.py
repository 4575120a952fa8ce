"""Failed runs a user can read: ``ActionError`` per attempt, action and run, and what tasks print
(``Run.logs()``), through the public API."""

from __future__ import annotations

import json
import re

import pytest

from flytelike.backends import _capture
from flytelike.engine import LOG_LIMIT, ActionError, ActionLog, Engine, EngineConfig
from tests.engine import failures_wfs as w

WFS_FILE = w.__file__


def test_a_failed_run_has_a_readable_error(engine: Engine) -> None:
    run = engine.run(w.fails, x=3)
    err = run.error
    assert isinstance(err, ActionError)
    assert (err.kind, err.type, err.message) == (
        "USER",
        "builtins.ValueError",
        "ValueError: bad input 3",
    )
    assert (err.action_id, err.node_id, err.task, err.attempt) == ("n0", "n0", w.boom.name, 0)
    assert err.started_at is not None and err.ended_at is not None
    assert err.started_at <= err.ended_at
    assert not err.timed_out
    assert err.short_type == "ValueError"
    assert err.describe() == f"node n0 (task {w.boom.name}, attempt 1): ValueError: bad input 3"
    # The traceback holds the user's frames only: the task, then the helper that raised.
    assert err.traceback.startswith("Traceback (most recent call last):\n")
    frames = re.findall(r'File "([^"]+)", line \d+, in (\w+)', err.traceback)
    assert frames == [(WFS_FILE, "boom"), (WFS_FILE, "_check")]
    assert 'raise ValueError(f"bad input {x}")' in err.traceback
    assert err.traceback.rstrip().endswith("ValueError: bad input 3")


def test_actions_and_attempts_carry_the_error_and_read_back_the_same(engine: Engine) -> None:
    run = engine.run(w.fails, x=4)
    (action,) = run.actions()
    assert action.phase == "FAILED"
    assert action.error == run.error
    (attempt,) = run.attempts()
    assert attempt.error is not None
    assert (attempt.error.task, attempt.error.attempt) == (w.boom.name, 0)
    assert attempt.error.traceback == run.error.traceback  # type: ignore[union-attr]
    # A fresh engine reads the same values from the store.
    other = Engine(EngineConfig.from_env())
    try:
        again = other.get_run(run.name)
        assert again.error == run.error
        assert again.record().error == run.error
        assert again.actions()[0].error == run.error
    finally:
        other.close()


def test_every_attempt_has_its_own_error(engine: Engine) -> None:
    w.FLAKY_CALLS.clear()
    run = engine.run(w.flaky, x=1)
    attempts = run.attempts()
    assert [a.phase for a in attempts] == ["RETRYABLE_FAILED", "RETRYABLE_FAILED", "FAILED"]
    errors = [a.error for a in attempts]
    assert [e.attempt for e in errors if e is not None] == [0, 1, 2]
    assert [e.message for e in errors if e is not None] == [
        f"FlyteRecoverableException: not yet ({i})" for i in (1, 2, 3)
    ]
    assert run.error is not None and run.error.attempt == 2
    assert run.error.describe().startswith(
        f"node {run.error.action_id} (task {w.flaky.name}, attempt 3)"
    )
    assert [log.attempt for log in run.logs()] == [0, 1, 2]
    assert [log.stdout for log in run.logs()] == ["attempt 1\n", "attempt 2\n", "attempt 3\n"]


def test_a_failed_map_item_names_its_item(engine: Engine) -> None:
    run = engine.run(w.picky_map, xs=[0, 1, 2, 3, 4])
    item = next(a for a in run.actions() if a.action_id == "n0[3]")
    assert item.error is not None
    assert (item.error.action_id, item.error.node_id, item.error.task) == (
        "n0[3]",
        "n0[3]",
        w.picky.name,
    )
    assert item.error.type == "builtins.KeyError"
    assert f'File "{WFS_FILE}"' in item.error.traceback
    assert run.error is not None and run.error.action_id == "n0"
    assert "n0[3]: KeyError" in run.error.message and run.error.task == w.picky.name


def test_errors_stored_as_dicts_by_earlier_versions_still_load(engine: Engine) -> None:
    run = engine.run(w.fails, x=3)
    engine.store.flush()
    old = {"kind": "USER", "type": "builtins.ValueError", "message": "ValueError: old",
           "traceback": "tb", "node_id": "n0", "timed_out": False}  # fmt: skip
    engine.store.db.execute(
        [("UPDATE actions SET error=? WHERE run_name=?", (json.dumps(old), run.name)),
         ("UPDATE runs SET error=? WHERE name=?", (json.dumps(old), run.name))]
    )  # fmt: skip
    loaded = engine.get_run(run.name).record().error
    assert loaded == ActionError("USER", "builtins.ValueError", "ValueError: old", "tb", "n0")
    (action,) = engine.store.actions(run.name)
    assert action.error == loaded
    # Code written against the dicts keeps working.
    assert loaded["message"] == "ValueError: old" and loaded.get("node_id") == "n0"
    assert loaded.get("nope", 1) == 1
    with pytest.raises(KeyError):
        loaded["nope"]
    assert ActionError.from_dict(loaded.to_dict()) == loaded


def test_what_a_task_prints_is_recorded_and_shown(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    run = engine.run(w.fails, x=3)
    out, err = capsys.readouterr()
    assert out == "checking 3\n" and err == "about to fail on 3\n"  # shown live, as printed
    (log,) = run.logs()
    assert isinstance(log, ActionLog)
    assert (log.action_id, log.attempt, log.dropped) == ("n0", 0, 0)
    assert log.chunks == (("stdout", "checking 3\n"), ("stderr", "about to fail on 3\n"))
    assert log.stdout == "checking 3\n" and log.stderr == "about to fail on 3\n"
    assert log.text == "checking 3\nabout to fail on 3\n"
    assert run.logs("n0") == [log] and run.logs("n1") == []
    # Tasks that print nothing leave no log.
    assert engine.run(w.quiet, x=1).logs() == []


def test_output_is_bounded_to_the_last_characters(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert LOG_LIMIT == 1 << 20
    monkeypatch.setattr(_capture, "LOG_LIMIT", 1000)
    run = engine.run(w.loud, n=25)  # 25 lines of 100 characters
    (log,) = run.logs()
    assert len(log.stdout) == 1000 and log.dropped == 1500
    assert log.stdout.endswith("00000024 " + "x" * 90 + "\n")
    assert log.text.startswith("[flytelike: 1500 earlier characters of output were dropped]\n")
    assert len(capsys.readouterr().out) == 2500  # the terminal still saw everything


def test_concurrent_items_never_interleave_mid_line(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    run = engine.run(w.chatty_map, xs=list(range(6)))
    assert run.outputs() == list(range(6))
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == 6 * 40
    assert all(re.fullmatch(r"item \d line \d+ middle end", line) for line in lines), lines
    assert sorted(err.splitlines()) == [f"item {i} done" for i in range(6)]
    logs = {log.action_id: log for log in run.logs()}
    assert sorted(logs) == [f"n0[{i}]" for i in range(6)]
    for i in range(6):
        assert logs[f"n0[{i}]"].stdout == "".join(
            f"item {i} line {k} middle end\n" for k in range(40)
        )
        assert logs[f"n0[{i}]"].stderr == f"item {i} done\n"


def test_an_aborted_attempt_keeps_what_it_printed(engine: Engine) -> None:
    w.PRINTED.clear()
    run = engine.run(w.waits_wf, seconds=30.0, wait=False)
    assert w.PRINTED.wait(10)
    run.abort(reason="enough")
    assert run.wait(10).phase.value == "ABORTED"
    assert [(log.action_id, log.stdout) for log in run.logs()] == [("n0", "started, waiting\n")]
