"""Hits remembered in memory stay correct when another process (or engine) clears, deletes or
overwrites cache entries: the shared cache generation invalidates every memo."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from flytelike.engine import Engine, EngineConfig
from tests.engine.cache_memo_wfs import logged

ROOT = Path(__file__).resolve().parents[2]


def _runs(log: Path) -> int:
    return len(log.read_text().split()) if log.exists() else 0


def test_repeated_hits_do_not_rerun(engine: Engine, tmp_path: Path) -> None:
    log = tmp_path / "log"
    assert [logged(x=3, log=str(log)) for _ in range(5)] == [6] * 5
    assert _runs(log) == 1


def test_clear_from_another_process_is_seen(engine: Engine, home: Path, tmp_path: Path) -> None:
    log = tmp_path / "log"
    assert logged(x=1, log=str(log)) == 2
    assert logged(x=1, log=str(log)) == 2
    assert _runs(log) == 1
    env = {**os.environ, "FLYTELIKE_HOME": str(home), "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-m", "flytelike", "cache", "clear"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "cleared" in out.stdout
    assert logged(x=1, log=str(log)) == 2
    assert _runs(log) == 2  # the memo did not answer after the clear


def test_overwrite_by_another_engine_is_seen(engine: Engine, tmp_path: Path) -> None:
    log = tmp_path / "log"
    assert engine.run(logged, x=4, log=str(log)).outputs() == 8
    assert engine.run(logged, x=4, log=str(log)).outputs() == 8
    other = Engine(EngineConfig.from_env())
    try:
        other.run(logged, x=4, log=str(log), overwrite_cache=True).outputs()
        assert _runs(log) == 2
        old = engine.cache._seen
        assert engine.run(logged, x=4, log=str(log)).outputs() == 8
        assert engine.cache._seen != old  # it noticed the replacement and read the store again
        assert _runs(log) == 2
    finally:
        other.close()


def test_cleared_in_this_process(engine: Engine, tmp_path: Path) -> None:
    log = tmp_path / "log"
    logged(x=5, log=str(log))
    assert engine.cache.clear() >= 1
    logged(x=5, log=str(log))
    assert _runs(log) == 2
