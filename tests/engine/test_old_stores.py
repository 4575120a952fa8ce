"""Run stores written before the 0.2 module layout open, migrate and read back (issue 11).

The fixture store (tests/engine/stores/v0.1, see its README) was written by flytelike 0.1.0. Its
run's output is pickled and names classes by their 0.1 module paths (``flytelike._cache``,
``flytelike._carried``, ``flytelike._secret``, ``flytelike._task``); flytelike._compat.moved
answers those paths with the moved modules.
"""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import flytelike
from flytelike._compat.moved import MOVED
from flytelike.engine import Engine, EngineConfig

STORE = Path(__file__).parent / "stores" / "v0.1"
RUN = "r20261204-214e6d36-0"


@pytest.fixture
def old_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    for f in ("runs.db", "runs.db.key", "runs.db.cache-generation"):
        shutil.copy(STORE / f, home / f)
        (home / f).chmod(0o600)
    monkeypatch.setenv("FLYTELIKE_HOME", str(home))
    return home


def test_a_run_recorded_by_0_1_reads_back_with_the_moved_classes(old_home: Path) -> None:
    engine = Engine(EngineConfig.from_env())
    try:
        [record] = [r for r in engine.list_runs() if r.name == RUN]
        assert record.phase == "SUCCEEDED" and record.entity == "make_store.wf"
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = engine.get_run(RUN).outputs()
    finally:
        engine.close()
    assert out["cache"] == flytelike.Cache(version="1")
    assert out["labels"] == flytelike.Labels({"team": "data"})
    assert out["secret"] == flytelike.Secret(key="token")
    assert out["docs"].short_description == "made by 0.1"
    task = out["task"]
    assert isinstance(task, flytelike.PythonFunctionTask)
    assert task(x=21) == 42  # the 0.1 task, pickled by value, runs today
    moved = {str(w.message).split()[0] for w in caught if w.category is DeprecationWarning}
    assert {"flytelike._cache", "flytelike._carried", "flytelike._task"} <= moved


def test_the_cli_lists_and_gets_a_0_1_run(old_home: Path) -> None:
    cli = [sys.executable, "-m", "flytelike"]
    listed = subprocess.run([*cli, "runs", "list"], capture_output=True, text=True, check=True)
    assert RUN in listed.stdout and "SUCCEEDED" in listed.stdout
    shown = subprocess.run([*cli, "runs", "get", RUN], capture_output=True, text=True)
    assert shown.returncode == 0, shown.stderr
    assert "make_store.wf" in shown.stdout


@pytest.mark.parametrize(("old", "new"), sorted(MOVED.items()))
def test_every_old_module_path_is_the_moved_module(old: str, new: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        assert importlib.import_module(old) is importlib.import_module(new)
    module = sys.modules[new]
    assert module.__spec__ is not None and module.__spec__.name == new  # (its own spec kept)


def test_an_old_path_warns_naming_the_new_one() -> None:
    sys.modules.pop("flytelike._workflow", None)
    with pytest.warns(
        DeprecationWarning, match=r"flytelike\._workflow moved to flytelike\._entities\.workflow"
    ):
        importlib.import_module("flytelike._workflow")
