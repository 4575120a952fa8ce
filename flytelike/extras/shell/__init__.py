"""flyte 2.12's shell tasks (``flyte.extras.shell``): a CLI tool wrapped with typed inputs and
outputs, ``create(name, image=, inputs=, outputs=, script=, ...)``; the script's
``{inputs.x}``/``{flags.x}``/``{outputs.x}`` placeholders render as flyte renders them
(``_render``), and locally the script runs with bash on this machine (``_shell``). ``Glob``,
``Stdout`` and ``Stderr`` are output collectors; ``FlagSpec`` says how an input renders as a
flag."""

from flytelike.extras.shell._shell import Shell, create
from flytelike.extras.shell._types import (
    DictMode,
    FlagSpec,
    Glob,
    OutputSpec,
    Stderr,
    Stdout,
    listMode,
)

__all__ = [
    "DictMode",
    "FlagSpec",
    "Glob",
    "OutputSpec",
    "Shell",
    "Stderr",
    "Stdout",
    "create",
    "listMode",
]
