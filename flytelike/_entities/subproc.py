"""flytekit's helpers for running commands inside a task (``flytekit.extras.tasks.shell``):
``subproc_execute`` runs a command and returns a ``ProcessResult``; ``AttrDict`` is a dict
whose keys read as attributes. Not here: shell tasks (``_entities.container``)."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from typing import Any

from flytelike.errors import LocalExecutionError


class AttrDict(dict[str, Any]):
    """A dict whose keys are also attributes (``d.x`` is ``d["x"]``)."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        self[name] = value


@dataclasses.dataclass
class ProcessResult:
    """What a command did: its exit code and what it wrote to stdout and stderr."""

    returncode: int
    output: str
    error: str


def subproc_execute(command: str | list[str], **kwargs: Any) -> ProcessResult:
    """Run ``command`` (a list of arguments, or a string run by the shell) and return its
    result; a command that cannot be found or exits non-zero raises ``LocalExecutionError``
    with its stderr. ``kwargs`` go to ``subprocess.run`` (``env=``, ``cwd=``, ...)."""
    shell = kwargs.setdefault("shell", isinstance(command, str))
    kwargs.setdefault("capture_output", True)
    kwargs.setdefault("text", True)
    try:
        proc = subprocess.run(command, check=False, **kwargs)
    except FileNotFoundError as e:
        raise LocalExecutionError(
            f"subproc_execute: cannot run {command!r}: {e.strerror}; is it installed and on PATH?"
        ) from e
    if proc.returncode != 0:
        what = command if isinstance(command, str) else " ".join(command)
        missing = (
            ""
            if shell or isinstance(command, str) or shutil.which(command[0])
            else f" ({command[0]} is not on PATH)"
        )
        raise LocalExecutionError(
            f"subproc_execute: `{what}` failed with exit code {proc.returncode}{missing}: "
            f"{(proc.stderr or '').strip()[-2000:]}"
        )
    return ProcessResult(proc.returncode, proc.stdout or "", proc.stderr or "")
