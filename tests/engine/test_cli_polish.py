"""``flytelike run``'s listing of a file's entities, per-entity help, durations and datetimes on
the command line, and shell completion of files, entities and input flags."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.shell_completion import ShellComplete
from click.testing import CliRunner

from flytelike.cli import main
from flytelike.engine import Engine

HERE = Path(__file__).parent
WFS = str(HERE / "cli_polish_wfs.py")


def invoke(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, list(args))
    return r.exit_code, r.stdout, r.stderr


def ok(*args: str) -> str:
    code, out, err = invoke(*args)
    assert code == 0, (out, err)
    return out


def test_run_without_entity_lists_the_entities_with_their_summaries() -> None:
    code, out, err = invoke("run", WFS)
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert "Error: missing ENTITY: one of the entities of" in err
    assert "  greet      workflow     Greet someone." in lines
    assert "  greet_bob  launch plan  Greet someone." in lines
    assert "  shout      task         Repeat a text, maybe loudly." in lines
    assert "  stamp      task         The ISO text of a datetime." in lines
    assert "longer paragraph" not in err and "not_an_entity" not in err
    assert "LaunchPlan" not in err  # an imported class is not listed
    assert f"Inputs of one: flytelike run {WFS} ENTITY --help" in err


def test_run_without_entity_on_a_file_without_entities(tmp_path: Path) -> None:
    empty = tmp_path / "nothing_here.py"
    empty.write_text("X = 1\n")
    code, _, err = invoke("run", str(empty))
    assert code == 2
    assert "defines no task, workflow or launch plan" in err


def test_entity_help_shows_docstring_descriptions_required_and_bool_flags() -> None:
    out = ok("run", WFS, "shout", "--help")
    assert "Run task shout. Inputs marked [required] have no default." in out
    assert "  Repeat a text, maybe loudly." in out
    # the docstring's parameter section is not repeated above the options that show it
    assert "Args:" not in out and "how many times" not in out.split("Options:")[0]
    # Google style, a description over two lines joined by docstring_parser
    text_line = next(line for line in out.splitlines() if line.strip().startswith("--text"))
    assert "what to repeat (any text): str" in text_line
    assert "[required]" in out.split("--text", 1)[1].split("--loud", 1)[0]
    loud = out.split("--loud / --no-loud", 1)[1].split("--times", 1)[0]
    assert "upper-case it" in loud and "[required]" not in loud
    assert "how many times" in out
    numpy = " ".join(ok("run", WFS, "wait_for", "--help").split())
    assert "how long to wait" in numpy and "PT1.5H" in numpy
    assert "Parameters ----------" not in numpy and "Seconds in a duration." in numpy
    rest = " ".join(ok("run", WFS, "stamp", "--help").split())
    assert "the moment to print" in rest and "now or today" in rest


def test_bool_inputs_take_flag_no_flag_and_a_value(engine: Engine) -> None:
    assert json.loads(ok("run", WFS, "shout", "--text", "hi", "--loud"))["o0"] == "HI"
    assert json.loads(ok("run", WFS, "shout", "--text", "hi", "--no-loud"))["o0"] == "hi"
    out = ok("run", WFS, "shout", "--text", "hi", "--loud", "false", "--times", "2")
    assert json.loads(out)["o0"] == "hi hi"


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("1:30", 90.0),
        ("1:30:00", 5400.0),
        ("P1W", 604800.0),
        ("PT1.5H", 5400.0),
        ("P1DT2H", 93600.0),
        ("1h30m", 5400.0),
        ("90", 90.0),
    ],
)
def test_durations_on_the_command_line(engine: Engine, text: str, seconds: float) -> None:
    assert json.loads(ok("run", WFS, "wait_for", "--pause", text))["o0"] == seconds


def test_durations_in_an_inputs_file_and_in_task_settings(engine: Engine, tmp_path: Path) -> None:
    import flytelike as fl

    inputs = tmp_path / "in.json"
    inputs.write_text(json.dumps({"pause": "1:30"}))
    assert json.loads(ok("run", "--inputs-file", str(inputs), WFS, "wait_for"))["o0"] == 90.0

    @fl.task(timeout="1:30")
    def timed() -> int:
        return 1

    assert timed.template().metadata.timeout == 90.0

    @fl.task(timeout="P1W")
    def weekly() -> int:
        return 1

    assert weekly.template().metadata.timeout == 604800.0


def test_a_bad_duration_names_the_input_and_the_accepted_forms() -> None:
    code, _, err = invoke("run", WFS, "wait_for", "--pause", "soon")
    assert code == 2
    assert "input `pause` (timedelta)" in err
    assert "1:30 is 90 s, 1:30:00 is 1.5 h" in err and "P1W" in err
    code, _, err = invoke("run", WFS, "wait_for", "--pause", "P1M")
    assert code == 2 and "years and months have no fixed length" in err


def test_datetimes_accept_now_and_today_in_utc(engine: Engine, tmp_path: Path) -> None:
    before = dt.datetime.now(dt.UTC)
    now = dt.datetime.fromisoformat(json.loads(ok("run", WFS, "stamp", "--when", "now"))["o0"])
    assert now.tzinfo is not None and now.utcoffset() == dt.timedelta(0)
    assert before <= now <= dt.datetime.now(dt.UTC)
    today = dt.datetime.fromisoformat(json.loads(ok("run", WFS, "stamp", "--when", "TODAY"))["o0"])
    assert today == dt.datetime.combine(dt.datetime.now(dt.UTC).date(), dt.time(), dt.UTC)
    inputs = tmp_path / "in.yaml"
    inputs.write_text("when: now\n")
    from_file = json.loads(ok("run", "--inputs-file", str(inputs), WFS, "stamp"))["o0"]
    assert before <= dt.datetime.fromisoformat(from_file) <= dt.datetime.now(dt.UTC)
    code, _, err = invoke("run", WFS, "stamp", "--when", "tomorrow")
    assert code == 2
    assert "input `when` (datetime)" in err and "now or today" in err


def complete(args: list[str], incomplete: str) -> list[tuple[str, str]]:
    shell = ShellComplete(main, {}, "flytelike", "_COMPLETE_TEST")
    return [(c.value, c.type) for c in shell.get_completions(args, incomplete)]


def test_completion_of_files_entities_and_input_flags() -> None:
    assert complete(["run"], "tests/eng") == [("tests/eng", "file")]
    assert [v for v, _ in complete(["run", WFS], "")] == [
        "greet",
        "greet_bob",
        "shout",
        "stamp",
        "wait_for",
    ]
    assert [v for v, _ in complete(["run", WFS], "st")] == ["stamp"]
    flags = [v for v, _ in complete(["run", WFS, "shout"], "--")]
    assert flags[:5] == ["--text", "--loud", "--no-loud", "--times", "--inputs-file"]
    assert [v for v, _ in complete(["run", WFS, "shout", "--text", "x"], "--no")] == ["--no-loud"]


def test_completion_never_crashes(tmp_path: Path) -> None:
    broken = tmp_path / "broken_mod.py"
    broken.write_text("print('noise')\nraise SystemExit(3)\n")
    assert complete(["run", str(broken)], "") == []
    assert complete(["run", str(tmp_path / "missing.py")], "") == []
    assert [v for v, _ in complete(["run", str(broken), "x"], "--i")] == ["--inputs-file"]
    assert [v for v, _ in complete(["run", WFS, "no_such"], "--t")] == ["--traceback"]


def test_bash_completion_script_and_completions_through_the_console_script() -> None:
    env = {**os.environ, "_FLYTELIKE_COMPLETE": "bash_source"}
    exe = [str(Path(sys.executable).parent / "flytelike")]  # (the console script: its name)
    source = subprocess.run(exe, env=env, capture_output=True, text=True, timeout=60)
    assert source.returncode == 0 and "complete -o nosort -F" in source.stdout
    env = {
        **os.environ,
        "_FLYTELIKE_COMPLETE": "bash_complete",
        "COMP_WORDS": f"flytelike run {WFS} wait_for --p",
        "COMP_CWORD": "4",
    }
    out = subprocess.run(exe, env=env, capture_output=True, text=True, timeout=60)
    # (the entity's input, and the run option --project)
    assert out.returncode == 0 and out.stdout.splitlines() == ["plain,--pause", "plain,--project"]


@pytest.mark.parametrize(
    ("var", "value", "expected"),
    [
        ("FLYTELIKE_MAX_PARALLELISM", "four", "expected a whole number >= 1"),
        ("FLYTELIKE_INLINE_LIMIT", "big", "expected a whole number >= 0"),
        ("FLYTELIKE_LOCAL_CACHE_ENABLED", "maybe", "expected a boolean: one of 1, true"),
        ("FLYTELIKE_BACKEND_OPTIONS", "{bad", "is not a JSON object"),
        ("FLYTELIKE_PROGRESS", "maybe", "expected always, never or auto"),
        ("FLYTELIKE_BACKEND", "nosuch", "unknown backend 'nosuch'; available backends:"),
        ("FLYTELIKE_RAW_DATA_PREFIX", "nosuch://bucket", "it knows none for nosuch://"),
    ],
)
@pytest.mark.parametrize("command", [["run", WFS, "shout", "--text", "hi"], ["runs", "list"]])
def test_a_bad_setting_fails_naming_the_variable_without_a_traceback(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    var: str,
    value: str,
    expected: str,
    command: list[str],
) -> None:
    monkeypatch.setenv("FLYTELIKE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv(var, value)
    if var == "FLYTELIKE_PROGRESS" and command[0] == "runs":
        return  # (only a run shows progress)
    if var == "FLYTELIKE_BACKEND" and command[0] == "runs":
        return  # (listing runs needs no backend)
    from flytelike import engine as eng

    previous = eng.set_default_engine(None)  # (the settings are read when one is built)
    try:
        r = CliRunner().invoke(main, command)
    finally:
        built = eng.set_default_engine(previous)
        if built is not None:
            built.close()
    assert r.exit_code == 1, r.output
    (line,) = r.stderr.strip().splitlines()
    assert line.startswith(f"Error: environment variable {var}={value!r}")
    assert expected in line


def test_info_shows_every_resolved_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLYTELIKE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("FLYTELIKE_RECORD", "0")
    monkeypatch.setenv("FLYTELIKE_BACKEND_OPTIONS", "mode=thread")
    facts = json.loads(ok("info", "--json"))["config"]
    assert facts["record_direct_calls"] is False
    assert facts["backend_options"] == {"mode": "thread"}
    assert "  record_direct_calls = False" in ok("info")


def test_a_bad_type_system_setting_names_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import typesystem._registry as registry_module

    monkeypatch.setenv("FLYTELIKE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("FLYTELIKE_STRICT_TYPES", "maybe")
    monkeypatch.setattr(registry_module, "_default", None)  # (read when it is built)
    fresh = tmp_path / "fresh_flows.py"  # (a module not imported yet: its tasks are defined now)
    fresh.write_text("from flytelike import task\n\n@task\ndef f(x: int) -> int:\n    return x\n")
    r = CliRunner().invoke(main, ["run", str(fresh), "f", "--x", "1"])
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert r.stderr.startswith(
        "Error: SettingError: environment variable FLYTELIKE_STRICT_TYPES='maybe' is not valid: "
        "expected a boolean"
    )
