"""Testing helpers: mock tasks and reference entities in local runs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock


@contextmanager
def task_mock(entity: Any) -> Iterator[mock.MagicMock]:
    """Replace what ``entity`` does when run locally: ``with task_mock(t) as m: m.return_value = 1``."""
    m = mock.MagicMock()
    if hasattr(entity, "mock"):
        saved = entity.mock
        entity.mock = m
        try:
            yield m
        finally:
            entity.mock = saved
        return
    with mock.patch.object(entity, "execute", lambda native: m(**native)):
        yield m


__all__ = ["task_mock"]
