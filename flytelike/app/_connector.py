"""flyte 2's ``ConnectorEnvironment``: an app (``type="connector"``) whose process serves the
connector service (``flytelike.connectors``, ``connector.proto``) for the connectors its
``include`` modules register.

``flytelike.serve(env)`` starts ``python -m flytelike.connectors --port <port> --modules ...``
as a child process listening on 127.0.0.1 only (the working directory on its import path), and
returns its ``AppHandle`` once the port accepts connections. Each ``include`` entry is a path
relative to the working directory, turned into a dotted module name as flyte does
(``my_connector/connector.py`` -> ``my_connector.connector``; a package folder -> its name).
While the environment is served, a connector task whose type its service hosts is sent to it
(see ``flytelike.connectors``); ``handle.stop()`` ends the process. ``command``/``args``, when
given, replace that command line (as in flyte, where they replace the container's). The other
``AppEnvironment`` settings mean what they mean there; ``port`` defaults to flyte's 8080.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from flytelike.app._env import AppEnvironment
from flytelike.app._types import Port
from flytelike.connectors.utils import module_for_path


class ConnectorEnvironment(AppEnvironment):
    """An app that serves connectors (see the module docstring)."""

    def __init__(
        self,
        name: str,
        *,
        include: Sequence[str] = (),
        port: int | Port = 8080,
        type: str = "connector",
        **settings: Any,
    ) -> None:
        super().__init__(name, include=include, port=port, type=type, **settings)
        where = f"ConnectorEnvironment({name!r})"
        self.modules = [module_for_path(p, where) for p in self.include]

    def command_line(self) -> list[str] | None:
        if self.command is not None or self.args is not None:
            return super().command_line()
        line = [sys.executable, "-m", "flytelike.connectors", "--port", str(self.port.port)]
        return [*line, "--modules", *self.modules] if self.modules else line
