"""Fixtures shared by the test folders: a temporary FLYTELIKE_HOME (``home``) and a fresh engine
on it installed as the default (``engine``). Folders that need another engine (``v2``, ``ui``)
override ``engine`` in their own conftest."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from flytelike import engine as eng
from flytelike.engine import Engine, EngineConfig


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    h = tmp_path / "home"
    monkeypatch.setenv("FLYTELIKE_HOME", str(h))
    return h


@pytest.fixture
def engine(home: Path) -> Iterator[Engine]:
    e = Engine(EngineConfig.from_env())
    old = eng.set_default_engine(e)
    yield e
    eng.set_default_engine(old)
    e.close()
