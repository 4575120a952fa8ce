"""Testing helpers: mock tasks and reference entities in local runs.

``task_mock(entity)`` is a context manager yielding the mock; ``patch(entity)`` decorates a test
function and passes the mock as its last positional argument (as flytekit's ``testing.patch``
does); ``SecretsManager`` is the secrets lookup of ``current_context().secrets`` (flytekit
tests patch its ``get``). The pytest fixtures ``flytelike_home`` and ``flytelike_engine`` come from the
``flytelike`` pytest plugin (``flytelike.pytest_plugin``), loaded automatically; they are also
importable from here (``from flytelike.testing import flytelike_home`` in a ``conftest.py``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar
from unittest import mock

from flytelike.backends import Secrets as SecretsManager

if TYPE_CHECKING:
    from flytelike.pytest_plugin import flytelike_engine, flytelike_home

F = TypeVar("F", bound=Callable[..., Any])


@contextmanager
def task_mock(entity: Any) -> Iterator[mock.MagicMock]:
    """Replace what ``entity`` does when run locally: ``with task_mock(t) as m: m.return_value = 1``.

    Works for tasks, workflows, launch plans and reference entities, whether they are called
    directly or run as nodes of a workflow: the engine's local backend finds the entity in the
    live registry and calls the mock with the native (converted) inputs.
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


def patch(entity: Any) -> Callable[[F], F]:
    """Decorate a test so that ``entity`` is mocked while it runs; the mock is passed as the
    test's last positional argument::

        @patch(fetch_rows)
        def test_report(mock_fetch):
            mock_fetch.return_value = [1, 2]
            assert report_wf() == 3
    """
    from flytelike.errors import DefinitionError

    if not hasattr(entity, "python_interface"):
        raise DefinitionError(
            f"patch() takes a task, workflow, launch plan or reference entity, got {entity!r}; "
            "use unittest.mock.patch for plain functions"
        )

    def decorate(test: F) -> F:
        import inspect

        # The mock fills the test's last positional parameter, by name, so that pytest's
        # fixtures (passed as keywords) fill the others; pytest sees the signature without it.
        sig = inspect.signature(test)
        params = list(sig.parameters.values())
        positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        if not positional:
            raise DefinitionError(
                f"@patch({getattr(entity, 'name', entity)!r}) on {test.__qualname__}: the test "
                "needs a parameter to receive the mock (e.g. `def test_x(mock_task): ...`)"
            )
        slot = positional[-1]

        @functools.wraps(test)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with task_mock(entity) as m:
                if slot.kind is slot.POSITIONAL_ONLY:
                    return test(*args, m, **kwargs)
                return test(*args, **{**kwargs, slot.name: m})

        params.remove(slot)
        wrapper.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
        del wrapper.__wrapped__
        return wrapper  # type: ignore[return-value]

    return decorate


def __getattr__(name: str) -> Any:
    # The fixtures live in the pytest plugin (which imports pytest); they are exported here too,
    # for suites that run with PYTEST_DISABLE_PLUGIN_AUTOLOAD and import them in a conftest.py.
    if name in ("flytelike_home", "flytelike_engine"):
        from flytelike import pytest_plugin

        return getattr(pytest_plugin, name)
    raise AttributeError(f"module 'flytelike.testing' has no attribute {name!r}")


__all__ = ["SecretsManager", "flytelike_engine", "flytelike_home", "patch", "task_mock"]
