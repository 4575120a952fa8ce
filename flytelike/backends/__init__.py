"""Executor backends: the ``Backend`` protocol, discovery by name, and the built-in ``local`` one.

Only the protocol and discovery load with this package; the local backend (and its pools) load
when first asked for. See ``_protocol`` for the contract and ``flytelike.testing`` for the
conformance suite every backend runs. A backend that sends a task to another process sends
``ship_task(template)``: the template with its function pickled by value when that process
could not import it by name.
"""

import importlib
from typing import TYPE_CHECKING, Any

# Importing the flytekit ``FlyteContext`` view registers it with typesystem as the ``ctx``
# flytekit-style transformers get; every import of a backends module runs this package first,
# so a conversion inside a task (or on a worker) always has it.
from flytelike.backends import _kit_context as _kit_context
from flytelike.backends._discovery import (
    GROUP,
    BackendLoadError,
    BackendNotFoundError,
    available_backends,
    get_backend,
    register_backend,
)
from flytelike.backends._functions import FunctionResolutionError, forget_modules, task_function
from flytelike.backends._kit_context import (
    CompilationState,
    ExecutionState,
    FileAccessProvider,
    FlyteContext,
    FlyteContextManager,
)
from flytelike.backends._live import is_mocked, live_named, register_tree
from flytelike.backends._live import lookup as lookup_live
from flytelike.backends._live import register as register_live
from flytelike.backends._produced import (
    declared_for,
    declared_from_wire,
    declared_to_wire,
    declaring_outputs,
    drop_declarations,
    hand_declarations,
    produced_from_wire,
    produced_to_wire,
    publish_artifacts,
    set_artifact_builder,
)
from flytelike.backends._protocol import (
    SYSTEM,
    USER,
    ActionContext,
    ActionLog,
    ActionOutcome,
    ActionRequest,
    Backend,
    Deck,
    ExecutionError,
    InlineBackend,
    ItemBackend,
    ItemColumns,
    ItemIds,
)
from flytelike.backends._runtime import (
    IN_PROCESS_TASK,
    Checkpoint,
    DeckTab,
    ExecutionContext,
    ExecutionId,
    call_group,
    current_context,
    data_context,
    enter,
    hidden_loop,
    leave,
    restore_variables,
    running_action,
    set_group_provider,
    set_variables,
    variables,
)
from flytelike.backends._secrets import Secrets
from flytelike.backends._ship import ship_task

if TYPE_CHECKING:
    from flytelike.backends._capture import LOG_LIMIT, real_stream, redirect_terminal
    from flytelike.backends._capture import OPEN as OPEN_CAPTURES
    from flytelike.backends._capture import Dispatcher as CaptureDispatcher
    from flytelike.backends._capture import install as install_capture
    from flytelike.backends._capture import take as take_log
    from flytelike.backends._deck_page import deck_page
    from flytelike.backends._gantt import Row as GanttRow
    from flytelike.backends._gantt import Segment as GanttSegment
    from flytelike.backends._gantt import gantt_svg
    from flytelike.backends._item_chunks import ChunkOutcome
    from flytelike.backends._lifeline import popen as lifeline_popen
    from flytelike.backends._local import InlineRunner, LocalBackend, run_sync, user_error
    from flytelike.backends._logging import logger, system_logger
    from flytelike.backends._options import ENV as BACKEND_OPTIONS_ENV
    from flytelike.backends._options import options_from_env, parse_options
    from flytelike.backends._stop import running as running_bodies
    from flytelike.backends._stop import set_main_wake, wake_handler
    from flytelike.backends._stop import stop as stop_action
    from flytelike.backends._tracebacks import user_frame
    from flytelike.backends._worker import at_child_exit, in_worker_process

# What the engine, the CLI, the executor service and the plugins use of the local backend's
# machinery (output capture, stopping bodies, worker processes, child processes that die with
# this one, options, logging): it loads on
# first use, so that importing this package stays light.
_LAZY: dict[str, tuple[str, str]] = {
    "BACKEND_OPTIONS_ENV": ("flytelike.backends._options", "ENV"),
    "CaptureDispatcher": ("flytelike.backends._capture", "Dispatcher"),
    "ChunkOutcome": ("flytelike.backends._item_chunks", "ChunkOutcome"),
    "GanttRow": ("flytelike.backends._gantt", "Row"),
    "GanttSegment": ("flytelike.backends._gantt", "Segment"),
    "InlineRunner": ("flytelike.backends._local", "InlineRunner"),
    "LOG_LIMIT": ("flytelike.backends._capture", "LOG_LIMIT"),
    "LocalBackend": ("flytelike.backends._local", "LocalBackend"),
    "OPEN_CAPTURES": ("flytelike.backends._capture", "OPEN"),
    "at_child_exit": ("flytelike.backends._worker", "at_child_exit"),
    "deck_page": ("flytelike.backends._deck_page", "deck_page"),
    "gantt_svg": ("flytelike.backends._gantt", "gantt_svg"),
    "in_worker_process": ("flytelike.backends._worker", "in_worker_process"),
    "lifeline_popen": ("flytelike.backends._lifeline", "popen"),
    "install_capture": ("flytelike.backends._capture", "install"),
    "logger": ("flytelike.backends._logging", "logger"),
    "options_from_env": ("flytelike.backends._options", "options_from_env"),
    "parse_options": ("flytelike.backends._options", "parse_options"),
    "real_stream": ("flytelike.backends._capture", "real_stream"),
    "redirect_terminal": ("flytelike.backends._capture", "redirect_terminal"),
    "run_sync": ("flytelike.backends._local", "run_sync"),
    "running_bodies": ("flytelike.backends._stop", "running"),
    "set_main_wake": ("flytelike.backends._stop", "set_main_wake"),
    "stop_action": ("flytelike.backends._stop", "stop"),
    "system_logger": ("flytelike.backends._logging", "system_logger"),
    "take_log": ("flytelike.backends._capture", "take"),
    "user_error": ("flytelike.backends._local", "user_error"),
    "user_frame": ("flytelike.backends._tracebacks", "user_frame"),
    "wake_handler": ("flytelike.backends._stop", "wake_handler"),
}


def __getattr__(name: str) -> Any:
    try:
        module, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'flytelike.backends' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), attr)
    globals()[name] = value  # (the next lookup is a plain attribute)
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


__all__ = [
    "GROUP",
    "IN_PROCESS_TASK",
    "SYSTEM",
    "USER",
    "ActionContext",
    "ActionOutcome",
    "ActionRequest",
    "Backend",
    "BackendLoadError",
    "BackendNotFoundError",
    "Deck",
    "ExecutionContext",
    "ExecutionError",
    "InlineBackend",
    "ItemBackend",
    "ItemColumns",
    "ItemIds",
    "available_backends",
    "current_context",
    "get_backend",
    "produced_from_wire",
    "produced_to_wire",
    "publish_artifacts",
    "declaring_outputs",
    "declared_for",
    "declared_from_wire",
    "declared_to_wire",
    "drop_declarations",
    "hand_declarations",
    "register_backend",
    "set_artifact_builder",
    "ship_task",
    "CompilationState",
    "ExecutionState",
    "FileAccessProvider",
    "FlyteContext",
    "FlyteContextManager",
    "ActionLog",
    "Checkpoint",
    "DeckTab",
    "ExecutionId",
    "call_group",
    "data_context",
    "enter",
    "hidden_loop",
    "leave",
    "restore_variables",
    "running_action",
    "set_variables",
    "variables",
    "set_group_provider",
    "GanttRow",
    "GanttSegment",
    "gantt_svg",
    "deck_page",
    "CaptureDispatcher",
    "real_stream",
    "redirect_terminal",
    "running_bodies",
    "set_main_wake",
    "wake_handler",
    "BACKEND_OPTIONS_ENV",
    "ChunkOutcome",
    "FunctionResolutionError",
    "InlineRunner",
    "LOG_LIMIT",
    "LocalBackend",
    "OPEN_CAPTURES",
    "Secrets",
    "at_child_exit",
    "forget_modules",
    "in_worker_process",
    "install_capture",
    "is_mocked",
    "lifeline_popen",
    "logger",
    "live_named",
    "lookup_live",
    "options_from_env",
    "parse_options",
    "register_live",
    "register_tree",
    "run_sync",
    "stop_action",
    "system_logger",
    "take_log",
    "task_function",
    "user_error",
    "user_frame",
]
