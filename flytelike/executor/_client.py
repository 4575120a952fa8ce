"""The ``grpc`` backend: the engine's task actions, run by an executor over gRPC.

``GrpcBackend(address=...)`` (or ``FLYTELIKE_EXECUTOR=host:port``, ``--backend grpc``) sends
each attempt as one ``RunAction`` call and map items in batches (``RunItems``). The engine keeps
its rules (cache, retries, timeouts, map concurrency); this backend only maps what can go wrong
on the wire to ``ExecutionError``s:

- the connection fails or drops (UNAVAILABLE, CANCELLED by the server, INTERNAL, UNKNOWN,
  ABORTED, an unreadable answer): a ``SYSTEM`` error, retried by the engine within the run's
  system budget;
- the deadline passes (the attempt's timeout plus ``DEADLINE_GRACE``): a timed-out attempt;
- the executor refuses the request (INVALID_ARGUMENT, RESOURCE_EXHAUSTED, UNIMPLEMENTED,
  UNAUTHENTICATED, PERMISSION_DENIED): a non-recoverable error naming the executor and the fix.

Cancelling an attempt (timeout, abort) cancels its call, which stops the task in the executor.
Calls go through a ``grpc.aio`` channel made for each event loop the engine calls from (an aio
channel belongs to one loop), so one backend serves any loop and calls are awaited on the
caller's own loop, without a bridge from a synchronous channel's threads.
"""

from __future__ import annotations

import asyncio
import os
import sys
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from flytelike.backends._protocol import (
    SYSTEM,
    USER,
    ActionContext,
    ActionOutcome,
    ActionRequest,
    ExecutionError,
)
from flytelike.backends._ship import ship_task
from flytelike.errors import ConfigurationError
from flytelike.executor import _net, _wire
from flytelike.ir._model import TaskTemplate

DEADLINE_GRACE = 10.0  # seconds past an attempt's timeout before its call is given up
_SYSTEM_CODES = frozenset({"UNAVAILABLE", "CANCELLED", "INTERNAL", "UNKNOWN", "ABORTED"})
_REFUSED_HINTS = {
    "UNAUTHENTICATED": f"set the executor's token in {_net.ENV_TOKEN}",
    "RESOURCE_EXHAUSTED": "pass large values by reference (File, Dir, DataFrame)",
    "UNIMPLEMENTED": "run this task with a backend that supports its kind",
    "INVALID_ARGUMENT": "this is a bug of the client or the executor: please report it",
}


def _module_root(module: str) -> str:
    """The ``sys.path`` entry ``module`` was imported from (``""``: unknown)."""
    mod = sys.modules.get(module)
    file = getattr(mod, "__file__", None)
    if not file or module == "__main__":
        return ""
    root: str = os.path.dirname(os.path.abspath(file))
    if os.path.basename(file).startswith("__init__."):
        root = os.path.dirname(root)
    for _ in range(module.count(".")):
        root = os.path.dirname(root)
    return root


class GrpcBackend:
    """Runs task actions on a gRPC executor (``flytelike serve executor`` or any other)."""

    name = "grpc"
    item_batch_size = 256

    def __init__(
        self,
        *,
        address: str | None = None,
        token: str | None = None,
        tls_ca: str | None = None,
        max_message_bytes: int | None = None,
        code_root: str | None = None,
    ) -> None:
        grpc = _net.import_grpc()
        address = address or os.environ.get(_net.ENV_ADDRESS, "").strip()
        if not address:
            raise ConfigurationError(
                "the grpc backend needs the executor's address: set "
                f"{_net.ENV_ADDRESS}=host:port (e.g. 127.0.0.1:{_net.DEFAULT_PORT}, where "
                "`flytelike serve executor` listens by default)"
            )
        host, port = _net.split_address(address)
        self.address = _net.join_address(host, port)
        token = token if token is not None else os.environ.get(_net.ENV_TOKEN, "")
        tls_ca = tls_ca if tls_ca is not None else os.environ.get(_net.ENV_TLS_CA) or None
        self.max_bytes = _net.max_message_bytes(max_message_bytes)
        self.code_root = code_root
        self._metadata = (("authorization", f"Bearer {token}"),) if token else ()
        self._options = _net.channel_options(self.max_bytes)
        self._creds = None
        if tls_ca is not None:
            ca = _net.read_file(tls_ca, f"TLS CA certificate ({_net.ENV_TLS_CA})")
            self._creds = grpc.ssl_channel_credentials(root_certificates=ca)
        self._channel = self._open(grpc)
        prefix = f"/{_net.SERVICE}/"
        self._describe = self._channel.unary_unary(prefix + "Describe")
        self._health = self._channel.unary_unary(f"/{_net.HEALTH_SERVICE}/Check")
        # One asyncio channel per event loop the engine calls from (an aio channel belongs to
        # the loop it was made in).
        self._loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, tuple[Any, Any]] = (
            weakref.WeakKeyDictionary()
        )
        self._codec = _wire.TaskCodec(kinds=())
        self._roots: dict[str, str] = {}
        self._grpc = grpc

    # ------------------------------------------------------------------ helpers
    def _root(self, task: TaskTemplate) -> str:
        if self.code_root is not None:
            return self.code_root
        fn = task.function
        if fn is None or fn.pickled or not fn.module:
            return ""
        root = self._roots.get(fn.module)
        if root is None:
            root = self._roots[fn.module] = _module_root(fn.module)
        return root

    def _open(self, grpc: Any) -> Any:
        """A channel to the executor (``grpc.aio`` or the synchronous ``grpc``)."""
        if self._creds is not None:
            return grpc.secure_channel(self.address, self._creds, options=self._options)
        return grpc.insecure_channel(self.address, options=self._options)

    async def _call(self, method: str, data: bytes, timeout: float | None) -> bytes:
        """``method`` (``RunAction``, ``RunItems``) on this loop's channel. Cancelling the
        coroutine cancels the call, and the executor stops the task."""
        loop = asyncio.get_running_loop()
        hit = self._loops.get(loop)
        if hit is None:
            from grpc import aio  # type: ignore[import-untyped]

            channel = self._open(aio)
            prefix = f"/{_net.SERVICE}/"
            stubs = {m: channel.unary_unary(prefix + m) for m in ("RunAction", "RunItems")}
            hit = self._loops[loop] = (channel, stubs)
        result: bytes = await hit[1][method](data, timeout=timeout, metadata=self._metadata)
        return result

    def _failure(self, e: Any, what: str) -> ExecutionError:
        """The ``ExecutionError`` of a failed call (``e`` a ``grpc.RpcError``)."""
        code = e.code().name if hasattr(e, "code") and e.code() is not None else "UNKNOWN"
        details = e.details() if hasattr(e, "details") else str(e)
        where = f"executor {self.address}"
        if code == "DEADLINE_EXCEEDED":
            return ExecutionError(
                USER,
                f"{what} timed out: no answer from {where} before the deadline",
                "DeadlineExceeded",
                recoverable=True,
                timed_out=True,
            )
        if code in _SYSTEM_CODES:
            return ExecutionError(
                SYSTEM,
                f"{what}: {where} failed or the connection dropped ({code}: {details})",
                code,
            )
        hint = _REFUSED_HINTS.get(code, "check the executor's log")
        return ExecutionError(
            USER, f"{what} refused by {where} ({code}): {details}; {hint}", f"grpc.{code}"
        )

    # ------------------------------------------------------------------ protocol
    async def run_action(self, request: ActionRequest) -> ActionOutcome:
        c = request.context
        what = f"task `{request.task.id.name}` ({c.action_id}, attempt {c.attempt + 1})"
        try:  # (its function by value when the executor cannot import it: ``ship_task``)
            request = replace(request, task=ship_task(request.task))
            data = _wire.request_to_proto(self._codec, request, self._root(request.task))
        except Exception as e:  # (a value the wire format cannot carry, code that cannot travel)
            return ActionOutcome(
                error=ExecutionError(USER, f"{what} cannot be sent: {e}", type(e).__name__)
            )
        timeout = c.timeout + DEADLINE_GRACE if c.timeout is not None else None
        try:
            raw = await self._call("RunAction", data, timeout)
        except self._grpc.RpcError as e:
            return ActionOutcome(error=self._failure(e, what))
        try:
            return _wire.outcome_from_proto(raw, c)
        except _wire.RequestError as e:
            return ActionOutcome(
                error=ExecutionError(SYSTEM, f"{what}: unreadable answer from {self.address}: {e}")
            )

    async def run_items(
        self,
        task: TaskTemplate,
        context: ActionContext,
        items: Sequence[tuple[str, Mapping[str, Any], int]],
    ) -> list[tuple[dict[str, Any] | None, ExecutionError | None]]:
        what = f"map items of task `{task.id.name}` ({context.action_id})"
        try:
            task = ship_task(task)
            data = _wire.items_to_proto(self._codec, task, context, items, self._root(task))
            raw = await self._call("RunItems", data, None)
            return _wire.item_results_from_proto(raw, len(items))
        except self._grpc.RpcError as e:
            err = self._failure(e, what)
        except _wire.RequestError as e:
            err = ExecutionError(SYSTEM, f"{what}: unreadable answer from {self.address}: {e}")
        except Exception as e:  # (a value the wire format cannot carry)
            err = ExecutionError(USER, f"{what} cannot be sent: {e}", type(e).__name__)
        return [(None, err)] * len(items)

    def describe(self, timeout: float = 10.0) -> dict[str, Any]:
        """What the executor says about itself (``ExecutorInfo`` as a dict)."""
        from google.protobuf import json_format

        from flytelike.proto import executor_pb2 as pb

        raw = self._describe(b"", timeout=timeout, metadata=self._metadata)
        info = pb.ExecutorInfo.FromString(raw)
        return json_format.MessageToDict(info, preserving_proto_field_name=True)

    def healthy(self, timeout: float = 5.0) -> bool:
        """Whether the executor answers the gRPC health check with SERVING."""
        from flytelike.proto import executor_pb2 as pb

        try:
            raw = self._health(b"", timeout=timeout)
        except self._grpc.RpcError:
            return False
        status = pb.HealthCheckResponse.FromString(raw).status
        return bool(status == pb.HealthCheckResponse.SERVING)

    def close(self) -> None:
        self._channel.close()
        for loop, (channel, _) in list(self._loops.items()):
            if loop.is_closed():
                continue
            if loop.is_running():
                asyncio.run_coroutine_threadsafe(channel.close(), loop)
            else:
                loop.run_until_complete(channel.close())
        self._loops.clear()

    def __repr__(self) -> str:
        return f"GrpcBackend(address={self.address!r})"
