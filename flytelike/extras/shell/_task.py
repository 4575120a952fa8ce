"""A shell task as a real task: ``Shell.as_task()``.

flyte makes a shell task a container task, so calling it from a task is a child action of its
own (recorded, retried and timed by the engine, and cached when ``cache`` says so). Locally the
task's body runs the rendered script once per attempt with bash (``Shell._call``); its
interface is the shell task's declared inputs and outputs:

- inputs keep their types; a ``T | None`` input left out of ``defaults`` defaults to ``None``;
- one output is the task's output, several a tuple of them in declaration order, none ``None``;
  a ``Glob`` is a ``list[File]``, a ``Stdout``/``Stderr`` its ``type``;
- ``retries`` and ``timeout`` become the task's, so each attempt is recorded;
- ``cache`` (``"auto"``, flyte's default for shell tasks; ``"override"``; ``"disable"``) caches
  with a version taken from the script, the shell and the declared interface, so that editing
  the script runs it again.
"""

from __future__ import annotations

import asyncio
import hashlib
import keyword
import re
from typing import Any

from flytelike.errors import DefinitionError
from flytelike.extras.shell._types import Glob, Stderr, Stdout, optional


def output_type(spec: Any) -> Any:
    """The Python type a declared output comes back as."""
    from typesystem.io import File

    if isinstance(spec, Glob):
        return list[File]
    if isinstance(spec, Stdout | Stderr):
        return spec.type
    return spec


def _returns(shell: Any) -> Any:
    kinds = [output_type(spec) for spec in shell.outputs.values()]
    if not kinds:
        return None
    return kinds[0] if len(kinds) == 1 else tuple.__class_getitem__(tuple(kinds))


def _version(shell: Any) -> str:
    described = repr(
        (shell.script, shell.shell, sorted((n, repr(t)) for n, t in shell.inputs.items()),
         [(n, repr(s)) for n, s in shell.outputs.items()], sorted(shell.flag_aliases.items()))
    )  # fmt: skip
    return "shell-" + hashlib.sha256(described.encode()).hexdigest()[:16]


def make_task(shell: Any, env: Any) -> Any:
    """The v2 task of ``env`` whose body runs ``shell``'s script (see the module docstring)."""
    from flytelike._settings.cache import Cache

    for name in shell.inputs:
        if not name.isidentifier() or keyword.iskeyword(name) or name.startswith("__"):
            raise DefinitionError(
                f"shell task {shell.name}: input {name!r} must be a Python identifier not "
                "starting with '__' to be a task input (it names a parameter of the task)"
            )
    defaults: dict[str, Any] = {}
    for name, t in shell.inputs.items():
        if name in shell.defaults:
            defaults[name] = shell.defaults[name]
        elif optional(t)[0]:
            defaults[name] = None
    fname = re.sub(r"\W", "_", shell.name)
    fname = fname if fname.isidentifier() and not keyword.iskeyword(fname) else f"shell_{fname}"
    # (the helpers' names start with '__', which no input's may)
    params = ", ".join(f"{n}=__defaults__[{n!r}]" if n in defaults else n for n in shell.inputs)
    passed = ", ".join(f"{n}={n}" for n in shell.inputs)
    source = (
        f"async def {fname}({'*, ' + params if params else ''}):\n"
        f"    return await __to_thread__(__call_script__, dict({passed}), 0)\n"
    )  # (the engine retries: one try per attempt)
    namespace: dict[str, Any] = {
        "__defaults__": defaults, "__to_thread__": asyncio.to_thread,
        "__call_script__": shell._call,
    }  # fmt: skip
    # (the task reads its interface from a function's code: named parameters, not **kwargs)
    exec(compile(source, f"<shell task {shell.name}>", "exec"), namespace)
    body = namespace[fname]
    body.__annotations__ = {**shell.inputs, "return": _returns(shell)}
    body.__module__ = __name__
    cache: Any = shell.cache
    if cache in ("auto", "override"):
        cache = Cache(cache, version_override=_version(shell))
    return env.task(retries=shell.retries, timeout=shell.timeout, cache=cache)(body)
