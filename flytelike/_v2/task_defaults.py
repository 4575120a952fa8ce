"""flytekit's ``Environment``: task settings shared by the tasks it decorates (``TaskDefaults``).

``flytelike.Environment`` (``flytelike._v2.env``) is one name that flyte 2 and flytekit give
different meanings:

- In flyte 2, ``flyte.Environment`` is the base class of ``TaskEnvironment`` and
  ``AppEnvironment`` (``isinstance(env, flyte.Environment)`` holds for both), and
  ``Environment(name, ...)`` makes a ``TaskEnvironment``.
- In flytekit, ``flytekit.Environment(**task_settings)`` holds settings for the tasks it
  decorates: ``@env.task`` (or ``@env``) and ``@env.dynamic`` make tasks with those settings,
  ``@env.task(retries=3)`` adds to them for one task, ``env.update(...)`` changes them in place,
  ``env.extend(...)`` returns a new environment with more, ``env.show()`` prints them and
  ``env.overrides`` is the dict. A setting given again replaces the old one, except dicts (such as
  ``environment={...}``), which are merged key by key.

Which one a call means is read from its arguments: a name (the first positional argument, or
``name=``) is flyte 2's, settings alone are flytekit's (``TaskDefaults``). Unlike flytekit, a
setting that ``@task`` does not take is an error when the environment is made, not when its first
task is decorated.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from flytelike.errors import DefinitionError


def _merged(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """``old`` with ``new``'s settings: dicts merged key by key, anything else replaced."""
    out = copy.deepcopy(old)
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merged(out[key], value)
        else:
            out[key] = value
    return out


def _checked(settings: dict[str, Any], where: str) -> dict[str, Any]:
    from flytelike._settings.task import KNOWN

    if "_task_function" in settings:
        raise DefinitionError(f"{where}: the task's function is not a setting")
    unknown = sorted(set(settings) - KNOWN)
    if unknown:
        raise DefinitionError(
            f"{where}: unexpected setting(s) {', '.join(unknown)}; an Environment takes what "
            f"@task takes: {', '.join(sorted(KNOWN))}"
        )
    return settings


class TaskDefaults:
    """flytekit's ``Environment``: task settings shared by the tasks it decorates (see the
    module docstring)."""

    def __init__(self, **overrides: Any) -> None:
        self.overrides: dict[str, Any] = _checked(dict(overrides), "Environment(...)")

    def update(self, **overrides: Any) -> None:
        """Change this environment's settings (later tasks get them)."""
        self.overrides = _merged(self.overrides, _checked(overrides, "Environment.update(...)"))

    def extend(self, **overrides: Any) -> TaskDefaults:
        """A new environment: these settings and ``overrides``."""
        return TaskDefaults(**_merged(self.overrides, overrides))

    def show(self) -> None:
        """Print the settings."""
        from rich.console import Console
        from rich.pretty import Pretty

        Console().print(Pretty(self.overrides))

    def _decorate(self, maker: Callable[..., Any], fn: Any, overrides: dict[str, Any]) -> Any:
        settings = _merged(self.overrides, _checked(overrides, "Environment.task(...)"))
        if fn is None:
            return lambda f: maker(f, **settings)
        if not callable(fn):
            raise DefinitionError(
                f"Environment.{maker.__name__}: decorates a function, got {type(fn).__name__}"
            )
        return maker(fn, **settings)

    def __call__(self, _task_function: Any = None, /, **overrides: Any) -> Any:
        """``@env``, ``@env.task`` or ``@env.task(**more_settings)``: a task with these
        settings."""
        from flytelike._entities.task import task

        return self._decorate(task, _task_function, overrides)

    task = __call__

    def dynamic(self, _task_function: Any = None, /, **overrides: Any) -> Any:
        """``@env.dynamic`` (or with more settings): a dynamic workflow with these settings."""
        from flytelike._entities.dynamic import dynamic

        return self._decorate(dynamic, _task_function, overrides)

    def __repr__(self) -> str:
        return f"Environment({', '.join(f'{k}={v!r}' for k, v in self.overrides.items())})"
