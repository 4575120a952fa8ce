"""Failures on the real command line (subprocesses): a failed run, `runs get`, `runs logs`, and
errors of the user's code at import or compile time, each in a few lines, exit status 1."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from flytelike.compiler._naming import module_for_file
from tests.engine import failures_wfs as w

WFS = w.__file__
# The CLI imports the file under its name from the project root, which names its tasks.
BOOM = f"{module_for_file(WFS)}.boom"
CHATTY = f"{module_for_file(WFS)}.chatty"


def flytelike(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FLYTELIKE_HOME": str(home), "FLYTELIKE_NO_PROGRESS": "1"}
    return subprocess.run(
        [sys.executable, "-m", "flytelike", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=str(Path(WFS).parent.parent.parent),
    )


def _run_name(stderr: str) -> str:
    found = re.search(r"^run (\S+): ", stderr, re.M)
    assert found, stderr
    return found.group(1)


def _check_line() -> int:
    """The line of `raise ValueError` in failures_wfs.py."""
    lines = Path(WFS).read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if "raise ValueError" in line)


def test_a_failed_run_prints_where_and_why_and_runs_get_logs_show_more(home: Path) -> None:
    r = flytelike(home, "run", WFS, "fails", "--x", "3")
    assert r.returncode == 1
    name = _run_name(r.stderr)
    err = r.stderr.split("about to fail on 3\n", 1)[-1]
    assert f"Error: run {name} FAILED at node n0 (task {BOOM}, attempt 1): " in err
    assert "ValueError: bad input 3" in err
    assert f'File "{WFS}", line {_check_line()}, in _check' in err
    assert f"flytelike runs get {name}" in err and f"flytelike runs logs {name}" in err
    assert "flytelike/backends" not in err and "flytelike/engine" not in err
    assert len(err.strip().splitlines()) <= 12, err
    assert r.stdout == "checking 3\n"  # what the task printed, live

    got = flytelike(home, "runs", "get", name)
    assert got.returncode == 0, got.stderr
    out = got.stdout
    assert f"failed:   node n0 (task {BOOM}, attempt 1)" in out
    assert "error:    builtins.ValueError (USER error)" in out
    assert "message:  ValueError: bad input 3" in out
    assert f'File "{WFS}", line {_check_line()}, in _check' in out
    assert f"flytelike runs logs {name}" in out

    logs = flytelike(home, "runs", "logs", name)
    assert logs.returncode == 0, logs.stderr
    assert logs.stdout == (f"=== n0 {BOOM} (attempt 1) ===\nchecking 3\nabout to fail on 3\n")
    only_err = flytelike(home, "runs", "logs", name, "boom", "--stream", "stderr")
    assert only_err.stdout.splitlines()[1:] == ["about to fail on 3"]
    missing = flytelike(home, "runs", "logs", name, "n7")
    assert missing.returncode == 1 and "no output recorded for 'n7'" in missing.stderr


def test_verbose_shows_the_full_traceback(home: Path) -> None:
    r = flytelike(home, "run", "-v", WFS, "fails", "--x", "3")
    assert r.returncode == 1
    assert "Traceback (most recent call last):" in r.stderr
    assert "flytelike/backends/_local.py" in r.stderr  # every frame, the library's too


def test_logs_of_concurrent_items_keep_their_lines(home: Path) -> None:
    r = flytelike(home, "run", WFS, "chatty_map", "--xs", "[0, 1, 2, 3, 4, 5]")
    assert r.returncode == 0, r.stderr
    printed = [line for line in r.stdout.splitlines() if line.startswith("item")]
    assert len(printed) == 6 * 40
    assert all(re.fullmatch(r"item \d line \d+ middle end", line) for line in printed)
    name = _run_name(r.stderr)
    item = flytelike(home, "runs", "logs", name, "n0[4]").stdout.splitlines()
    assert item[0] == f"=== n0[4] {CHATTY} (attempt 1) ==="
    assert item[1:] == [f"item 4 line {k} middle end" for k in range(40)] + ["item 4 done"]


def _user_file(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / "proj" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(textwrap.dedent(body))
    return path


@pytest.mark.parametrize(
    ("body", "line", "expect"),
    [
        (
            """\
            import flytelike as fl

            @fl.task
            def t(x: int) -> int
                return x
            """,
            4,
            "SyntaxError: expected ':'",
        ),
        (
            """\
            import flytelike as fl

            def settings():
                raise RuntimeError("config missing")

            VALUE = settings()
            """,
            4,
            "RuntimeError: config missing",
        ),
        (
            """\
            import flytelike as fl
            import no_such_module_anywhere
            """,
            2,
            "ModuleNotFoundError: No module named 'no_such_module_anywhere'",
        ),
        (
            """\
            import flytelike as fl

            @fl.task
            def t(x: int) -> int:
                return x

            @fl.workflow
            def wf(x: int) -> int:
                return t(x="a")
            """,
            9,
            "BindingTypeError: workflow",
        ),
    ],
    ids=["syntax", "raises-at-import", "import-error", "compile-error"],
)
def test_errors_of_the_users_code_are_a_few_lines(
    home: Path, tmp_path: Path, body: str, line: int, expect: str
) -> None:
    path = _user_file(tmp_path, "userflow.py", body)
    r = flytelike(home, "run", str(path), "wf", "--x", "1")
    assert r.returncode == 1
    assert r.stdout == ""
    assert expect in r.stderr
    assert f"{path}:{line}" in r.stderr or f'File "{path}", line {line}' in r.stderr
    assert "importlib" not in r.stderr and "click" not in r.stderr
    assert len(r.stderr.strip().splitlines()) <= 6, r.stderr
    verbose = flytelike(home, "run", "--traceback", str(path), "wf", "--x", "1")
    assert verbose.returncode == 1
    assert len(verbose.stderr.splitlines()) > len(r.stderr.splitlines())
