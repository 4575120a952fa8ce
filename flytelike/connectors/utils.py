"""flyte's ``flyte.connectors.utils`` helpers: ``is_terminal_phase`` and
``convert_to_flyte_phase`` (a job state as external systems spell it -> a phase); and
``module_for_path``, the module a connector file's path names (``ConnectorEnvironment``'s
``include``, ``flytelike serve connector``)."""

from __future__ import annotations

import os

from flytelike.connectors._connector import convert_to_flyte_phase, is_terminal_phase
from flytelike.errors import DefinitionError

__all__ = ["convert_to_flyte_phase", "is_terminal_phase", "module_for_path"]


def module_for_path(path: str, where: str) -> str:
    """A connector module's path, relative to the working directory, as a dotted module name, as
    flyte turns a ``ConnectorEnvironment``'s ``include`` entries into modules (``a/b.py`` ->
    ``a.b``; a package folder ``pkg/`` -> ``pkg``; a dotted name stays as it is)."""
    if not isinstance(path, str) or not path.strip():
        raise DefinitionError(
            f"{where}: include entries must be file or folder paths, got {path!r}"
        )
    text = path.strip()
    if os.path.isabs(text):
        text = os.path.relpath(text, os.getcwd())
    text = os.path.normpath(text)
    if text.startswith(".."):
        raise DefinitionError(
            f"{where}: include entry {path!r} is outside the working directory "
            f"({os.getcwd()}); give paths below it, e.g. 'my_connector.py'"
        )
    name = text.removesuffix(".py").replace(os.sep, ".").replace("/", ".")
    if not all(part.isidentifier() for part in name.split(".")):
        raise DefinitionError(
            f"{where}: include entry {path!r} does not name a module ({name!r} is not a dotted "
            "Python name)"
        )
    return name
