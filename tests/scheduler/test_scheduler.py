"""The scheduler driven by a fake clock: what fires when, with which inputs, as which recorded
runs; the missed-firing policy, concurrency policies, failures, and what is not fired."""

from __future__ import annotations

import datetime as dt
import os
import threading
from pathlib import Path

import pytest

from flytelike.engine import Engine
from flytelike.errors import ConfigurationError
from flytelike.scheduler import Entry, FakeClock, Scheduler, find_entries, run_name, upcoming

from . import sched_flows

T0 = dt.datetime(2026, 1, 5, 0, 0, tzinfo=dt.UTC)  # a Monday


def only(*names: str) -> list[Entry]:
    return [e for e in find_entries(sched_flows, T0) if e.name in names]


def utc(h: int, m: int = 0, day: int = 5) -> dt.datetime:
    return dt.datetime(2026, 1, day, h, m, tzinfo=dt.UTC)


def test_a_cron_launch_plan_fires_at_its_times_with_the_kickoff_time(engine: Engine) -> None:
    lines: list[str] = []
    s = Scheduler(only("sched_two_hourly"), clock=FakeClock(T0), until=utc(6), report=lines.append)
    firings = s.serve()
    assert [f.when for f in firings] == [utc(0), utc(2), utc(4), utc(6)]
    assert [f.outcome for f in firings] == ["SUCCEEDED"] * 4
    assert [f.run_name for f in firings] == [
        "sched-two-hourly-20260105T000000Z", "sched-two-hourly-20260105T020000Z",
        "sched-two-hourly-20260105T040000Z", "sched-two-hourly-20260105T060000Z",
    ]  # fmt: skip
    run = engine.get_run("sched-two-hourly-20260105T020000Z")
    assert run.phase.value == "SUCCEEDED"
    assert run.outputs() == "lp@2026-01-05T02:00:00+00:00"
    assert run.record().entity == "sched_two_hourly"
    assert (
        "sched_two_hourly at 2026-01-05T02:00:00Z: run sched-two-hourly-20260105T020000Z" in lines
    )
    assert "run sched-two-hourly-20260105T020000Z: SUCCEEDED" in lines


def test_a_fixed_rate_counts_from_the_start_and_max_runs_stops(engine: Engine) -> None:
    s = Scheduler(only("sched_every_ten"), clock=FakeClock(T0), max_runs=3)
    firings = s.serve()
    assert [f.when for f in firings] == [utc(0, 10), utc(0, 20), utc(0, 30)]
    assert engine.get_run(firings[0].run_name).outputs() == "ten@2026-01-05T00:10:00+00:00"


def test_triggers_fire_in_their_time_zone_with_their_inputs_and_context(engine: Engine) -> None:
    entries = only("sched_env.report:paris_morning", "sched_env.report:every_half_hour")
    s = Scheduler(entries, clock=FakeClock(T0), until=utc(9))
    firings = s.serve()
    got = [(f.entry.name.split(":")[1], f.when) for f in firings]
    half = [("every_half_hour", utc(h, m)) for h in range(9) for m in (15, 45)]
    assert got == sorted([*half, ("paris_morning", utc(8))], key=lambda g: g[1])
    paris = next(f for f in firings if f.entry.name.endswith("paris_morning"))
    assert engine.get_run(paris.run_name).outputs() == "paris@2026-01-05T08:00:00+00:00|trigger"
    half_run = engine.get_run(firings[0].run_name)
    assert half_run.outputs() == "half@2026-01-05T00:15:00+00:00|-"


def test_inactive_triggers_and_artifact_triggers_without_a_catalog_are_not_fired() -> None:
    entries = find_entries(sched_flows, T0)
    notes = {e.name: e.note for e in entries if not e.active}
    assert notes == {"sched_env.report:off": "inactive (auto_activate=False)"}
    on_data = [e for e in entries if e.artifact is not None]
    assert [e.name for e in on_data] == ["sched_env.report:on_data"]
    launched: list[str] = []
    s = Scheduler(
        [e for e in entries if not e.active] + on_data,  # (no catalog=: nothing to poll)
        clock=FakeClock(T0),
        launch=lambda e, w, n: launched.append(n) or "SUCCEEDED",
        exists=lambda n: False,
    )
    assert s.serve() == [] and launched == []


def test_a_time_already_fired_is_not_fired_again(engine: Engine) -> None:
    first = Scheduler(only("sched_two_hourly"), clock=FakeClock(T0), until=utc(2)).serve()
    assert len(first) == 2
    lines: list[str] = []
    again = Scheduler(
        only("sched_two_hourly"), clock=FakeClock(T0), until=utc(4), report=lines.append
    ).serve()
    assert [f.outcome for f in again] == [
        "skipped: already fired (run exists)", "skipped: already fired (run exists)", "SUCCEEDED",
    ]  # fmt: skip
    assert "sched_two_hourly at 2026-01-05T00:00:00Z: skipped: already fired (run exists)" in lines


class JumpingClock(FakeClock):
    """Falls behind once: the first wait wakes up ``lag`` late (a machine that slept)."""

    def __init__(self, start: dt.datetime, lag: dt.timedelta) -> None:
        super().__init__(start)
        self.lag: dt.timedelta | None = lag

    def wait_until(self, moment: dt.datetime, stop: threading.Event) -> None:
        super().wait_until(moment, stop)
        if self.lag is not None:
            self.time, self.lag = self.time + self.lag, None


def fake_launch(record: list[tuple[str, dt.datetime]]) -> object:
    def launch(entry: Entry, when: dt.datetime, name: str) -> str:
        record.append((entry.name, when))
        return "SUCCEEDED"

    return launch


@pytest.mark.parametrize(
    ("missed", "fired", "skipped"),
    [
        ("all", [utc(0, 10), utc(0, 20), utc(0, 30), utc(0, 40), utc(0, 50)], []),
        ("latest", [utc(0, 40), utc(0, 50)], [utc(0, 10), utc(0, 20), utc(0, 30)]),
    ],
)
def test_missed_firings(missed: str, fired: list[dt.datetime], skipped: list[dt.datetime]) -> None:
    record: list[tuple[str, dt.datetime]] = []
    clock = JumpingClock(T0, dt.timedelta(minutes=35))  # wakes at 00:45 for 00:10
    s = Scheduler(
        only("sched_every_ten"),
        clock=clock,
        until=utc(0, 50),
        missed=missed,
        launch=fake_launch(record),  # type: ignore[arg-type]
        exists=lambda n: False,
    )
    firings = s.serve()
    assert [w for _, w in record] == fired
    assert [f.when for f in firings if f.outcome == "skipped: missed"] == skipped


def test_a_start_in_the_past_backfills_in_order() -> None:
    record: list[tuple[str, dt.datetime]] = []
    s = Scheduler(
        only("sched_two_hourly"),
        clock=FakeClock(utc(12)),
        start=T0,
        until=utc(5),
        launch=fake_launch(record),  # type: ignore[arg-type]
        exists=lambda n: False,
    )
    s.serve()
    assert [w for _, w in record] == [utc(0), utc(2), utc(4)]


def test_max_concurrency_skips_a_firing_while_a_run_is_running() -> None:
    release = threading.Event()
    started = threading.Event()

    def slow(entry: Entry, when: dt.datetime, name: str) -> str:
        started.set()
        release.wait(10)
        return "SUCCEEDED"

    class WaitsForTheRun(FakeClock):
        def wait_until(self, moment: dt.datetime, stop: threading.Event) -> None:
            if moment > T0 + dt.timedelta(minutes=1):
                started.wait(10)  # (the first run is running by the second firing)
            super().wait_until(moment, stop)

    s = Scheduler(
        only("sched_one_at_a_time"),
        clock=WaitsForTheRun(T0),
        max_runs=1,
        launch=slow,
        exists=lambda n: False,
        until=T0 + dt.timedelta(minutes=2),
    )
    done = threading.Thread(target=s.serve)
    done.start()
    started.wait(10)
    release.set()
    done.join(10)
    assert [f.outcome for f in s.firings] == ["SUCCEEDED"]
    s2 = Scheduler(
        only("sched_one_at_a_time"),
        clock=WaitsForTheRun(T0),
        launch=slow,
        exists=lambda n: False,
        until=T0 + dt.timedelta(minutes=2),
    )
    release.clear()
    started.clear()
    t = threading.Thread(target=s2.serve)
    t.start()
    started.wait(10)
    for _ in range(100):
        if len(s2.firings) == 2:
            break
        threading.Event().wait(0.05)
    release.set()
    t.join(10)
    assert [f.outcome for f in s2.firings] == [
        "SUCCEEDED", "skipped: 1 run(s) running, max_concurrency=1",
    ]  # fmt: skip


def test_a_failed_run_is_reported_and_the_scheduler_goes_on() -> None:
    calls: list[dt.datetime] = []

    def flaky(entry: Entry, when: dt.datetime, name: str) -> str:
        calls.append(when)
        if len(calls) == 1:
            raise ValueError("boom")
        return "SUCCEEDED"

    lines: list[str] = []
    s = Scheduler(
        only("sched_every_ten"),
        clock=FakeClock(T0),
        max_runs=2,
        launch=flaky,
        exists=lambda n: False,
        report=lines.append,
    )
    firings = s.serve()
    assert [f.outcome for f in firings] == ["FAILED: ValueError: boom", "SUCCEEDED"]
    assert "run sched-every-ten-20260105T001000Z: FAILED: ValueError: boom" in lines


def test_inputs_without_a_value_at_firing_time_are_refused(tmp_path: Path) -> None:
    import types

    import flytelike as fl

    @fl.workflow
    def needs(x: int, kickoff: dt.datetime) -> str:
        return sched_flows.stamp(when=kickoff, label="needs")  # type: ignore[return-value]

    module = types.ModuleType("needs_mod")
    module.lp = fl.LaunchPlan.get_or_create(  # type: ignore[attr-defined]
        needs,
        name="sched_needs_x",
        schedule=fl.CronSchedule(schedule="@daily", kickoff_time_input_arg="kickoff"),
    )
    with pytest.raises(ConfigurationError, match=r"launch plan 'sched_needs_x': input\(s\) x "
                       r"have no value when the schedule fires"):  # fmt: skip
        find_entries(module, T0)


def test_upcoming_and_run_names() -> None:
    entries = only("sched_two_hourly", "sched_env.report:on_data")
    assert upcoming(entries, utc(1), 2) == [[], [utc(2), utc(4)]]
    assert run_name(entries[1], utc(2)) == "sched-two-hourly-20260105T020000Z"
    assert entries[0].slug == "sched-env-report-on-data"


def test_a_triggers_env_vars_are_the_runs_not_the_schedulers(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from . import sched_env_vars

    monkeypatch.delenv("SCHED_TRIGGER_VAR", raising=False)
    entries = find_entries(sched_env_vars, T0)
    assert [e.name for e in entries] == ["sched_env_vars.env_report:with_env"]
    seen: set[str | None] = set()
    done = threading.Event()

    def watch() -> None:  # the scheduler's own environment while the run runs
        while not done.is_set():
            seen.add(os.environ.get("SCHED_TRIGGER_VAR"))
            done.wait(0.005)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        firings = Scheduler(entries, clock=FakeClock(T0), max_runs=1).serve()
    finally:
        done.set()
        watcher.join()
    assert [f.outcome for f in firings] == ["SUCCEEDED"]
    run = engine.get_run(firings[0].run_name)
    # the root task and the task it calls see them, as does the custom context
    assert run.outputs() == "from-trigger|from-trigger|trigger|01:00"
    assert seen == {None} and "SCHED_TRIGGER_VAR" not in os.environ


def test_a_run_recorded_after_the_stop_is_aborted_too(engine: Engine) -> None:
    """Ctrl-C between a firing's start and its run's record: ``abort_running`` tries again
    until the run exists, instead of leaving it to run to its end (it was SUCCEEDED, and the
    CLI's ``schedule serve`` waited for it before exiting)."""
    import dataclasses
    import time

    from flytelike.scheduler._loop import launch_run

    began = threading.Event()

    def late(entry: Entry, when: dt.datetime, name: str) -> str:
        began.set()
        time.sleep(0.5)  # (recorded after abort_running's first try)
        napping = dataclasses.replace(entry, inputs={**entry.inputs, "seconds": 2.0})
        return launch_run(napping, when, name)

    s = Scheduler(
        only("sched_one_at_a_time"),
        clock=FakeClock(T0),
        max_runs=1,
        launch=late,
        exists=lambda n: False,
    )
    serving = threading.Thread(target=s.serve)
    serving.start()
    assert began.wait(10)
    s.stop()
    started = time.monotonic()
    assert s.abort_running() == [s.firings[0].run_name]
    serving.join(20)
    assert not serving.is_alive() and time.monotonic() - started < 20
    assert [f.outcome for f in s.firings] == ["ABORTED"]
