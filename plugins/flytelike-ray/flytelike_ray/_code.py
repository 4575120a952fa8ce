"""How a task's code reaches a Ray worker: the one code-shipping rule.

A task's function travels in its ``FunctionRef`` (``flytelike._entities.task.function_ref``):

1. **By value** (cloudpickle bytes in the template): functions of ``__main__`` (a script run
   with ``python script.py``), of a notebook, or defined inside another function. Nothing else
   is shipped for them.
2. **By name** (``module:qualname``), the worker imports the module:

   - modules of an **installed distribution** (``pip install``, editable installs included) and
     the standard library are imported as they are: the workers must have the same
     distributions (a local Ray instance shares the driver's virtualenv; a cluster needs them in
     its image or a ``runtime_env`` ``pip``);
   - any other module (your project's code, e.g. ``app`` when ``flytelike run app.py`` imports
     it from its folder) travels with its **code root**, the ``sys.path`` directory it was
     imported from: the backend ships that directory as the Ray job's ``runtime_env``
     ``working_dir`` when it connects (the root of the first task it runs, or ``code_root=``).
     A module under another root fails before it is submitted, with a ``CodeShippingError``
     saying how to fix it. The driver's current directory also reaches local workers (Ray adds
     it to their ``sys.path``, assuming every node has the same directory layout).

What does not live here: connecting to Ray (``_cluster``), submitting actions (``_backend``).
"""

from __future__ import annotations

import functools
import os
import sys

# Directories a working_dir upload never needs (Ray also honours .gitignore files).
EXCLUDES = [".git", "**/__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".venv"]


@functools.lru_cache(maxsize=1)
def _installed_top_levels() -> frozenset[str]:
    from importlib.metadata import packages_distributions

    return frozenset(packages_distributions())


def code_root(module: str) -> str | None:
    """The directory ``module`` was imported from when its code must be shipped to workers;
    ``None`` when it needs nothing (installed, standard library, not imported here: then it
    travels by value or the worker imports it as it is)."""
    mod = sys.modules.get(module)
    file: str | None = getattr(mod, "__file__", None)
    if mod is None or not file or module == "__main__":
        return None  # (first: a script's tasks never pay for listing the distributions, ~0.4 s)
    top = module.partition(".")[0]
    if top in sys.stdlib_module_names or top in _installed_top_levels():
        return None
    depth = module.count(".") + 1
    if os.path.basename(file) == "__init__.py":
        depth += 1
    root = os.path.abspath(file)
    for _ in range(depth):
        root = os.path.dirname(root)
    return root


def check_shipped(module: str, task: str, shipped: str | None, reachable: tuple[str, ...]) -> None:
    """Raise ``CodeShippingError`` when ``module`` (of task ``task``) needs a code root the
    workers do not have: neither ``shipped`` (the job's working_dir) nor one of ``reachable``."""
    root = code_root(module)
    if root is None or root == shipped or root in reachable:
        return
    from flytelike_ray._errors import CodeShippingError

    if shipped is None:
        why = (
            "the backend ships no code root (Ray was already initialised in this process when "
            "it connected, so it could not set the job's runtime_env working_dir)"
        )
    else:
        why = f"the backend shipped the code root {shipped} (one per Ray job)"
    raise CodeShippingError(
        f"task `{task}` cannot run on Ray: its module `{module}` comes from {root}, which the "
        f"Ray workers do not have; {why}. Fix: create the backend with "
        f"RayBackend(code_root={root!r}) before Ray starts, install the project as a "
        "distribution (`pip install -e .`), or move the task into an installed package"
    )
