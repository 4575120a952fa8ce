"""Every v2 test runs on a fresh engine under a temporary FLYTELIKE_HOME (the suite's ``engine``,
made automatic here), and starts without a ``flyte.init`` configuration of an earlier test (its
project and domain would name where a later test's artifacts and runs are looked up)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from flytelike._v2 import init as _init
from flytelike.engine import Engine


@pytest.fixture(autouse=True)
def engine(engine: Engine) -> Engine:
    """The suite's engine (tests/conftest.py), for every v2 test."""
    return engine


@pytest.fixture(autouse=True)
def _no_init_from_an_earlier_test() -> Iterator[None]:
    _init._CONFIG.clear()
    yield
    _init._CONFIG.clear()
