"""``flytelike.extras.tasks.shell``: mirrors ``flytekit.extras.tasks.shell``."""

from flytelike._entities.container import OutputLocation, ShellTask
from flytelike._entities.raw_shell import RawShellTask, get_raw_shell_task
from flytelike._entities.subproc import AttrDict, ProcessResult, subproc_execute

__all__ = [
    "AttrDict",
    "OutputLocation",
    "ProcessResult",
    "RawShellTask",
    "ShellTask",
    "get_raw_shell_task",
    "subproc_execute",
]
