"""Every v2 test runs on a fresh engine under a temporary FLYTELIKE_HOME."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from flytelike import engine as eng
from flytelike.engine import Engine, EngineConfig


@pytest.fixture(autouse=True)
def engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    monkeypatch.setenv("FLYTELIKE_HOME", str(tmp_path / "home"))
    e = Engine(EngineConfig.from_env())
    old = eng.set_default_engine(e)
    yield e
    eng.set_default_engine(old)
    e.close()
