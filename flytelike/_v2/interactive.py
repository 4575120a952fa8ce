"""flyte 2's ``load_interactive_ctx``: restore a task's context in a debugger, REPL or notebook.

A flyte task in debug mode writes what it was started with to ``.flyte/run_context.json`` in its
working directory; ``load_interactive_ctx(path=None)`` reads that file (flyte's format, version
1: ``name``, ``run_name``, ``project``, ``domain``, ``org``, ``version``, ``outputs_path``,
``run_base_dir``, ``raw_data_path`` are required; ``inputs``, ``run_start_time`` and the code
bundle fields may be there), records the project and domain as ``flytelike.init`` does
(``current_project()``/``current_domain()`` answer them) and installs the task's context for
good: ``flytelike.ctx()`` outside a running task returns it (``action``, ``raw_data_path``,
``version``, ``input_path``, ``output_path``, ``run_base_dir``, ``interactive_mode=True``,
``mode="remote"``, as flyte's). It returns that ``TaskContext``. A ``run_name``/``name`` left
as a ``{{...}}`` template is read from ``RUN_NAME``/``ACTION_NAME``.

``write_interactive_run_context(params, base_dir=None)`` writes such a file (flyte's helper, for
a task of one's own that wants to be debugged this way); ``interactive_run_context_path`` is
where it goes. No file raises ``FileNotFoundError`` (as flyte's); a file that is not a JSON
object or lacks a required field raises ``ConfigurationError`` (a ``ValueError``, as flyte's).
"""

from __future__ import annotations

import json
import os
import pathlib
from collections.abc import Mapping
from typing import Any

from flytelike._v2.context import ActionID, TaskContext, install_interactive
from flytelike._v2.raw_data import RawDataPath
from flytelike.errors import ConfigurationError

RUN_CONTEXT_SUBPATH = pathlib.Path(".flyte") / "run_context.json"
_KEYS = (
    "inputs", "outputs_path", "version", "run_base_dir", "raw_data_path", "checkpoint_path",
    "prev_checkpoint", "name", "run_name", "run_start_time", "project", "domain", "org",
    "image_cache", "tgz", "pkl", "dest", "resolver",
)  # fmt: skip
_REQUIRED = (
    "name", "run_name", "project", "domain", "org", "version", "outputs_path", "run_base_dir",
    "raw_data_path",
)  # fmt: skip


def interactive_run_context_path(base_dir: str | os.PathLike[str] | None = None) -> pathlib.Path:
    """``<base_dir>/.flyte/run_context.json`` (``base_dir``: the working directory)."""
    return pathlib.Path(base_dir if base_dir is not None else os.getcwd()) / RUN_CONTEXT_SUBPATH


def write_interactive_run_context(
    params: Mapping[str, Any], base_dir: str | os.PathLike[str] | None = None
) -> pathlib.Path:
    """Write ``params`` (flyte's task parameters: ``name``, ``run_name``, ...) as the run context
    file ``load_interactive_ctx`` reads; returns its path."""
    path = interactive_run_context_path(base_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    config: dict[str, Any] = {"config_version": 1}
    config.update({k: params.get(k) for k in _KEYS})
    config["resolver_args"] = list(params.get("resolver_args") or [])
    path.write_text(json.dumps(config, indent=4))
    return path


def load_interactive_ctx(path: str | os.PathLike[str] | None = None) -> TaskContext:
    """Restore and install the task context the run context file describes (module docstring)."""
    where = pathlib.Path(path) if path is not None else interactive_run_context_path()
    if not where.is_file():
        raise FileNotFoundError(
            f"No run context file found at {where}. A flyte task in debug mode writes it in its "
            "working directory (write_interactive_run_context writes one); run from that "
            "directory or pass the path: flytelike.load_interactive_ctx(path=...)."
        )
    try:
        config = json.loads(where.read_text())
    except ValueError as e:
        raise ConfigurationError(f"run context file {where} is not JSON: {e}") from None
    if not isinstance(config, dict):
        raise ConfigurationError(f"run context file {where} must hold a JSON object")
    values = {k: config.get(k) for k in _REQUIRED}
    for key, env in (("run_name", "RUN_NAME"), ("name", "ACTION_NAME")):
        given = values[key]
        if isinstance(given, str) and given.startswith("{{"):
            values[key] = os.environ.get(env, "")
    missing = [k for k in _REQUIRED if not values[k]]
    if missing:
        raise ConfigurationError(
            f"run context file {where} is missing required fields: {', '.join(missing)}"
        )
    bad = [k for k in _REQUIRED if not isinstance(values[k], str)]
    if bad:
        raise ConfigurationError(f"run context file {where}: {', '.join(bad)} must be strings")
    got: dict[str, str] = {k: str(values[k]) for k in _REQUIRED}
    from flytelike._v2.init import init

    init(org=got["org"], project=got["project"], domain=got["domain"])
    tctx = TaskContext(
        action=ActionID(got["name"], got["run_name"], got["project"], got["domain"], got["org"]),
        raw_data_path=RawDataPath(path=got["raw_data_path"]),
        mode="remote",
        version=got["version"],
        input_path=config.get("inputs") or None,
        output_path=got["outputs_path"],
        run_base_dir=got["run_base_dir"],
        interactive_mode=True,
    )
    install_interactive(tctx)
    return tctx
