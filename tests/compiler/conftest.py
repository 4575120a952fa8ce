"""Shared fixtures: launch plans are cached by name process-wide, as in flytekit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from flytelike import LaunchPlan


@pytest.fixture
def fresh_launch_plans() -> Iterator[None]:
    saved = dict(LaunchPlan.CACHE)
    LaunchPlan.CACHE.clear()
    try:
        yield
    finally:
        LaunchPlan.CACHE.clear()
        LaunchPlan.CACHE.update(saved)
