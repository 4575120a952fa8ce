"""Where a run's code came from, so that ``resume`` finds it again from any directory.

A run's tasks name their functions by module (``FunctionRef``: ``module:qualname``; a script run
as ``__main__`` names the module after its file, and is recorded with that file). A new run
records, in its options (``"code"``), every such module with the file it was loaded from and
the ``sys.path`` entry it was found under (its root: the file's folder, minus one folder per
dot of the module name). ``prepare`` puts those roots back on ``sys.path`` in the resuming
process and imports the modules before anything is recorded, so a run whose code moved or
cannot be imported fails with a ``ResumeError`` naming the module, the recorded file and what
to do, and its record is left as it was.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

from flytelike.compiler import main_module_named
from flytelike.engine._index import ClosureIndex
from flytelike.engine.errors import ResumeError
from flytelike.ir import Closure

# id(closure) -> (closure, location); closures are immutable.
_SEEN: dict[int, tuple[Closure, dict[str, Any]]] = {}


def modules_of(index: ClosureIndex) -> list[str]:
    """The modules the closure's tasks import their functions from (sorted)."""
    found = {
        t.function.module
        for t in index.tasks.values()
        if t.function is not None and not t.function.pickled and t.function.module
    }
    found.discard("__main__")
    return sorted(found)


def _root(module: str, file: str) -> str:
    """The ``sys.path`` entry ``module`` was found under, given the file it was loaded from."""
    folder = os.path.dirname(os.path.abspath(file))
    depth = module.count(".")
    if os.path.basename(file).startswith("__init__."):
        depth += 1  # a package: its file is one folder deeper
    for _ in range(depth):
        folder = os.path.dirname(folder)
    return folder


def code_location(closure: Closure, index: ClosureIndex | None = None) -> dict[str, Any]:
    """``{"modules": {module: file}, "paths": [root, ...]}`` for the run of ``closure``."""
    hit = _SEEN.get(id(closure))
    if hit is not None and hit[0] is closure:
        return hit[1]
    modules: dict[str, str] = {}
    paths: list[str] = []
    for name in modules_of(index or ClosureIndex(closure)):
        file = getattr(sys.modules.get(name) or main_module_named(name), "__file__", None)
        if not file:
            continue  # a namespace package, or not imported here: nothing to record
        modules[name] = os.path.abspath(file)
        root = _root(name, file)
        if root not in paths:
            paths.append(root)
    location = {"modules": modules, "paths": paths}
    if len(_SEEN) > 256:
        _SEEN.clear()
    _SEEN[id(closure)] = (closure, location)
    return location


def prepare(run_name: str, closure: Closure, location: dict[str, Any] | None) -> None:
    """Make the code of ``closure`` importable in this process, as recorded in ``location``
    (``None`` for runs recorded before locations were): missing roots go to the front of
    ``sys.path``; every module is imported. Raises ``ResumeError`` when one cannot be."""
    recorded: dict[str, str] = dict((location or {}).get("modules") or {})
    for root in reversed((location or {}).get("paths") or []):
        if root not in sys.path and os.path.isdir(root):
            sys.path.insert(0, root)
    for name in modules_of(ClosureIndex(closure)):
        if name in sys.modules or main_module_named(name) is not None:
            continue  # (a script's module is its ``__main__`` here: never imported twice)
        try:
            importlib.import_module(name)
        except Exception as e:
            file = recorded.get(name)
            if file is None:
                where = (
                    "the run was recorded without the location of its code (by an older "
                    "flytelike); put the project's root folder on PYTHONPATH"
                )
            elif not os.path.exists(file):
                where = (
                    f"it was loaded from {file}, which no longer exists; restore it there, or "
                    "put the folder that now holds the module on PYTHONPATH"
                )
            else:
                where = f"it was loaded from {file}; fix the error above"
            raise ResumeError(
                f"cannot resume run {run_name}: its task code, module {name!r}, cannot be "
                f"imported ({type(e).__name__}: {e}); {where}, then resume again. The run's "
                "record was not changed."
            ) from e
