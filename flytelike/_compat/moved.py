"""Module paths that moved in the 0.2 layout, kept importable for one release.

Run stores written before the move hold pickles (task closures, ``@eager`` parents, custom
objects) that name classes by their old module path, such as ``flytelike._task``; resuming such a
run unpickles them. ``install()`` puts a finder on ``sys.meta_path`` that answers an old path with
the module at its new one (the same module object, so ``isinstance`` checks hold), and warns once
per path with ``DeprecationWarning``. Nothing else in flytelike imports the old paths.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import sys
import warnings
from types import ModuleType
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    import importlib.abc

#: old module path -> new module path (remove in 0.3)
MOVED: dict[str, str] = {
    "flytelike._task": "flytelike._entities.task",
    "flytelike._workflow": "flytelike._entities.workflow",
    "flytelike._launch_plan": "flytelike._entities.launch_plan",
    "flytelike._dynamic": "flytelike._entities.dynamic",
    "flytelike._map": "flytelike._entities.map_task",
    "flytelike._imperative": "flytelike._entities.imperative",
    "flytelike._reference": "flytelike._entities.reference",
    "flytelike._references": "flytelike._entities.references",
    "flytelike._container": "flytelike._entities.container",
    "flytelike._gates": "flytelike._entities.gates",
    "flytelike._nodes": "flytelike._entities.nodes",
    "flytelike._eager_calls": "flytelike._entities.eager_calls",
    "flytelike._echo": "flytelike._entities.echo",
    "flytelike._sensor": "flytelike._entities.sensor",
    "flytelike._sqlite": "flytelike._entities.sqlite",
    "flytelike._kit_context": "flytelike.backends._kit_context",
    "flytelike._env": "flytelike._v2.env",
    "flytelike._v2task": "flytelike._v2.task",
    "flytelike._v2map": "flytelike._v2.map",
    "flytelike._v2run": "flytelike._v2.run",
    "flytelike._trace": "flytelike._v2.trace",
    "flytelike._context": "flytelike._v2.context",
    "flytelike._init": "flytelike._v2.init",
    "flytelike._excepthook": "flytelike._v2.excepthook",
    "flytelike._logging": "flytelike.backends._logging",
    "flytelike._cache": "flytelike._settings.cache",
    "flytelike._resources": "flytelike._settings.resources",
    "flytelike._secret": "flytelike._settings.secret",
    "flytelike._secret_store": "flytelike._settings.secret_store",
    "flytelike._carried": "flytelike._settings.carried",
    "flytelike._opaque": "flytelike._settings.opaque",
    "flytelike._schedule": "flytelike._settings.schedule",
    "flytelike._triggers": "flytelike._settings.triggers",
    "flytelike._v2config": "flytelike._settings.v2config",
    "flytelike._task_settings": "flytelike._settings.task",
    "flytelike._durations": "flytelike._settings.durations",
    "flytelike._interface": "flytelike.compiler._interface",
    "flytelike._closure": "flytelike.compiler._closure",
    "flytelike._naming": "flytelike.compiler._naming",
    "flytelike._phases": "flytelike.ir._phases",
    "flytelike._checkpoint": "flytelike.backends._checkpoint",
    "flytelike._tracebacks": "flytelike.backends._tracebacks",
    "flytelike._aliases": "flytelike._compat.aliases",
    "flytelike._flytekit_gaps": "flytelike._compat.flytekit_gaps",
    # moved later in 0.2, so that every import runs down the packages' floors (remove in 0.3)
    "flytelike.backends.conformance": "flytelike.conformance",
    "flytelike.backends._conformance_tasks": "flytelike.conformance.tasks",
    "flytelike.backends._conformance_cold": "flytelike.conformance._cold",
    "flytelike._v2.deploy": "flytelike._remote_verbs.deploy",
    "flytelike._v2.scripts": "flytelike._remote_verbs.scripts",
    "flytelike.models._flyte": "flytelike._v2.records",
    "flytelike.extras._sleep": "flytelike._v2.sleep",
}


class _Alias:
    """A loader (duck-typed: ``importlib.abc`` costs an import) that hands out the moved module."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.spec: Any = None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        warnings.warn(
            f"{spec.name} moved to {self.target}; the old path works until flytelike 0.3",
            DeprecationWarning,
            stacklevel=2,
        )
        module = importlib.import_module(self.target)
        self.spec = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        # The module is the real one, already executed. The import system has just set its
        # ``__spec__`` to the alias's spec: give it its own back, so that it still describes
        # where the module lives.
        module.__spec__ = self.spec


class _MovedFinder:
    """A meta path finder (duck-typed) for the paths in ``MOVED``."""

    def find_spec(
        self, fullname: str, path: Any, target: Any = None
    ) -> importlib.machinery.ModuleSpec | None:
        new = MOVED.get(fullname)
        if new is None:
            return None
        return importlib.machinery.ModuleSpec(fullname, cast("importlib.abc.Loader", _Alias(new)))


_FINDER = _MovedFinder()


def install() -> None:
    """Answer the old module paths (idempotent)."""
    if _FINDER not in sys.meta_path:
        sys.meta_path.append(_FINDER)
