"""``flytelike schedule list`` and ``serve``: the next times, a backfill in process, and real
runs of the command (a one-minute rate at 60x speed for about two seconds; Ctrl-C or SIGTERM
while a run is running)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from flytelike.cli import main
from flytelike.engine import Engine, EngineConfig

HERE = Path(__file__).parent
FLOWS = str(HERE / "sched_flows.py")

SCRIPT = """
import datetime as dt
import time
from flytelike import FixedRate, LaunchPlan, task, workflow

@task
def stamp(when: dt.datetime, pause: float) -> str:
    time.sleep(pause)
    return when.isoformat()

@workflow
def wf(kickoff: dt.datetime, pause: float = 0.0) -> str:
    return stamp(when=kickoff, pause=pause)

minutely = LaunchPlan.get_or_create(
    wf, name="cli_minutely", default_inputs={"pause": PAUSE},
    schedule=FixedRate(duration=dt.timedelta(minutes=1), kickoff_time_input_arg="kickoff"),
)
"""


def test_list_shows_the_next_times_of_every_schedule(engine: Engine) -> None:
    r = CliRunner().invoke(
        main, ["schedule", "list", FLOWS, "--start", "2026-01-05T00:00", "-n", "2"]
    )
    assert r.exit_code == 0, r.output
    assert r.stdout == (
        "sched_every_ten  (launch plan, every 10m)\n"
        "  firing time as input: kickoff\n"
        "  2026-01-05T00:10:00Z\n"
        "  2026-01-05T00:20:00Z\n"
        "sched_one_at_a_time  (launch plan, every 1m)\n"
        "  2026-01-05T00:01:00Z\n"
        "  2026-01-05T00:02:00Z\n"
        "sched_env.report:paris_morning  (trigger, cron 0 9 * * 1-5 (Europe/Paris))\n"
        "  firing time as input: when\n"
        "  2026-01-05T08:00:00Z\n"
        "  2026-01-06T08:00:00Z\n"
        "sched_env.report:every_half_hour  (trigger, every 30m)\n"
        "  firing time as input: when\n"
        "  2026-01-05T00:15:00Z\n"
        "  2026-01-05T00:45:00Z\n"
        "sched_env.report:off  (trigger, cron 0 * * * * (UTC))\n"
        "  firing time as input: when\n"
        "  not fired: inactive (auto_activate=False)\n"
        "sched_env.report:on_data  (trigger, Artifact Trigger: on new version of dataset)\n"
        "  firing time as input: when\n"
        "  fires on each new version (schedule serve polls the artifact catalog)\n"
        "sched_two_hourly  (launch plan, cron 0 */2 * * * (UTC))\n"
        "  firing time as input: kickoff\n"
        "  2026-01-05T00:00:00Z\n"
        "  2026-01-05T02:00:00Z\n"
    )


def test_serve_backfills_a_past_period_and_stops(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "backfill_flows.py"
    path.write_text(SCRIPT.replace("PAUSE", "0.0").replace("cli_minutely", "cli_backfill"))
    r = CliRunner().invoke(
        main,
        ["schedule", "serve", str(path), "--start", "2026-01-05T00:00", "--until", "3m"],
    )
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[0] == (
        "serving 1 schedule(s) from 2026-01-05T00:00:00Z until 2026-01-05T00:03:00Z; Ctrl-C stops"
    )
    names = [f"cli-backfill-20260105T00{m:02d}00Z" for m in (1, 2, 3)]
    for name, minute in zip(names, (1, 2, 3), strict=True):
        assert f"cli_backfill at 2026-01-05T00:{minute:02d}:00Z: run {name}" in r.stdout
        assert engine.get_run(name).outputs() == f"2026-01-05T00:{minute:02d}:00+00:00"
    assert r.stdout.splitlines()[-1] == "done: 3 run(s) fired"
    again = CliRunner().invoke(
        main,
        ["schedule", "serve", str(path), "--start", "2026-01-05T00:00", "--until", "3m"],
    )
    assert again.stdout.count("skipped: already fired (run exists)") == 3
    assert again.stdout.splitlines()[-1] == "done: 0 run(s) fired"


def test_serve_refuses_a_file_without_schedules(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "plain_flows.py"
    path.write_text("from flytelike import task\n@task\ndef t() -> int:\n    return 1\n")
    r = CliRunner().invoke(main, ["schedule", "serve", str(path)])
    assert r.exit_code == 1
    assert "defines no scheduled launch plan" in r.output
    r = CliRunner().invoke(main, ["schedule", "serve", FLOWS, "--until", "soon"])
    assert r.exit_code == 2 and "neither an ISO time" in r.output


def _serve(tmp_path: Path, pause: float, *args: str) -> subprocess.Popen[str]:
    (tmp_path / "minutely_flows.py").write_text(SCRIPT.replace("PAUSE", str(pause)))
    env = {**os.environ, "FLYTELIKE_HOME": str(tmp_path / "home"), "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "flytelike", "schedule", "serve", "minutely_flows.py", *args],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _phase_and_output(home: Path, name: str) -> tuple[str, object]:
    eng = Engine(EngineConfig.from_env(home=home))
    try:
        run = eng.get_run(name)
        return run.phase.value, run.outputs() if run.phase.value == "SUCCEEDED" else None
    finally:
        eng.close()


def test_a_real_serve_fires_every_simulated_minute(tmp_path: Path) -> None:
    began = time.monotonic()
    proc = _serve(tmp_path, 0.0, "--speed", "60", "--max-runs", "2")
    out, err = proc.communicate(timeout=60)
    took = time.monotonic() - began
    assert proc.returncode == 0, out + err
    lines = out.splitlines()
    start = re.fullmatch(r"serving 1 schedule\(s\) from (\S+)Z; Ctrl-C stops", lines[0])
    assert start, lines
    fired = re.findall(r"cli_minutely at (\S+)Z: run (\S+)", out)
    assert len(fired) == 2
    import datetime as dt

    t0 = dt.datetime.fromisoformat(start.group(1))
    for (when, name), minutes in zip(fired, (1, 2), strict=True):
        assert dt.datetime.fromisoformat(when) == t0 + dt.timedelta(minutes=minutes)
        assert f"run {name}: SUCCEEDED" in out
        phase, output = _phase_and_output(tmp_path / "home", name)
        assert (phase, output) == ("SUCCEEDED", f"{when}+00:00")
    assert lines[-1] == "done: 2 run(s) fired"
    assert 1.9 < took < 30  # (two simulated minutes take two seconds)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_stops_and_aborts_the_running_run(tmp_path: Path, signum: int) -> None:
    proc = _serve(tmp_path, 60.0, "--speed", "60")
    assert proc.stdout is not None
    line = ""
    deadline = time.monotonic() + 30
    while "cli_minutely at" not in line:
        line = proc.stdout.readline()
        assert line or proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
    name = line.split("run ")[-1].strip()
    time.sleep(0.5)  # (the run has started its task)
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, out + err
    # (at 60x a minute is a second: a second firing may have started meanwhile)
    assert re.search(r"^stopped; aborted [12] running run\(s\)$", out, re.M), out
    assert f"run {name}: ABORTED" in out
    assert _phase_and_output(tmp_path / "home", name)[0] == "ABORTED"
