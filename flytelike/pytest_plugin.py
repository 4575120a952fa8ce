"""pytest fixtures for testing flytelike tasks and workflows (registered as the ``flytelike``
pytest plugin through the ``pytest11`` entry point, so installing flytelike is enough).

``flytelike_home``
    A temporary ``FLYTELIKE_HOME`` for the test: runs, cache entries and blobs land in the
    test's ``tmp_path``, never in ``~/.flytelike``. Direct calls (``wf(x=1)``) made in the test
    use a default engine on that home, which is closed at the end of the test.
``flytelike_engine``
    An ``Engine`` on ``flytelike_home``, also installed as the default engine, for tests that
    inspect runs: ``run = flytelike_engine.run(wf, x=1); run.actions()``.

A test that uses neither fixture still works (direct calls use ``FLYTELIKE_HOME`` or
``~/.flytelike``); the fixtures make each test independent of the others and of the user's home.
Mocks: ``flytelike.testing.task_mock`` / ``flytelike.testing.patch``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from flytelike.engine import Engine


@pytest.fixture
def flytelike_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh ``FLYTELIKE_HOME`` under ``tmp_path``, with a default engine that uses it."""
    from flytelike import engine

    home = tmp_path / "flytelike-home"
    monkeypatch.setenv("FLYTELIKE_HOME", str(home))
    # Engines read the environment when they are built: drop the default one so that the next
    # direct call builds one on this home, and close whatever the test built.
    previous = engine.set_default_engine(None)
    try:
        yield home
    finally:
        built = engine.set_default_engine(previous)
        if built is not None:
            built.close()


@pytest.fixture
def flytelike_engine(flytelike_home: Path) -> Iterator[Engine]:
    """An engine on ``flytelike_home``, installed as the default engine for the test."""
    from flytelike import engine

    eng = engine.Engine(engine.EngineConfig.from_env())
    previous = engine.set_default_engine(eng)
    try:
        yield eng
    finally:
        engine.set_default_engine(previous)
        eng.close()
