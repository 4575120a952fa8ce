"""flyte 2's ``load_interactive_ctx``: a debugger or REPL session restores the context of a task
from its run context file, and ``flytelike.ctx()`` answers as inside that task."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import flytelike as flyte
from flytelike._v2 import context as _context
from flytelike._v2 import init as _init
from flytelike._v2.interactive import interactive_run_context_path, write_interactive_run_context
from flytelike.errors import ConfigurationError

PARAMS = {
    "name": "a0",
    "run_name": "r-debug-1",
    "project": "ml",
    "domain": "development",
    "org": "acme",
    "version": "v7",
    "inputs": "s3://bucket/r-debug-1/a0/inputs.pb",
    "outputs_path": "s3://bucket/r-debug-1/a0",
    "run_base_dir": "s3://bucket/r-debug-1",
    "raw_data_path": "s3://bucket/raw/r-debug-1",
}


@pytest.fixture(autouse=True)
def fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_init, "_CONFIG", [])
    monkeypatch.setattr(_context, "_INTERACTIVE", [])


def test_the_context_of_a_task_is_restored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    written = write_interactive_run_context(PARAMS, tmp_path)
    assert written == tmp_path / ".flyte" / "run_context.json"
    assert json.loads(written.read_text())["config_version"] == 1
    assert flyte.ctx().action is None
    monkeypatch.chdir(tmp_path)
    tctx = flyte.load_interactive_ctx()
    assert flyte.ctx() is tctx and tctx.is_in_task and tctx.interactive_mode
    assert (tctx.action.name, tctx.action.run_name, tctx.action.org) == ("a0", "r-debug-1", "acme")
    assert tctx.raw_data_path.path == "s3://bucket/raw/r-debug-1" and tctx.mode == "remote"
    assert (tctx.version, tctx.output_path, tctx.input_path) == (
        "v7",
        "s3://bucket/r-debug-1/a0",
        "s3://bucket/r-debug-1/a0/inputs.pb",
    )
    assert (flyte.current_project(), flyte.current_domain()) == ("ml", "development")


def test_templated_names_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_interactive_run_context(
        {**PARAMS, "run_name": "{{.runName}}", "name": "{{.actionName}}"}, tmp_path
    )
    monkeypatch.setenv("RUN_NAME", "r-env")
    monkeypatch.setenv("ACTION_NAME", "a3")
    tctx = flyte.load_interactive_ctx(path)
    assert (tctx.action.run_name, tctx.action.name) == ("r-env", "a3")


def test_missing_or_incomplete_files_say_so(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"No run context file found at .*nope\.json"):
        flyte.load_interactive_ctx(tmp_path / "nope.json")
    path = write_interactive_run_context({**PARAMS, "org": "", "version": None}, tmp_path)
    with pytest.raises(ConfigurationError, match="missing required fields: org, version"):
        flyte.load_interactive_ctx(path)
    path.write_text("[1, 2]")
    with pytest.raises(ConfigurationError, match="must hold a JSON object"):
        flyte.load_interactive_ctx(path)
    assert interactive_run_context_path(tmp_path) == path
    assert flyte.ctx().action is None  # (nothing was installed)
