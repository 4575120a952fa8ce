"""flytekit's ``FlyteContext``/``FlyteContextManager``, as views of flytelike's own state.

``FlyteContextManager.current_context()`` describes where the caller is: ``compilation_state``
(a workflow body compiling here, else ``None``), ``execution_state`` (an ``ExecutionState`` whose
``mode`` is ``TASK_EXECUTION`` inside a running task, else ``None`` unless one was pushed with
``with_context``), ``user_space_params`` (the running task's ``ExecutionParameters``, i.e.
``flytelike.current_context()``) and ``file_access`` (a ``FileAccessProvider`` over the active
data store: random local and remote paths, ``put_data``/``get_data``). It is what
flytekit-style ``TypeTransformer`` subclasses receive as ``ctx`` (registered with
``typesystem._kit.set_context_provider``).

Not here: flytekit's serialisation settings and its output-metadata tracking (flytelike keeps
neither in a context).
"""

from __future__ import annotations

import contextlib
import enum
import os
import tempfile
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any


class FileAccessProvider:
    """flytekit's ``FileAccessProvider`` over the active ``typesystem.io`` data store."""

    def __init__(self, local_sandbox_dir: str | None = None, raw_output_prefix: str = "") -> None:
        self._local = local_sandbox_dir
        self._raw = raw_output_prefix

    def _store(self) -> Any:
        from typesystem.io import DataStore

        return DataStore()

    @property
    def raw_output_prefix(self) -> str:
        return self._raw or str(self._store().raw_data_prefix)

    @property
    def local_sandbox_dir(self) -> str:
        if self._local is None:
            self._local = tempfile.mkdtemp(prefix="flytelike-sandbox-")
        return self._local

    @property
    def local_access(self) -> FileAccessProvider:
        return self

    def is_remote(self, path: str) -> bool:
        return "://" in str(path) and not str(path).startswith("file://")

    def exists(self, path: str) -> bool:
        return bool(self._store().exists(_uri(path)))

    def get_random_string(self) -> str:
        return uuid.uuid4().hex

    def get_random_local_path(self, file_path_or_file_name: str | None = None) -> str:
        """A fresh path under the sandbox directory (its parent exists), ending in the name."""
        folder = os.path.join(self.local_sandbox_dir, self.get_random_string())
        os.makedirs(folder, exist_ok=True)
        name = os.path.basename(str(file_path_or_file_name or "")) or self.get_random_string()
        return os.path.join(folder, name)

    def get_random_local_directory(self) -> str:
        path = os.path.join(self.local_sandbox_dir, self.get_random_string())
        os.makedirs(path, exist_ok=True)
        return path

    def get_random_remote_path(self, file_path_or_file_name: str | None = None) -> str:
        name = os.path.basename(str(file_path_or_file_name or ""))
        return str(self._store().new_uri(name))

    def get_random_remote_directory(self) -> str:
        return str(self._store().new_uri())

    def put_data(self, local_path: str, remote_path: str, is_multipart: bool = False) -> str:
        """Copy a local file (a directory when ``is_multipart``) to ``remote_path``."""
        store = self._store()
        if is_multipart:
            store.copy_dir(_uri(local_path), _uri(remote_path))
        else:
            store.copy_file(_uri(local_path), _uri(remote_path))
        return remote_path

    def get_data(self, remote_path: str, local_path: str, is_multipart: bool = False) -> None:
        """Copy ``remote_path`` (a directory when ``is_multipart``) to a local path."""
        store = self._store()
        parent = os.path.dirname(os.path.abspath(local_path))
        os.makedirs(local_path if is_multipart else parent, exist_ok=True)
        if is_multipart:
            store.copy_dir(_uri(remote_path), _uri(local_path))
        else:
            store.copy_file(_uri(remote_path), _uri(local_path))

    upload = put_data

    def download(self, remote_path: str, local_path: str) -> None:
        self.get_data(remote_path, local_path)

    def upload_directory(self, local_path: str, remote_path: str) -> str:
        return self.put_data(local_path, remote_path, is_multipart=True)

    def download_directory(self, remote_path: str, local_path: str) -> None:
        self.get_data(remote_path, local_path, is_multipart=True)


def _uri(path: str) -> str:
    path = os.fspath(path)
    if "://" in path:
        return path
    from pathlib import Path

    return Path(os.path.abspath(path)).as_uri()


class ExecutionState:
    """flytekit's ``ExecutionState``: the mode and directories of an execution."""

    class Mode(enum.Enum):
        TASK_EXECUTION = 1
        LOCAL_WORKFLOW_EXECUTION = 2
        LOCAL_TASK_EXECUTION = 3
        DYNAMIC_TASK_EXECUTION = 4
        EAGER_EXECUTION = 5
        EAGER_LOCAL_EXECUTION = 6

    def __init__(
        self,
        working_dir: str | os.PathLike[str],
        mode: ExecutionState.Mode | None = None,
        engine_dir: str | None = None,
        branch_eval_mode: Any = None,
        user_space_params: Any = None,
    ) -> None:
        self.working_dir = os.fspath(working_dir)
        self.mode = mode
        self.engine_dir = engine_dir or self.working_dir
        self.branch_eval_mode = branch_eval_mode
        self.user_space_params = user_space_params

    def with_params(self, **changes: Any) -> ExecutionState:
        fields = {k: getattr(self, k) for k in ("working_dir", "mode", "engine_dir",
                                                 "branch_eval_mode", "user_space_params")}  # fmt: skip
        return ExecutionState(**{**fields, **changes})

    def is_local_execution(self) -> bool:
        """Every flytelike execution is local (flytekit: local workflow/task or eager local)."""
        return True

    def __repr__(self) -> str:
        return f"ExecutionState(mode={self.mode}, working_dir={self.working_dir!r})"


class CompilationState:
    """flytekit's ``CompilationState``: the workflow body compiling here (``prefix`` names its
    nodes' prefix; ``nodes`` the nodes made so far)."""

    def __init__(self, state: Any) -> None:
        self._state = state
        self.prefix = ""
        self.mode = 1

    @property
    def nodes(self) -> list[Any]:
        """The nodes made so far, in order, as nodes a workflow body holds (``>>``,
        ``runs_before``, ``.outputs``): what a decorator that adds nodes around a workflow's
        nodes orders them with."""
        from flytelike.compiler import NodeHandle

        return [
            NodeHandle(n)
            for scope in getattr(self._state, "scopes", ())
            for n in getattr(scope, "nodes", ())
        ]

    @property
    def name(self) -> str:
        return str(self._state.name)


@dataclass(frozen=True)
class FlyteContext:
    """What ``FlyteContextManager.current_context()`` returns (flytekit's fields)."""

    file_access: FileAccessProvider
    compilation_state: CompilationState | None = None
    execution_state: ExecutionState | None = None
    level: int = 0

    @property
    def user_space_params(self) -> Any:
        """The running task's ``ExecutionParameters`` (``flytelike.current_context()``)."""
        if self.execution_state is not None and self.execution_state.user_space_params is not None:
            return self.execution_state.user_space_params
        from flytelike.backends._runtime import current_context

        return current_context()

    @staticmethod
    def current_context() -> FlyteContext:
        return FlyteContextManager.current_context()

    def new_execution_state(
        self, working_dir: str | os.PathLike[str] | None = None
    ) -> ExecutionState:
        """A fresh ``ExecutionState`` (``working_dir``: a new directory under the sandbox)."""
        wd = working_dir or self.file_access.get_random_local_directory()
        return ExecutionState(working_dir=wd, user_space_params=self.user_space_params)

    def new_builder(self) -> FlyteContext.Builder:
        return FlyteContext.Builder(self)

    def with_execution_state(self, es: ExecutionState) -> FlyteContext.Builder:
        return self.new_builder().with_execution_state(es)

    def with_file_access(self, fa: FileAccessProvider) -> FlyteContext.Builder:
        return self.new_builder().with_file_access(fa)

    class Builder:
        """flytekit's builder: ``ctx.with_execution_state(es)`` then ``FlyteContextManager
        .with_context(builder)``."""

        def __init__(self, base: FlyteContext) -> None:
            self._changes: dict[str, Any] = {}
            self._base = base

        def with_execution_state(self, es: ExecutionState) -> FlyteContext.Builder:
            self._changes["execution_state"] = es
            return self

        def with_file_access(self, fa: FileAccessProvider) -> FlyteContext.Builder:
            self._changes["file_access"] = fa
            return self

        def build(self) -> FlyteContext:
            return replace(self._base, level=self._base.level + 1, **self._changes)


_PUSHED: ContextVar[tuple[FlyteContext, ...]] = ContextVar("flytelike_kit_contexts", default=())
_FILE_ACCESS: list[FileAccessProvider] = []


class FlyteContextManager:
    """flytekit's ``FlyteContextManager``: ``current_context()`` and ``with_context``."""

    @staticmethod
    def current_context() -> FlyteContext:
        pushed = _PUSHED.get()
        if pushed:
            return pushed[-1]
        from flytelike.backends._runtime import running_action
        from flytelike.compiler import current

        state = current()
        comp = CompilationState(state) if state is not None else None
        es = None
        running = running_action()
        if running is not None:
            es = ExecutionState(
                working_dir=running.working_directory,
                mode=ExecutionState.Mode.TASK_EXECUTION,
                user_space_params=running,
            )
        if not _FILE_ACCESS:
            _FILE_ACCESS.append(FileAccessProvider())
        return FlyteContext(_FILE_ACCESS[0], compilation_state=comp, execution_state=es)

    @staticmethod
    @contextlib.contextmanager
    def with_context(builder: FlyteContext.Builder | FlyteContext) -> Iterator[FlyteContext]:
        ctx = builder.build() if isinstance(builder, FlyteContext.Builder) else builder
        token = _PUSHED.set((*_PUSHED.get(), ctx))
        try:
            yield ctx
        finally:
            _PUSHED.reset(token)

    @staticmethod
    def size() -> int:
        return len(_PUSHED.get()) + 1


def register_provider() -> None:
    """Make ``current_context()`` what flytekit-style transformers get as ``ctx``."""
    from typesystem import _kit  # (flytekit's models and their context hook: off its face)

    _kit.set_context_provider(FlyteContextManager.current_context)


register_provider()  # (sets one function pointer; importing this module does no other work)
