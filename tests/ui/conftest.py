from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from flytelike import engine as eng
from flytelike.engine import Engine, EngineConfig
from flytelike.ui import UIServer, serve

from . import ui_wfs


@pytest.fixture
def engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    monkeypatch.setenv("FLYTELIKE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("FLYTELIKE_NO_PROGRESS", "1")
    e = Engine(EngineConfig.from_env())
    old = eng.set_default_engine(e)
    yield e
    eng.set_default_engine(old)
    e.close()


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
