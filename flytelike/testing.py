"""Testing helpers: mock tasks and reference entities in local runs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock


@contextmanager
def task_mock(entity: Any) -> Iterator[mock.MagicMock]:
    """Replace what ``entity`` does when run locally: ``with task_mock(t) as m: m.return_value = 1``.

    Works for tasks, reference tasks, reference workflows and reference launch plans, whether
    they are called directly or run as nodes of a workflow: the engine's local backend finds the
    entity in the live registry and calls the mock with the native (converted) inputs.
    """
    m = mock.MagicMock()
    saved = entity.__dict__.get("mock", None)
    entity.mock = m
    try:
        yield m
    finally:
        if saved is None:
            entity.__dict__.pop("mock", None)
        else:
            entity.mock = saved


__all__ = ["task_mock"]
