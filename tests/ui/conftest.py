from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from flytelike.engine import Engine
from flytelike.ui import UIServer, serve

from . import ui_wfs


@pytest.fixture
def home(home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The suite's home (tests/conftest.py), with no progress display for what the UI runs
    (set before the suite's ``engine`` is built on it)."""
    monkeypatch.setenv("FLYTELIKE_NO_PROGRESS", "1")
    return home


@pytest.fixture
def recorded(engine: Engine) -> dict[str, str]:
    """A succeeded and a failed run of the same workflow."""
    ok = engine.run(ui_wfs.squares_then_check, n=3)
    bad = engine.run(ui_wfs.squares_then_check, n=4, wait=False)
    bad.wait()
    return {"ok": ok.name, "failed": bad.name}


@pytest.fixture
def server(engine: Engine) -> Iterator[UIServer]:
    s = serve(engine, port=0)
    s.start()
    yield s
    s.shutdown()
    s.server_close()
