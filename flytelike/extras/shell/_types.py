"""The vocabulary of a shell task (``flytelike.extras.shell``): its input kinds, its output
declarations (a bare type, or the collectors ``Glob``, ``Stdout``, ``Stderr``) and how an input
renders as a command-line flag (``FlagSpec``)."""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any, Literal

from flytelike.errors import DefinitionError

listMode = Literal["join", "repeat", "comma"]  # (flyte's name)
DictMode = Literal["pairs", "equals"]
LIST_MODES = ("join", "repeat", "comma")
DICT_MODES = ("pairs", "equals")
SCALARS = (int, float, str, bool)


def _io() -> tuple[type, type]:
    from typesystem.io import Dir, File

    return File, Dir


@dataclasses.dataclass(frozen=True)
class Glob:
    """Files the script writes into ``{outputs.<name>}`` (a folder), as a ``list[File]``: those
    whose names match ``pattern``."""

    pattern: str = "*"


def _stream_type(kind: str, t: Any) -> None:
    file, _ = _io()
    if t is not file and t not in SCALARS:
        raise DefinitionError(f"{kind}.type must be File or int, float, str or bool, got {t!r}")


@dataclasses.dataclass(frozen=True)
class Stdout:
    """The script's standard output as an output: a ``File`` (the default) or its text as
    ``int``/``float``/``str``/``bool``."""

    type: Any = None

    def __post_init__(self) -> None:
        if self.type is None:
            object.__setattr__(self, "type", _io()[0])
        _stream_type("Stdout", self.type)


@dataclasses.dataclass(frozen=True)
class Stderr:
    """The script's standard error as an output (see ``Stdout``)."""

    type: Any = None

    def __post_init__(self) -> None:
        if self.type is None:
            object.__setattr__(self, "type", _io()[0])
        _stream_type("Stderr", self.type)


OutputSpec = Any  # a bare type (File, Dir, int, float, str, bool), Glob, Stdout or Stderr


@dataclasses.dataclass(frozen=True)
class FlagSpec:
    """How ``{flags.<name>}`` renders: ``flag`` (``-name`` by default); lists ``join``
    (``-f a b``), ``repeat`` (``-f a -f b``) or ``comma`` (``-f a,b``); dicts ``pairs``
    (``k v``) or ``equals`` (``-fk=v``); ``separator`` between a scalar's flag and value."""

    flag: str
    list_mode: str = "join"
    separator: str = " "
    dict_mode: str = "pairs"

    def __post_init__(self) -> None:
        if self.list_mode not in LIST_MODES or self.dict_mode not in DICT_MODES:
            raise DefinitionError(
                f"FlagSpec({self.flag!r}): list_mode must be one of {', '.join(LIST_MODES)} and "
                f"dict_mode one of {', '.join(DICT_MODES)}"
            )

    @classmethod
    def coerce(cls, name: str, alias: Any) -> FlagSpec:
        """A ``flag_aliases`` entry (``None``, a flag, ``(flag, mode)`` or a ``FlagSpec``)."""
        if alias is None:
            return cls(flag=f"-{name}")
        if isinstance(alias, FlagSpec):
            return alias
        if isinstance(alias, str):
            return cls(flag=alias)
        if isinstance(alias, tuple) and len(alias) == 2:
            flag, mode = alias
            if mode in LIST_MODES:
                return cls(flag=flag, list_mode=mode)
            if mode in DICT_MODES:
                return cls(flag=flag, dict_mode=mode)
            raise DefinitionError(
                f"flag_aliases[{name!r}]: mode {mode!r} is none of {', '.join(LIST_MODES)} "
                f"(lists) or {', '.join(DICT_MODES)} (dicts)"
            )
        raise DefinitionError(f"flag_aliases[{name!r}]: expected a flag, (flag, mode) or FlagSpec")


def optional(t: Any) -> tuple[bool, Any]:
    """``(True, T)`` for ``T | None``, else ``(False, t)``."""
    if typing.get_origin(t) in (typing.Union, types.UnionType):
        args = typing.get_args(t)
        rest = [a for a in args if a is not type(None)]
        if len(rest) == 1 and len(args) == 2:
            return True, rest[0]
    return False, t


def input_kind(name: str, t: Any) -> str:
    """``bool``, ``scalar``, ``file``, ``dir``, ``list_file`` or ``dict_str``."""
    file, folder = _io()
    _, inner = optional(t)
    if inner is bool:
        return "bool"
    if inner in SCALARS:
        return "scalar"
    if inner is file:
        return "file"
    if inner is folder:
        return "dir"
    args = typing.get_args(inner)
    if typing.get_origin(inner) is list and args == (file,):
        return "list_file"
    if typing.get_origin(inner) is dict and args == (str, str):
        return "dict_str"
    raise DefinitionError(
        f"shell input {name!r}: unsupported type {t!r}; use File, Dir, list[File], "
        "dict[str, str], int, float, str, bool, or T | None of those"
    )


def check_output(name: str, spec: Any) -> None:
    file, folder = _io()
    if isinstance(spec, Glob | Stdout | Stderr) or spec in (file, folder, *SCALARS):
        return
    raise DefinitionError(
        f"shell output {name!r}: expected File, Dir, int, float, str, bool, Glob(...), "
        f"Stdout(...) or Stderr(...), got {spec!r}"
    )
