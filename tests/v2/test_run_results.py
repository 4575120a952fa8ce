"""What a v2 run gives back, as flyte 2.12 shows it (spec/v2-api.md §8.2): ``outputs()``,
``phase`` (``flyte.models.ActionPhase``), ``repr(Run)``; and ``repr(File)``/``repr(Dir)``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import flytelike as flyte
from flytelike.models import ActionPhase

env = flyte.TaskEnvironment("results")


@env.task
def returns_none() -> None:
    return None


@env.task
def unannotated(x: int):  # type: ignore[no-untyped-def]
    print(x)


@env.task
def pair() -> tuple[int, str]:
    return 1, "a"


@env.task
async def fails() -> int:
    raise ValueError("nope")


def test_a_task_without_outputs_gives_a_tuple_of_none() -> None:
    for task, args in ((returns_none, ()), (unannotated, (3,))):
        out = flyte.run(task, *args).outputs()
        assert out == (None,) and out[0] is None and len(out) == 1
        assert out.named_outputs() == {"o0": None}
        assert repr(out) == "ActionOutputs(o0=None)"


def test_outputs_repr_as_flyte() -> None:
    out = flyte.run(pair).outputs()
    assert out == (1, "a") and repr(out) == 'ActionOutputs(o0=1, o1="a")'


def test_phase_is_an_action_phase() -> None:
    run = flyte.run(pair)
    assert run.phase is ActionPhase.SUCCEEDED and run.phase == "succeeded"
    assert run.phase.is_terminal and not ActionPhase.RUNNING.is_terminal
    assert run.engine_phase.value == "SUCCEEDED"
    with pytest.raises(flyte.errors.RuntimeUserError) as info:
        flyte.run(fails)
    assert flyte.engine.get_run(info.value.run_name).phase.value == "FAILED"  # type: ignore[attr-defined]


def test_action_phase_from_engine_phases() -> None:
    assert [p.value for p in ActionPhase] == [
        "queued", "waiting_for_resources", "initializing", "running", "paused", "succeeded",
        "failed", "aborted", "timed_out", "recovered",
    ]  # fmt: skip
    assert ActionPhase.from_engine_phase("FAILING") is ActionPhase.RUNNING
    assert ActionPhase.from_engine_phase("UNDEFINED") is ActionPhase.QUEUED
    assert ActionPhase.from_engine_phase("TIMED_OUT") is ActionPhase.TIMED_OUT
    assert ActionPhase.SUCCEEDED.to_protobuf_name() == "ACTION_PHASE_SUCCEEDED"
    with pytest.raises(ValueError, match="SKIPPED"):
        ActionPhase.from_engine_phase("SKIPPED")


def test_run_repr_lists_flyte_s_fields() -> None:
    run = flyte.run(pair)
    text = repr(run)
    assert text == str(run) and text.startswith("Run(\n    url='file://") and text.endswith("\n)")
    keys = re.findall(r"^    ([a-z_ ]+)=", text, flags=re.M)
    assert keys == [
        "url", "labels", "name", "task name", "type", "action name", "start_time", "end_time",
        "run_time", "phase", "group", "parent", "related to", "attempts",
    ]  # fmt: skip
    assert f"    name='{run.name}'," in text and "    task name='results.pair'," in text
    assert "    type='python'," in text and "    phase='ACTION_PHASE_SUCCEEDED'," in text
    assert re.search(r"    end_time='\d{4}-\d\d-\d\dT[^']+\+00:00',", text)
    assert "    attempts=1" in text


def test_file_and_dir_repr_as_flyte(tmp_path: Path) -> None:
    p = tmp_path / "x.txt"
    p.write_text("hi")
    assert repr(flyte.io.File(str(p))) == (
        f"File(path='{p}', name='x.txt', format='', hash=None, hash_method=None)"
    )
    f = flyte.io.File("s3://b/x.csv", name="n", format="csv", hash="abc")
    assert (
        repr(f) == "File(path='s3://b/x.csv', name='n', format='csv', hash='abc', hash_method=None)"
    )
    assert repr(flyte.io.Dir(str(tmp_path))) == (
        f"Dir(path='{tmp_path}', name='{tmp_path.name}', format='', hash=None)"
    )
