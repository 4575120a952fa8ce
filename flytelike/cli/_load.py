"""Finding an entity from the command line: ``FILE_OR_MODULE ENTITY``.

A file is imported under its module name relative to the project root (the first folder upwards
without ``__init__.py``), never as ``__main__``, so entity names and versions are the same as
when the module is imported normally. An exception raised while importing it (a syntax error,
an import error inside the user's module, a compile error of a workflow defined there) is a
``UserCodeError``: its message and the user's ``file:line``, the full traceback with ``verbose``.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from flytelike.backends import install_capture
from flytelike.cli._errors import UserCodeError
from flytelike.compiler import module_for_file, project_root


def load_module(target: str, verbose: bool = False) -> Any:
    if target.endswith(".py") or os.path.isfile(target):
        path = os.path.abspath(target)
        if not os.path.isfile(path):
            raise click.BadParameter(f"no such file: {target}", param_hint="FILE_OR_MODULE")
        root = project_root(path)
        if root not in sys.path:
            sys.path.insert(0, root)
        name = module_for_file(path)
    else:
        name = target
        if os.getcwd() not in sys.path:
            sys.path.insert(0, os.getcwd())
    install_capture()  # before the user's module: logging handlers it sets up see the capture
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as e:
        if e.name is not None and (name == e.name or name.startswith(e.name + ".")):
            raise click.BadParameter(
                f"cannot import {name!r}: {e}", param_hint="FILE_OR_MODULE"
            ) from e
        raise UserCodeError(e, f"importing {target}", verbose) from e
    except Exception as e:
        raise UserCodeError(e, f"importing {target}", verbose) from e


def load_entity(target: str, entity: str, verbose: bool = False) -> Any:
    obj: Any = load_module(target, verbose)
    for part in entity.split("."):
        if not hasattr(obj, part):
            names = sorted(
                n
                for n, v in vars(load_module(target)).items()
                if hasattr(v, "template") and not n.startswith("_")
            )
            raise click.BadParameter(
                f"{target} has no {entity!r}; entities there: {', '.join(names) or '(none)'}",
                param_hint="ENTITY",
            )
        obj = getattr(obj, part)
    if not hasattr(obj, "template"):
        raise click.BadParameter(
            f"{entity!r} is a {type(obj).__name__}, not a task, workflow or launch plan",
            param_hint="ENTITY",
        )
    return obj
