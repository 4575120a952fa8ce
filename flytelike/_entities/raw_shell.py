"""``RawShellTask`` and ``get_raw_shell_task``: flytekit's shell task that also takes an
environment (``flytekit.extras.tasks.shell``).

A ``RawShellTask`` is a ``ShellTask`` whose ``env`` input (a ``dict[str, str]``), when it has
one, is offered to the script as ``{inputs.export_env}``: one ``export NAME=value`` line per
entry, values shell-quoted. ``get_raw_shell_task(name)`` builds the ready-made one: inputs
``env``, ``script_args`` and ``script_file``; it runs ``script_file script_args`` with that
environment in the attempt's working directory and returns that directory as ``out``
(a ``FlyteDirectory``: what the script wrote there). Not here: ``ShellTask`` itself.
"""

from __future__ import annotations

import shlex
from typing import Any

from flytelike._entities.container import OutputLocation, ShellTask
from typesystem.io import FlyteDirectory

_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")


class RawShellTask(ShellTask):
    """A ``ShellTask`` with ``{inputs.export_env}`` made from its ``env`` input."""

    @staticmethod
    def make_export_string_from_env_dict(d: dict[str, str]) -> str:
        """``export NAME=value`` lines for ``d`` (a name that is not a shell name is an error)."""
        lines = []
        for name, value in d.items():
            if not name or name[0].isdigit() or not set(name) <= _NAME_CHARS:
                raise ValueError(
                    f"env: {name!r} is not a shell variable name (letters, digits and _, not "
                    "starting with a digit)"
                )
            lines.append(f"export {name}={shlex.quote(str(value))}")
        return "\n".join(lines)

    def run_body(self, native: dict[str, Any]) -> Any:
        env = native.get("env")
        if isinstance(env, dict):
            native = {**native, "export_env": self.make_export_string_from_env_dict(env)}
        return super().run_body(native)


def get_raw_shell_task(name: str) -> RawShellTask:
    """A ``RawShellTask`` that runs ``{script_file} {script_args}`` with ``env`` exported, in
    the attempt's working directory, and returns that directory as ``out``."""
    return RawShellTask(
        name=name,
        debug=True,
        inputs={"env": dict[str, str], "script_args": str, "script_file": str},
        output_locs=[
            OutputLocation(var="out", var_type=FlyteDirectory, location="{ctx.working_directory}")
        ],
        script=(
            "set -ue\n"
            "cd {ctx.working_directory}\n"
            "{inputs.export_env}\n"
            "{inputs.script_file} {inputs.script_args}\n"
        ),
    )
