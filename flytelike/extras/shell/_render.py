"""A shell task's script rendered into the bash it runs: ``{inputs.x}``, ``{flags.x}`` and
``{outputs.x}`` placeholders replaced, as flyte 2.12 renders them.

Scalars and bools travel as positional arguments (``"${_VAL_x}"``, one quoted word whatever they
hold); a ``File`` or ``list[File]`` input is a folder of files (``<inputs>/x/*``), a ``Dir`` its
folder; a ``dict[str, str]`` is decoded into a bash array from one argument whose keys and values
are separated by ``\\x1e``. ``{flags.x}`` is the input as a flag (``FlagSpec``), or nothing when
an optional input is unset. ``render`` returns the bash and the inputs whose values are its
positional arguments, in order.
"""

from __future__ import annotations

import re
import shlex
from typing import Any

from flytelike.errors import DefinitionError
from flytelike.extras.shell._types import FlagSpec, Stderr, Stdout, input_kind, optional

PLACEHOLDER = re.compile(r"\{(inputs|flags|outputs)\.([a-zA-Z_][a-zA-Z0-9_]*)\}")
DICT_SEP = "\x1e"


class _Script:
    def __init__(self, inputs: dict[str, Any], flags: dict[str, FlagSpec], in_dir: str) -> None:
        self.kinds = {n: input_kind(n, t) for n, t in inputs.items()}
        self.optional = {n: optional(t)[0] for n, t in inputs.items()}
        self.flags = flags
        self.in_dir = in_dir
        self.preamble: list[str] = []
        self.slots: list[str] = []
        self.flagged: set[str] = set()
        self.decoded: set[str] = set()

    def slot(self, name: str) -> str:
        if name not in self.slots:
            self.slots.append(name)
            # (braced: bash reads $10 as $1 then "0")
            self.preamble.append(f'_VAL_{name}="${{{len(self.slots)}}}"')
        return f"_VAL_{name}"

    def array(self, name: str) -> str:
        val = self.slot(name)
        if name not in self.decoded:
            self.decoded.add(name)
            self.preamble.append(
                f'_ARR_{name}=(); if [ -n "${{{val}}}" ]; then '
                f"IFS=$'\\x1e' read -ra _ARR_{name} <<< \"${{{val}}}\"; fi"
            )
        return f"_ARR_{name}"

    def input(self, name: str) -> str:
        kind = self.kinds.get(name)
        if kind is None:
            raise DefinitionError(f"script uses {{inputs.{name}}} but declares no input {name!r}")
        if kind == "dir":
            return f"{self.in_dir}/{name}"
        if kind in ("file", "list_file"):
            return f"{self.in_dir}/{name}/*"
        if kind == "dict_str":
            return f'"${{{self.array(name)}[@]}}"'
        return f'"${{{self.slot(name)}}}"'

    def flag(self, name: str) -> str:
        kind = self.kinds.get(name)
        if kind is None:
            raise DefinitionError(f"script uses {{flags.{name}}} but declares no input {name!r}")
        var = f"_FLAG_{name}"
        if name not in self.flagged:
            self.flagged.add(name)
            self.preamble.append(self._setter(name, kind, self.flags[name], var))
        return f'"${{{var}[@]}}"' if kind in ("file", "list_file", "dict_str") else f"${{{var}}}"

    def _setter(self, name: str, kind: str, spec: FlagSpec, var: str) -> str:
        flag, sep = spec.flag, spec.separator
        if kind == "bool":
            val = self.slot(name)
            return (
                f'if [ "${{{val}}}" = "true" ]; then {var}={shlex.quote(flag)}; else {var}=""; fi'
            )
        if kind == "scalar":
            val = self.slot(name)
            return (
                f'if [ -n "${{{val}}}" ]; then {var}={shlex.quote(flag + sep)}"${{{val}}}"; '
                f'else {var}=""; fi'
            )
        path = f"{self.in_dir}/{name}"
        if kind == "dir":
            value = shlex.quote(flag + sep + path)
            if not self.optional[name]:
                return f"{var}={value}"
            q = shlex.quote(path)
            return f'if [ -d {q} ] && [ -n "$(ls -A {q} 2>/dev/null)" ]; then {var}={value}; else {var}=""; fi'
        if kind in ("file", "list_file"):
            glob = f"{shlex.quote(path)}/*"
            if spec.list_mode == "join":
                return (
                    f'{var}=(); shopt -s nullglob; for _f in {glob}; do {var}+=("$_f"); done; '
                    f'shopt -u nullglob; if [ "${{#{var}[@]}}" -gt 0 ]; then '
                    f'{var}=({shlex.quote(flag)} "${{{var}[@]}}"); fi'
                )
            if spec.list_mode == "repeat":
                return (
                    f"{var}=(); shopt -s nullglob; for _f in {glob}; do "
                    f'{var}+=({shlex.quote(flag)} "$_f"); done; shopt -u nullglob'
                )
            return (
                f'_joined=""; shopt -s nullglob; for _f in {glob}; do '
                f'_joined="${{_joined}}${{_joined:+,}}$_f"; done; shopt -u nullglob; '
                f'{var}=(); if [ -n "$_joined" ]; then {var}=({shlex.quote(flag)} "$_joined"); fi'
            )
        arr = self.array(name)  # dict_str
        if spec.dict_mode == "pairs":
            return f'{var}=("${{{arr}[@]}}")'
        return (
            f"{var}=(); for ((_i=0; _i<${{#{arr}[@]}}; _i+=2)); do "
            f'{var}+=({shlex.quote(flag)}"${{{arr}[_i]}}=${{{arr}[_i+1]}}"); done'
        )


def render(
    script: str,
    inputs: dict[str, Any],
    outputs: dict[str, Any],
    flags: dict[str, FlagSpec],
    in_dir: str,
    out_dir: str,
) -> tuple[str, list[str]]:
    """The bash of ``script`` and the names of the inputs passed as positional arguments."""
    state = _Script(inputs, flags, in_dir)

    def replace(m: re.Match[str]) -> str:
        space, name = m.group(1), m.group(2)
        if space == "inputs":
            return state.input(name)
        if space == "flags":
            return state.flag(name)
        if name not in outputs:
            raise DefinitionError(
                f"script uses {{outputs.{name}}}; the declared outputs are {list(outputs)}"
            )
        if isinstance(outputs[name], Stdout | Stderr):
            raise DefinitionError(
                f"{{outputs.{name}}}: a Stdout/Stderr output is the script's stream, redirected "
                "for you; the script does not write it"
            )
        return f"{out_dir}/{name}"

    body = PLACEHOLDER.sub(replace, script)
    left = re.search(r"\{[a-zA-Z_]\w*\.[a-zA-Z_]\w*\}", body)
    if left:
        raise DefinitionError(
            f"script has an unknown placeholder {left.group(0)}; use {{inputs.<name>}}, "
            "{flags.<name>}, or {outputs.<name>}"
        )
    if state.preamble:
        body = "\n".join(state.preamble) + "\n" + body
    return body, list(state.slots)
