"""Entity names and source paths that do not depend on where or how the code was started.

A name is ``module.qualname``. For code run as ``__main__`` the module is derived from the file:
its path relative to the project root (the first folder upwards without ``__init__.py``), dots for
slashes. Source locations are stored relative to the same root, so the IR (and every content
version) is identical wherever the project is checked out.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import Any


@functools.lru_cache(maxsize=512)
def project_root(file: str) -> str:
    folder = os.path.dirname(os.path.abspath(file))
    while os.path.isfile(os.path.join(folder, "__init__.py")):
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    return folder


@functools.lru_cache(maxsize=512)
def module_for_file(file: str) -> str:
    rel = os.path.relpath(os.path.abspath(file), project_root(file))
    stem = rel[:-3] if rel.endswith(".py") else rel
    parts = [p for p in stem.replace("\\", "/").split("/") if p]
    if parts and parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts) or "__main__"


@functools.lru_cache(maxsize=4096)
def relative_source(file: str) -> str:
    if file.startswith("<"):
        return file
    return os.path.relpath(os.path.abspath(file), project_root(file)).replace("\\", "/")


def module_of(func: Callable[..., Any]) -> str:
    module: str = getattr(func, "__module__", None) or "__main__"
    if module == "__main__":
        main = sys.modules.get("__main__")
        file = getattr(main, "__file__", None) or func.__code__.co_filename
        if file and not file.startswith("<"):
            return module_for_file(file)
    return module


def main_module_named(name: str) -> Any:
    """The ``__main__`` module when it is the script whose file gives the module ``name``
    (``module_of``), else ``None``: a task of a script names its function ``name:qualname``,
    and in the script's own process that is found in ``__main__``, never by importing the
    script a second time."""
    main = sys.modules.get("__main__")
    file = getattr(main, "__file__", None)
    if not file or not file.endswith(".py") or module_for_file(file) != name:
        return None
    return main


def entity_name(func: Callable[..., Any]) -> str:
    return f"{module_of(func)}.{func.__qualname__}"


def is_importable(func: Callable[..., Any]) -> bool:
    """Whether ``module:qualname`` finds ``func`` again (false for ``__main__`` and locals)."""
    module = getattr(func, "__module__", None)
    return bool(module) and module != "__main__" and "<locals>" not in func.__qualname__
