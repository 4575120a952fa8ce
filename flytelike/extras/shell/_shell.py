"""``create(...)``: a CLI tool wrapped as a typed, awaitable task (flyte 2.12's
``flyte.extras.shell``), run locally.

flyte runs the script in the tool's container image; locally there is no container runtime, so
the rendered script runs with ``shell`` (``/bin/bash``) on this machine and the tool must be
installed here (the ``image`` is carried, as ``.image`` and on ``.env``, for a cluster). Called
from a task, ``await tool(a=..., b=...)`` is a child action running the task ``as_task()``
makes (``_task``: recorded, retried, timed and cached by the engine); outside a task the script
runs in place. One run of the script:

1. takes the inputs, with ``defaults`` for those not given; an unset ``T | None`` input is empty
   (its ``{flags.x}`` renders nothing); a required one missing is a ``DefinitionError``;
2. stages them in a fresh folder: a ``File`` (or each file of a ``list[File]``) as
   ``inputs/<name>/<its name>``, a ``Dir`` as ``inputs/<name>``;
3. runs the script (``_render``) with ``env_vars`` set, stdout and stderr captured to
   ``outputs/_stdout``/``_stderr`` (or to a ``Stdout``/``Stderr`` output), within ``timeout``
   seconds (else ``TaskTimeoutError``), trying again up to ``retries`` times when it fails;
4. returns the outputs (one value, or a tuple in declaration order; ``None`` without outputs):
   a ``File``/``Dir`` written at ``{outputs.<name>}``, stored as a ``File``/``Dir`` of the run's
   data; a scalar read from the text written there; a ``Glob`` the ``list[File]`` of matching
   files written into that folder.

A script that exits non-zero, or leaves a declared output unwritten, raises
``RuntimeUserError`` with its exit code, stdout and stderr. ``debug=True`` prints the rendered
script on stderr first; ``local_logs`` logs the command and the captured streams at DEBUG.
``resources`` and ``secrets`` describe the container task on a cluster and are kept as
attributes.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import pathlib
import shlex
import shutil
import subprocess
import sys
import tempfile
from typing import Any

from flytelike.backends import lifeline_popen
from flytelike.errors import DefinitionError, RuntimeUserError, TaskTimeoutError
from flytelike.extras.shell._render import DICT_SEP, render
from flytelike.extras.shell._types import (
    SCALARS,
    FlagSpec,
    Glob,
    Stderr,
    Stdout,
    check_output,
    input_kind,
    optional,
)

_LOG = logging.getLogger("flytelike")


@dataclasses.dataclass
class Shell:
    """A shell task made by ``create`` (see the module docstring)."""

    name: str
    image: Any
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    script: str
    flag_aliases: dict[str, FlagSpec] = dataclasses.field(default_factory=dict)
    defaults: dict[str, Any] = dataclasses.field(default_factory=dict)
    shell: str = "/bin/bash"
    debug: bool = False
    resources: Any = None
    retries: int = 0
    timeout: int | None = None
    cache: str = "auto"
    env_vars: dict[str, str] | None = None
    secrets: list[Any] | None = None
    local_logs: bool = True
    _task: Any = dataclasses.field(default=None, init=False, repr=False, compare=False)
    _env: Any = dataclasses.field(default=None, init=False, repr=False, compare=False)

    @property
    def env(self) -> Any:
        """The ``TaskEnvironment`` named after the task, with its image, holding its task (for
        ``depends_on``)."""
        self.as_task()
        return self._env

    def as_task(self) -> Any:
        """The task that runs this script (``_task`` module): what a call from a task runs as a
        child action, and what ``flytelike.run`` takes."""
        if self._task is None:
            from flytelike._v2.env import TaskEnvironment
            from flytelike.extras.shell._task import make_task

            self._env = TaskEnvironment(name=self.name, image=self.image)
            self._task = make_task(self, self._env)
        return self._task

    async def __call__(self, **kwargs: Any) -> Any:
        """Inside a task: a child action running the script (recorded, retried, cached). Outside
        one: the script runs here, retried up to ``retries`` times."""
        from flytelike.backends import running_action

        self._check(kwargs)
        if running_action() is not None:
            return await self.as_task()(**kwargs)
        return await asyncio.to_thread(self.run_sync, **kwargs)

    def run_sync(self, **kwargs: Any) -> Any:
        """The call, synchronously, in this process (retried up to ``retries`` times)."""
        return self._call(kwargs, self.retries)

    def _check(self, kwargs: dict[str, Any]) -> None:
        unknown = set(kwargs) - set(self.inputs)
        if unknown:
            raise DefinitionError(
                f"shell task {self.name}: unknown input(s) {', '.join(sorted(unknown))}; its "
                f"inputs are {', '.join(self.inputs) or 'none'}"
            )

    def _call(self, kwargs: dict[str, Any], retries: int) -> Any:
        """Run the script with ``kwargs``, trying again up to ``retries`` times."""
        self._check(kwargs)
        values = {**self.defaults, **kwargs}
        work = tempfile.mkdtemp(prefix=f"shell-{self.name}-")
        try:
            return self._run(values, pathlib.Path(work), retries)
        finally:
            shutil.rmtree(work, ignore_errors=True)

    # ------------------------------------------------------------------ one call
    def _run(self, values: dict[str, Any], work: pathlib.Path, retries: int) -> Any:
        in_dir, out_dir = work / "inputs", work / "outputs"
        in_dir.mkdir()
        out_dir.mkdir()
        flags = {n: FlagSpec.coerce(n, self.flag_aliases.get(n)) for n in self.inputs}
        body, slots = render(
            self.script, self.inputs, self.outputs, flags, str(in_dir), str(out_dir)
        )
        args = [self._stage(n, t, values, in_dir) for n, t in self.inputs.items()]
        by_name = dict(zip(self.inputs, args, strict=True))
        command = [self.shell, "-c", self._wrapped(body, out_dir), "_shell_task"]
        command += [by_name[n] or "" for n in slots]
        if self.debug:
            print(f"--- shell task {self.name!r}: rendered command ---\n{body}", file=sys.stderr)
        if self.local_logs:
            _LOG.debug("shell task %s: %s", self.name, shlex.join(command))
        env = {**os.environ, **(self.env_vars or {})}
        for attempt in range(retries + 1):
            # (on Linux the script dies with this process, even when it is killed: lifeline)
            proc = lifeline_popen(command, env=env, cwd=work)
            try:
                proc.wait(timeout=self.timeout)
            except subprocess.TimeoutExpired as e:
                _kill(proc)
                raise TaskTimeoutError(
                    f"shell task {self.name} ran past its timeout of {self.timeout}s"
                ) from e
            except BaseException:  # (a stop of the action: the script goes with it)
                _kill(proc)
                raise
            out, err = _read(out_dir, "_stdout", self), _read(out_dir, "_stderr", self)
            if self.local_logs:
                _LOG.debug("shell task %s stdout:\n%s\nstderr:\n%s", self.name, out, err)
            if proc.returncode == 0:
                return self._outputs(out_dir, out, err)
            if attempt == retries:
                raise RuntimeUserError(
                    "ShellError",
                    f"shell task {self.name}: the script exited with {proc.returncode}\n"
                    f"--- stdout ---\n{_tail(out)}--- stderr ---\n{_tail(err)}",
                )
            for leftover in out_dir.iterdir():  # (a fresh start for the next attempt)
                if leftover.is_dir():
                    shutil.rmtree(leftover)
                else:
                    leftover.unlink()
        raise AssertionError("unreachable")

    def _stage(self, name: str, t: Any, values: dict[str, Any], in_dir: pathlib.Path) -> str | None:
        """Stage input ``name``; its positional value (scalars, bools, dicts) or ``None``."""
        kind = input_kind(name, t)
        is_optional, inner = optional(t)
        value = values.get(name)
        if name not in values or value is None:
            if not is_optional:
                raise DefinitionError(f"shell task {self.name}: input {name!r} was not given")
            return "" if kind in ("scalar", "bool", "dict_str") else None
        if kind == "bool":
            return "true" if value else "false"
        if kind == "scalar":
            return str(inner(value))
        if kind == "dict_str":
            items = [s for k, v in value.items() for s in (str(k), str(v))]
            if any(DICT_SEP in s for s in items):
                raise DefinitionError(f"dict input {name!r}: keys and values cannot hold \\x1e")
            return DICT_SEP.join(items)
        target = in_dir / name
        if kind == "dir":
            os.symlink(os.path.abspath(value.download_sync()), target)
            return None
        target.mkdir()
        for f in value if kind == "list_file" else [value]:
            local = f.download_sync()
            dest = target / (getattr(f, "name", None) or os.path.basename(local))
            if dest.exists():  # (two files of one name in a list)
                dest = target / f"{len(list(target.iterdir()))}-{dest.name}"
            os.symlink(os.path.abspath(local), dest)
        return None

    def _wrapped(self, body: str, out_dir: pathlib.Path) -> str:
        stdout, stderr = out_dir / "_stdout", out_dir / "_stderr"
        for name, spec in self.outputs.items():
            if isinstance(spec, Stdout):
                stdout = out_dir / name
            elif isinstance(spec, Stderr):
                stderr = out_dir / name
        from typesystem.io import Dir

        folders = [
            f"mkdir -p {shlex.quote(str(out_dir / n))};"
            for n, spec in self.outputs.items()
            if isinstance(spec, Glob) or spec is Dir
        ]
        q = shlex.quote
        return (
            f"{' '.join(folders)} set -o pipefail; ( {body}\n) > {q(str(stdout))} "
            f"2> {q(str(stderr))}; _rc=$?; echo $_rc > {q(str(out_dir / '_returncode'))}; "
            "exit $_rc"
        )

    def _outputs(self, out_dir: pathlib.Path, out: str, err: str) -> Any:
        from typesystem.io import Dir, File, current_store

        # The script's folder is removed when the task ends, so its files are stored now, also
        # where ``from_local`` would only reference them (a direct call outside a run).
        def stored(p: pathlib.Path) -> str:
            return current_store().new_uri(p.name)

        values: list[Any] = []
        for name, spec in self.outputs.items():
            path = out_dir / name
            if not isinstance(spec, Glob | Stdout | Stderr) and not path.exists():
                raise RuntimeUserError(
                    "ShellError",
                    f"shell task {self.name}: the script wrote no output {name!r} at "
                    f"{{outputs.{name}}}\n--- stdout ---\n{_tail(out)}--- stderr ---\n{_tail(err)}",
                )
            kind = spec.type if isinstance(spec, Stdout | Stderr) else spec
            if isinstance(spec, Glob):
                matched = sorted(p for p in path.glob(spec.pattern) if p.is_file())
                values.append([File.from_local_sync(str(p), stored(p)) for p in matched])
            elif kind is File:
                values.append(File.from_local_sync(str(path), stored(path)))
            elif kind is Dir:
                values.append(Dir.from_local_sync(str(path), stored(path)))
            else:
                values.append(_scalar(path.read_text().strip(), kind, name, self.name))
        if not values:
            return None
        return values[0] if len(values) == 1 else tuple(values)


def _scalar(text: str, kind: Any, name: str, task: str) -> Any:
    if kind is bool:
        if text.lower() in ("true", "1", "yes"):
            return True
        if text.lower() in ("false", "0", "no", ""):
            return False
    else:
        try:
            return kind(text)
        except ValueError:
            pass
    raise RuntimeUserError(
        "ShellError", f"shell task {task}: output {name!r} is {text!r}, not a {kind.__name__}"
    )


def _read(out_dir: pathlib.Path, name: str, shell: Shell) -> str:
    for spec_name, spec in shell.outputs.items():
        stream = "_stdout" if isinstance(spec, Stdout) else "_stderr"
        if isinstance(spec, Stdout | Stderr) and name == stream:
            name = spec_name
    try:
        return (out_dir / name).read_text(errors="replace")
    except FileNotFoundError:
        return ""


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """Kill the script and reap it."""
    proc.kill()
    proc.wait()


def _tail(text: str, limit: int = 4000) -> str:
    text = text if len(text) <= limit else text[-limit:]
    return text if text.endswith("\n") or not text else text + "\n"


def create(
    name: str,
    *,
    image: Any,
    inputs: dict[str, Any] | None = None,
    outputs: dict[str, Any] | None = None,
    script: str,
    flag_aliases: dict[str, Any] | None = None,
    defaults: dict[str, Any] | None = None,
    shell: str = "/bin/bash",
    debug: bool = False,
    resources: Any = None,
    retries: int = 0,
    timeout: int | None = None,
    cache: str = "auto",
    env_vars: dict[str, str] | None = None,
    secrets: list[Any] | None = None,
    local_logs: bool = True,
) -> Shell:
    """A shell task (see the module docstring); checked now: input and output types, flag
    aliases and defaults of declared inputs, the image (a reference or an ``Image``)."""
    from flytelike._settings.image_v2 import Image

    inputs, outputs = dict(inputs or {}), dict(outputs or {})
    for n, t in inputs.items():
        input_kind(n, t)
    for n, spec in outputs.items():
        check_output(n, spec)
    aliases = {}
    for n, alias in (flag_aliases or {}).items():
        if n not in inputs:
            raise DefinitionError(f"shell task {name}: flag_aliases names no input {n!r}")
        aliases[n] = FlagSpec.coerce(n, alias)
    for n, value in (defaults or {}).items():
        if n not in inputs:
            raise DefinitionError(f"shell task {name}: defaults names no input {n!r}")
        if value is None:
            raise DefinitionError(
                f"shell task {name}: defaults[{n!r}] = None; declare the input T | None and "
                "leave it out of defaults instead"
            )
    if not isinstance(image, str | Image):
        raise DefinitionError(
            f"shell task {name}: image must be an image reference or a flytelike.Image, got "
            f"{type(image).__name__}"
        )
    if retries < 0 or (timeout is not None and timeout <= 0):
        raise DefinitionError(f"shell task {name}: retries must be >= 0 and timeout > 0")
    return Shell(
        name, image, inputs, outputs, script, aliases, dict(defaults or {}), shell, debug,
        resources, retries, timeout, cache, env_vars, secrets, local_logs,
    )  # fmt: skip


__all__ = ["SCALARS", "Shell", "create"]
