"""``flytelike run``, ``runs``, ``resume`` and ``cache`` through click's CliRunner."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from flytelike.cli import main
from flytelike.engine import Engine

HERE = Path(__file__).parent
WFS = str(HERE / "cli_wfs.py")


def invoke(*args: str) -> object:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def ok(*args: str) -> str:
    r = CliRunner().invoke(main, list(args))
    assert r.exit_code == 0, (r.output, r.exception)
    return r.stdout


ALL = [
    "--count", "3", "--ratio", "0.5", "--label", "hi", "--flag", "--when", "2024-01-02T03:04:05",
    "--wait", "90", "--color", "green", "--items", "[1, 2, 3]", "--table", '{"a": 1}',
    "--point", '{"x": 1, "y": 2.5}',
]  # fmt: skip


def test_run_with_every_kind_of_flag(engine: Engine) -> None:
    out = json.loads(ok("run", WFS, "describe", *ALL))
    assert out == {"o0": "3|0.5|hi|True|2024-01-02T03:04:05|90.0|green|6|[('a', 1)]|1,2.5|7"}
    out = json.loads(
        ok(
            "run",
            WFS,
            "describe",
            *ALL,
            "--snake-case-input",
            "1",
            "--flag",
            "false",
            "--wait",
            "1m",
        )
    )
    assert out["o0"].endswith("|False|2024-01-02T03:04:05|60.0|green|6|[('a', 1)]|1,2.5|1")
    out = json.loads(ok("run", WFS, "describe", *ALL, "--snake_case_input", "2"))
    assert out["o0"].endswith("|2")


def test_inputs_file_json_yaml_and_files(engine: Engine, tmp_path: Path) -> None:
    (tmp_path / "items.yaml").write_text("- 5\n- 6\n")
    out = json.loads(ok("run", WFS, "describe", *ALL, "--items", str(tmp_path / "items.yaml")))
    assert "|11|" in out["o0"]
    out = json.loads(
        ok("run", WFS, "describe", *ALL, "--run-name", "late-options", "--overwrite-cache")
    )
    assert "late-options" in ok("runs", "list")
    # flyte's `flyte run --local FILE TASK`: accepted before FILE and after ENTITY
    assert json.loads(ok("run", "--local", WFS, "describe", *ALL))["o0"].startswith("3|")
    assert json.loads(ok("run", WFS, "describe", *ALL, "--local"))["o0"].startswith("3|")
    r = CliRunner().invoke(main, ["run", "--local", "--executor", "h:1", WFS, "describe", *ALL])
    assert r.exit_code == 2 and "--local runs in this process" in r.output
    inputs = tmp_path / "in.yaml"
    inputs.write_text(
        "count: 1\nratio: 2.0\nlabel: x\nflag: true\nwhen: '2024-01-01T00:00:00'\nwait: 5\n"
        "color: red\nitems: [1]\ntable: {b: 2}\npoint: {x: 0, y: 0.0}\n"
    )
    out = json.loads(ok("run", "--inputs-file", str(inputs), WFS, "describe", "--count", "9"))
    assert out["o0"].startswith("9|2.0|x|True|")
    f = tmp_path / "a.txt"
    f.write_text("hello\n")
    assert json.loads(ok("run", WFS, "read_file", "--f", str(f)))["o0"] == "hello"
    d = tmp_path / "d"
    d.mkdir()
    (d / "1").write_text("1")
    (d / "2").write_text("2")
    assert json.loads(ok("run", WFS, "count_files", "--d", str(d)))["o0"] == 2
    import pandas as pd

    pd.DataFrame({"a": [1, 2, 3]}).to_csv(tmp_path / "t.csv", index=False)
    pd.DataFrame({"a": [4, 5]}).to_parquet(tmp_path / "t.parquet")
    assert json.loads(ok("run", WFS, "total", "--df", str(tmp_path / "t.csv")))["o0"] == 6
    assert json.loads(ok("run", WFS, "total", "--df", str(tmp_path / "t.parquet")))["o0"] == 9


def test_errors_are_readable(engine: Engine) -> None:
    r = CliRunner().invoke(main, ["run", WFS, "fail", "--x", "4"])
    assert r.exit_code == 1
    assert "FAILED" in r.output and "bad input 4" in r.output
    r = CliRunner().invoke(main, ["run", WFS, "pair", "--a", "1"])
    assert r.exit_code == 2 and "missing inputs: --b" in r.output
    r = CliRunner().invoke(main, ["run", WFS, "pair", "--a", "x", "--b", "1"])
    assert r.exit_code == 2 and "'x' is not a valid integer" in r.output
    r = CliRunner().invoke(main, ["run", WFS, "describe", *ALL[:-2], "--point", '{"x": "no"}'])
    assert r.exit_code == 2 and "point" in r.output
    r = CliRunner().invoke(main, ["run", WFS, "nope"])
    assert r.exit_code == 2 and "entities there" in r.output
    r = CliRunner().invoke(
        main, ["run", "--backend", "nosuch", WFS, "pair", "--a", "1", "--b", "2"]
    )
    assert r.exit_code == 1 and "nosuch" in r.output


def test_help_lists_generated_flags(engine: Engine) -> None:
    out = ok("run", WFS, "describe", "--help")
    for flag in ("--count", "--snake-case-input", "--color", "[red|green]", "--point"):
        assert flag in out
    assert "ENTITY" in ok("run", "--help")


def test_runs_list_get_outputs_and_cache(engine: Engine) -> None:
    ok("run", "--run-name", "clirun1", WFS, "pair", "--a", "2", "--b", "3")
    assert json.loads(ok("runs", "outputs", "clirun1")) == {"o0": 5, "o1": 6}
    assert "clirun1" in ok("runs", "list")
    assert json.loads(ok("runs", "list", "--json"))[0]["name"] == "clirun1"
    got = ok("runs", "get", "clirun1")
    assert "SUCCEEDED" in got and "cli_wfs.pair" in got
    r = CliRunner().invoke(main, ["runs", "get", "nosuch"])
    assert r.exit_code == 1 and "nosuch" in r.output
    assert "cache" in ok("cache", "list") or ok("cache", "list")
    assert "cleared" in ok("cache", "clear")


def test_resume_command(engine: Engine) -> None:
    r = CliRunner().invoke(main, ["run", "--run-name", "clifail", WFS, "fail", "--x", "1"])
    assert r.exit_code == 1
    r = CliRunner().invoke(main, ["resume", "clifail"])
    assert r.exit_code == 1 and "bad input 1" in r.output
    ok("run", "--run-name", "cliok", WFS, "pair", "--a", "1", "--b", "1")
    r = CliRunner().invoke(main, ["resume", "cliok"])
    assert r.exit_code == 1 and "nothing to resume" in r.output


@pytest.mark.parametrize("how", ["module"])
def test_subprocess(how: str, home: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "flytelike", "run", WFS, "pair", "--a", "4", "--b", "5"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"o0": 9, "o1": 20}
    assert "SUCCEEDED" in proc.stderr
