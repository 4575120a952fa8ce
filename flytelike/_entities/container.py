"""``ContainerTask`` and ``ShellTask``: tasks defined by an image and a command, or a script.

Both are task kinds in the IR (``container``, ``shell``) with their command or script in
``custom``. A shell task runs locally with ``bash`` (Python-format placeholders ``{inputs.x}``,
``{outputs.y}``); a container task needs a container runtime, which the local interpreter does
not have.

``_ClassTask`` is the base of every task defined by a class rather than a function (these two,
sensors, SQL tasks, ``Echo``, ``PythonTask``): its work is ``run_body(native) -> outputs``. A
direct call outside a running task is a run of the engine, as for ``@task`` functions, so the
engine's settings hold for it (``timeout`` stops the body, ``retries``, ``cache``); inside a
running task it runs in place, as flytekit does.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections import OrderedDict
from types import SimpleNamespace
from typing import Any

from flytelike._entities import calls
from flytelike._entities.task import DEFAULT_DOMAIN, DEFAULT_PROJECT
from flytelike._settings.task import TaskSettings
from flytelike.compiler import Entity, call_entity, interface_from_types, relative_source
from flytelike.errors import DefinitionError, LocalExecutionError
from flytelike.ir import (
    Identifier,
    ResourceType,
    SourceLocation,
    TaskNode,
    TaskTemplate,
    record,
    with_version,
)


def kwtypes(**kwargs: Any) -> OrderedDict[str, Any]:
    """An ordered mapping of input or output names to types: ``kwtypes(a=int, b=str)``."""
    return OrderedDict(kwargs)


@record
class TaskMetadata:
    """Task settings for class-based tasks (``ContainerTask(metadata=TaskMetadata(...))``)."""

    cache: bool = False
    cache_serialize: bool = False
    cache_version: str = ""
    cache_ignore_input_vars: tuple[str, ...] = ()
    interruptible: bool | None = None
    deprecated: str = ""
    retries: int = 0
    timeout: Any = None
    pod_template_name: str | None = None

    def settings(self, where: str, extra: dict[str, Any]) -> TaskSettings:
        """The task's settings: these fields with ``extra`` (the task's other keywords); a
        setting given both here and as a keyword (``timeout=``) is an error."""
        mine: dict[str, Any] = {
            "cache": self.cache,
            "cache_serialize": self.cache_serialize,
            "cache_version": self.cache_version,
            "cache_ignore_input_vars": self.cache_ignore_input_vars,
            "interruptible": self.interruptible,
            "deprecated": self.deprecated,
            "retries": self.retries or None,
            "timeout": self.timeout,
            "pod_template_name": self.pod_template_name,
        }
        for key in sorted(set(mine) & set(extra)):
            if mine[key] not in (None, False, "", ()) and extra[key] is not None:
                raise DefinitionError(
                    f"{where}: {key} is given both in metadata=TaskMetadata(...) and as {key}=; "
                    "give it once"
                )
            if extra[key] is None:
                del extra[key]
            else:
                mine.pop(key)
        return TaskSettings.build(where, "container", **mine, **extra)


class _ClassTask(Entity):
    kind = ""

    def _setup(
        self,
        name: str,
        inputs: Any,
        outputs: Any,
        metadata: TaskMetadata | None,
        extra: dict[str, Any],
        loc: tuple[str, int] | None = None,
    ) -> None:
        if not name:
            raise DefinitionError(f"{type(self).__name__}: name= is required")
        if loc is None:
            frame = sys._getframe(2)
            loc = (frame.f_code.co_filename, frame.f_lineno)
        self.loc = loc
        self.name = name
        where = f"{type(self).__name__} {name!r} ({self.loc[0]}:{self.loc[1]})"
        self._where = where
        self.python_interface = interface_from_types(dict(inputs or {}), dict(outputs or {}), where)
        self.settings = (metadata or TaskMetadata()).settings(where, extra)
        self._template: TaskTemplate | None = None

    def custom(self) -> dict[str, Any]:
        raise NotImplementedError

    def run_body(self, native: dict[str, Any]) -> Any:
        """The task's work on native inputs: its outputs (one value, a tuple, or ``None``).
        The backend calls it for an action of this task (``backends.EntityBody``)."""
        raise NotImplementedError

    def local_call(self, kwargs: dict[str, Any]) -> Any:
        """A direct call (``flytelike._entities.calls``): a run of the engine outside a running
        task, a child action inside an ``@eager`` one, else ``run_body`` in place."""
        return calls.local_call(self, kwargs, self.run_body)

    def template(self) -> TaskTemplate:
        if self._template is None:
            s = self.settings
            import json

            tmpl = TaskTemplate(
                id=Identifier(ResourceType.TASK, DEFAULT_PROJECT, DEFAULT_DOMAIN, self.name, ""),
                kind=self.kind,
                interface=self.python_interface.to_ir(),
                metadata=s.metadata(None, list(self.python_interface.inputs), "", self._where),
                custom=tuple(
                    (k, json.dumps(v, sort_keys=True)) for k, v in sorted(self.custom().items())
                ),
                source=SourceLocation(relative_source(self.loc[0]), self.loc[1]),
                **s.template_fields(self._where),
            )
            self._template = with_version(tmpl)
        return self._template

    @property
    def id(self) -> Identifier:
        return self.template().id

    def node_target(self) -> TaskNode:
        return TaskNode(self.id)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return call_entity(self, args, kwargs)


class ContainerTask(_ClassTask):
    """A task that runs ``command`` in ``image``; inputs and outputs are files in data dirs."""

    kind = "container"

    def __init__(
        self,
        name: str,
        image: Any,
        command: list[str],
        inputs: Any = None,
        outputs: Any = None,
        input_data_dir: str | None = None,
        output_data_dir: str | None = None,
        metadata: TaskMetadata | None = None,
        arguments: list[str] | None = None,
        environment: dict[str, str] | None = None,
        requests: Any = None,
        limits: Any = None,
        secret_requests: Any = None,
        pod_template: Any = None,
        pod_template_name: str | None = None,
        local_logs: bool = False,
        **kwargs: Any,
    ) -> None:
        self.image = image
        self.command = list(command)
        self.arguments = list(arguments or [])
        self.input_data_dir = input_data_dir or ""
        self.output_data_dir = output_data_dir or ""
        extra = {
            "container_image": image,
            "environment": environment,
            "requests": requests,
            "limits": limits,
            "secret_requests": secret_requests,
            "pod_template": pod_template,
        }
        self._setup(name, inputs, outputs, metadata, extra)

    def custom(self) -> dict[str, Any]:
        return {
            "command": self.command,
            "arguments": self.arguments,
            "input_data_dir": self.input_data_dir,
            "output_data_dir": self.output_data_dir,
        }

    def run_body(self, native: dict[str, Any]) -> Any:
        raise LocalExecutionError(
            f"{self.describe()} runs the image {self.image!r}; the local interpreter cannot run "
            "containers. Run it with a backend that supports containers, or mock it with "
            "flytelike.testing.task_mock.",
            entity=self.name,
        )

    def describe(self) -> str:
        return f"container task `{self.name}`"


@record
class OutputLocation:
    """A shell task output: its name, type and path (may use ``{inputs.x}``)."""

    var: str
    var_type: Any
    location: str


class ShellTask(_ClassTask):
    """A task that runs a bash ``script`` templated with ``{inputs.x}``, ``{outputs.y}`` and
    ``{ctx.z}`` (an attribute of the running task's context, e.g. ``working_directory``)."""

    kind = "shell"

    def __init__(
        self,
        name: str,
        script: str | None = None,
        debug: bool = False,
        inputs: Any = None,
        output_locs: list[OutputLocation] | None = None,
        task_config: Any = None,
        shell: str = "/bin/bash",
        script_file: str | None = None,
        metadata: TaskMetadata | None = None,
        **kwargs: Any,
    ) -> None:
        if (script is None) == (script_file is None):
            raise DefinitionError(
                f"ShellTask {name!r}: give exactly one of script= or script_file="
            )
        if script_file is not None:
            with open(script_file) as fh:
                script = fh.read()
        assert script is not None
        self.script = script
        self.debug = debug
        self.shell = shell
        self.output_locs = list(output_locs or [])
        outputs = {o.var: o.var_type for o in self.output_locs}
        self._setup(name, inputs, outputs, metadata, {"task_config": task_config})

    def custom(self) -> dict[str, Any]:
        return {
            "script": self.script,
            "debug": self.debug,
            "shell": self.shell,
            "output_locs": [{"var": o.var, "location": o.location} for o in self.output_locs],
        }

    def run_body(self, native: dict[str, Any]) -> Any:
        from flytelike.backends import current_context

        ctx = current_context()
        inputs = SimpleNamespace(**{k: _path_text(v) for k, v in native.items()})
        locations = {o.var: o.location.format(inputs=inputs, ctx=ctx) for o in self.output_locs}
        outputs = SimpleNamespace(**locations)
        script = self.script.format(inputs=inputs, outputs=outputs, ctx=ctx)
        run_script(self, [self.shell, "-c", script], capture=not self.debug)
        values = tuple(o.var_type(locations[o.var]) for o in self.output_locs)
        return values[0] if len(values) == 1 else (values or None)

    def describe(self) -> str:
        return f"shell task `{self.name}`"


def run_script(task: _ClassTask, argv: list[str], capture: bool) -> None:
    """Run ``argv``; a non-zero exit raises ``LocalExecutionError`` with the end of stderr.

    When the body stops early (an abort, or the timeout of an attempt that runs in a thread) the
    script is killed with the processes it started (it leads a process group of its own). In a
    worker process (``backends._worker``) it stays in the worker's group, which the driver kills
    when it cancels the attempt. On Linux the script also dies when this process is killed
    (``flytelike.backends.lifeline_popen``: a parent-death signal)."""
    import signal
    import subprocess

    # (a private module: whether this process is a timed attempt's worker is not on the face)
    from flytelike.backends import in_worker_process, lifeline_popen

    own_group = not in_worker_process()
    with lifeline_popen(
        argv,
        stdout=subprocess.PIPE if capture else None,
        stderr=subprocess.PIPE if capture else None,
        text=True,
        process_group=0 if own_group else None,
    ) as proc:  # (closes the pipes however this ends)
        try:
            while True:
                # In short waits, so that a stop raised in this thread (``backends._stop``) is
                # seen.
                try:
                    _out, err = proc.communicate(timeout=0.2)
                    break
                except subprocess.TimeoutExpired:
                    continue
        except BaseException:
            if own_group:
                with contextlib.suppress(OSError):
                    os.killpg(proc.pid, signal.SIGKILL)
            proc.kill()
            raise
    if proc.returncode != 0:
        raise LocalExecutionError(
            f"{task.describe()} failed with exit code {proc.returncode}: "
            f"{(err or '').strip()[-2000:]}",
            entity=task.name,
        )


def _path_text(value: Any) -> Any:
    """What ``{inputs.x}`` becomes in a shell script: for a file or directory its local path
    (fetched from the store first when it is remote, as flytekit does), else the value."""
    from typesystem.io import Dir, File

    if isinstance(value, File | Dir):
        return os.fspath(value)
    return value
