"""Every v2 test runs on a fresh engine under a temporary FLYTELIKE_HOME (the suite's ``engine``,
made automatic here)."""

from __future__ import annotations

import pytest

from flytelike.engine import Engine


@pytest.fixture(autouse=True)
def engine(engine: Engine) -> Engine:
    """The suite's engine (tests/conftest.py), for every v2 test."""
    return engine
