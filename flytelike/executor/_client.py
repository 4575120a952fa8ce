"""The ``grpc`` backend: the engine's task actions, run by an executor over gRPC.

``GrpcBackend(address=...)`` (``flytelike run --executor host:port``, or ``--backend grpc`` with
``FLYTELIKE_EXECUTOR=host:port``) sends each attempt over a long-lived ``RunActions`` call (a
stream that carries one attempt at a time; idle ones are kept for the next attempts, one is
opened for each attempt in flight), or as one ``RunAction`` call when the executor has no
streams (or no room for another); map items go in batches (``RunItems``). A task's template is
sent once per executor; later requests carry only its digest, and an executor that answers
NOT_FOUND for it (it restarted) gets the template again. The engine keeps its rules (cache,
retries, timeouts, map concurrency); this backend only maps what can go wrong on the wire to
``ExecutionError``s:

- the connection fails or drops (UNAVAILABLE, CANCELLED by the server, INTERNAL, UNKNOWN,
  ABORTED, an unreadable answer): a ``SYSTEM`` error, retried by the engine within the run's
  system budget;
- the attempt's timeout plus ``DEADLINE_GRACE`` passes without an answer (the call's deadline,
  or for a stream the client's own timer, which then cancels the call): a timed-out attempt;
- the executor refuses the request (INVALID_ARGUMENT, RESOURCE_EXHAUSTED, UNIMPLEMENTED,
  UNAUTHENTICATED, PERMISSION_DENIED): a non-recoverable error naming the executor and the fix.

An ``@eager`` parent and a mocked task run in this process on the local backend (an eager
parent's child calls go through this process's engine, which sends each child to the executor;
a mock lives here). Cancelling an attempt (timeout, abort) cancels its call, which stops the
task in the executor.
Calls go through a ``grpc.aio`` channel made for each event loop the engine calls from (an aio
channel belongs to one loop), so one backend serves any loop and calls are awaited on the
caller's own loop, without a bridge from a synchronous channel's threads.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from flytelike.backends import (
    SYSTEM,
    USER,
    ActionContext,
    ActionOutcome,
    ActionRequest,
    ExecutionError,
    data_context,
    is_mocked,
    ship_task,
)
from flytelike.errors import CodeBundleError, ConfigurationError
from flytelike.executor import _bundle, _bytes, _net, _wire
from flytelike.ir import TaskTemplate
from typesystem.io import current_data_context

# How a task's code reaches the executor (the ``code`` option), when its module was imported
# from a folder (the code root, or the ``code_root`` option): ``root`` sends the folder's path
# (the executor must see the same folder: same machine or a shared file system); ``bundle``
# packs the folder once per run into a code bundle under the run's raw data prefix and sends
# its URI and digest; ``auto`` is ``root`` for an executor on loopback, ``bundle`` otherwise.
# A function the executor cannot import by name travels pickled whatever the mode
# (``ship_task``; Python executors only).
CODE_MODES = ("auto", "root", "bundle")
DEADLINE_GRACE = 10.0  # seconds past an attempt's timeout before its call is given up
_SYSTEM_CODES = frozenset({"UNAVAILABLE", "CANCELLED", "INTERNAL", "UNKNOWN", "ABORTED"})
_REFUSED_HINTS = {
    "UNAUTHENTICATED": f"set the executor's token in {_net.ENV_TOKEN}",
    "RESOURCE_EXHAUSTED": "pass large values by reference (File, Dir, DataFrame)",
    "UNIMPLEMENTED": "run this task with a backend that supports its kind",
    "INVALID_ARGUMENT": "this is a bug of the client or the executor: please report it",
    "FAILED_PRECONDITION": "give the executor read access to the run's raw data prefix",
}


class _Dropped(Exception):
    """A stream that ended without an answer (the executor stopped)."""


class _StoreFailed(Exception):
    """The run's code bundle could not be written (a system error: retried)."""


def _unsent(what: str, e: Exception) -> ExecutionError:
    """The error of a request that could not be made."""
    if isinstance(e, _StoreFailed):
        return ExecutionError(SYSTEM, f"{what} cannot be sent: {e}", "CodeBundleError")
    return ExecutionError(USER, f"{what} cannot be sent: {e}", type(e).__name__)


def _what(request: ActionRequest) -> str:
    c = request.context
    return f"task `{request.task.id.name}` ({c.action_id}, attempt {c.attempt + 1})"


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


class _Lane:
    """A backend's calls from one event loop: an aio channel (it belongs to the loop it was made
    in), its methods, and the idle ``RunActions`` calls kept for the next attempts."""

    __slots__ = ("channel", "describe", "idle", "stream", "unary")

    def __init__(self, channel: Any) -> None:
        prefix = f"/{_net.SERVICE}/"
        self.channel = channel
        self.unary = {m: channel.unary_unary(prefix + m) for m in ("RunAction", "RunItems")}
        self.describe = channel.unary_unary(prefix + "Describe")
        self.stream = channel.stream_stream(prefix + "RunActions")
        self.idle: list[Any] = []


async def _close_lane(lane: _Lane) -> None:
    """Close a lane's channel, then give the loop the turn in which gRPC's task watching each
    of its calls ends (a loop closed before that warns ``Task was destroyed but it is
    pending`` for every stream the lane kept)."""
    await lane.channel.close()
    await asyncio.sleep(0)


class GrpcBackend:
    """Runs task actions on a gRPC executor (``flytelike serve executor`` or any other).

    ``address`` is ``host:port`` (default ``FLYTELIKE_EXECUTOR``); ``token`` is sent with every
    call (default ``FLYTELIKE_EXECUTOR_TOKEN``). TLS: ``tls_ca`` is the PEM file of the CA
    that signed the executor's certificate (``FLYTELIKE_EXECUTOR_TLS_CA``; setting any TLS
    option turns TLS on, with the system's CAs when ``tls_ca`` is unset); ``tls_cert`` and
    ``tls_key`` are this client's certificate and key for an executor that requires them
    (mutual TLS; ``FLYTELIKE_EXECUTOR_TLS_CERT``, ``FLYTELIKE_EXECUTOR_TLS_KEY``).
    ``code_root`` is the folder task modules import from (default: the ``sys.path`` entry each
    task's module was imported from); ``code`` says how it reaches the executor: ``"root"``
    (its path), ``"bundle"`` (a code bundle) or ``"auto"`` (see ``CODE_MODES``).
    """

    name = "grpc"
    item_batch_size = 256
    idle_streams = 8  # idle RunActions calls kept per event loop

    def __init__(
        self,
        *,
        address: str | None = None,
        token: str | None = None,
        tls_ca: str | None = None,
        tls_cert: str | None = None,
        tls_key: str | None = None,
        max_message_bytes: int | None = None,
        code_root: str | None = None,
        code: str = "auto",
    ) -> None:
        grpc = _net.import_grpc()
        if code not in CODE_MODES:
            raise ConfigurationError(
                f"the grpc backend's option code={code!r} is not valid: expected one of "
                f"{', '.join(CODE_MODES)} (auto: the code root's path to an executor on "
                "loopback, a code bundle to any other)"
            )
        address = address or os.environ.get(_net.ENV_ADDRESS, "").strip()
        if not address:
            raise ConfigurationError(
                "the grpc backend needs the executor's address: pass --executor host:port to "
                "`flytelike run` (or --backend-option address=host:port), or set "
                f"{_net.ENV_ADDRESS}=host:port (e.g. 127.0.0.1:{_net.DEFAULT_PORT}, where "
                "`flytelike serve executor` listens by default)"
            )
        host, port = _net.split_address(address)
        self.address = _net.join_address(host, port)
        token = token if token is not None else os.environ.get(_net.ENV_TOKEN, "")
        self.max_bytes = _net.max_message_bytes(max_message_bytes)
        self.code_root = code_root
        self.code = code
        # Whether the code root travels as a bundle (else as its path): see ``CODE_MODES``.
        self.bundles = code == "bundle" or (code == "auto" and not _net.is_loopback(host))
        self._bundles = _bundle.Bundles()
        self._metadata = (("authorization", f"Bearer {token}"),) if token else ()
        self._options = _net.channel_options(self.max_bytes)
        self._creds = _net.client_credentials(grpc, tls_ca, tls_cert, tls_key)
        self.tls = self._creds is not None
        self._channel = self._open(grpc)
        prefix = f"/{_net.SERVICE}/"
        self._describe = self._channel.unary_unary(prefix + "Describe")
        self._health = self._channel.unary_unary(f"/{_net.HEALTH_SERVICE}/Check")
        # (a plain dict: a lane outlives its loop until its idle streams are cancelled)
        self._lanes: dict[asyncio.AbstractEventLoop, _Lane] = {}
        self._codec = _wire.TaskCodec(kinds=())
        self._sent: set[str] = set()  # digests of the templates the executor was sent
        self._roots: dict[str, str] = {}
        self._grpc = grpc
        self._aio: Any = None
        # Whether the executor serves RunActions (its Describe lists "stream"); None: not known.
        self._streams: bool | None = None
        self._local: Any = None  # (the local backend, for what runs in this process)

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

    async def _code(self, task: TaskTemplate, context: ActionContext) -> _wire.CodeRef | str:
        """Where the executor imports ``task``'s module from: its code root's path, or the
        run's code bundle of that root (``CODE_MODES``)."""
        root = self._root(task)
        if not root or not self.bundles:
            return root
        prefix = context.raw_data_prefix
        store = data_context(prefix) if prefix else current_data_context()
        fut = self._bundles.for_run(context.run_name, root, store)
        try:
            uri, digest = fut.result() if fut.done() else await asyncio.wrap_future(fut)
        except CodeBundleError:
            raise
        except Exception as e:
            raise _StoreFailed(
                f"cannot store the code bundle of {root!r} under {store.raw_data_prefix!r} "
                f"({type(e).__name__}: {e})"
            ) from e
        return _wire.CodeRef(bundle_uri=uri, bundle_digest=digest)

    def _open(self, grpc: Any) -> Any:
        """A channel to the executor (``grpc.aio`` or the synchronous ``grpc``)."""
        if self._creds is not None:
            return grpc.secure_channel(self.address, self._creds, options=self._options)
        return grpc.insecure_channel(self.address, options=self._options)

    def _lane(self) -> _Lane:
        loop = asyncio.get_running_loop()
        lane = self._lanes.get(loop)
        if lane is None:
            self._forget_closed_loops()
            if self._aio is None:
                from grpc import aio  # type: ignore[import-untyped]

                self._aio = aio
            lane = self._lanes[loop] = _Lane(self._open(self._aio))
        return lane

    def _forget_closed_loops(self) -> None:
        """Cancel the idle streams of loops that have ended (``asyncio.run`` makes one per
        call): each would otherwise hold a thread of the executor until this process ends."""
        for loop in [lp for lp in self._lanes if lp.is_closed()]:
            for call in self._lanes.pop(loop).idle:
                call.cancel()

    async def _call(
        self, method: str, task: TaskTemplate, body: bytes, timeout: float | None
    ) -> bytes:
        """``method`` (``RunAction``, ``RunItems``) with ``task``'s template, or only its digest
        once the executor has it (again with the template when it answers NOT_FOUND).
        Cancelling the coroutine cancels the call, and the executor stops the task."""
        lane = self._lane()
        full, ref, digest = self._codec.encoded(task)
        with_task = digest not in self._sent
        while True:
            data = (full if with_task else ref) + body
            streams = self._streams
            try:
                raw: bytes
                if method == "RunAction" and (
                    streams or (streams is None and await self._has_streams(lane))
                ):
                    raw = await self._streamed(lane, data, timeout)
                else:
                    raw = await lane.unary[method](data, timeout=timeout, metadata=self._metadata)
            except self._grpc.RpcError as e:
                if with_task or e.code() != self._grpc.StatusCode.NOT_FOUND:
                    raise
                self._sent.discard(digest)
                with_task = True  # (the executor does not have the template: send it)
                continue
            if with_task:
                self._sent.add(digest)
            return raw

    async def _streamed(self, lane: _Lane, data: bytes, timeout: float | None) -> bytes:
        """One attempt over an idle ``RunActions`` call (or a new one); ``RunAction`` when the
        executor has no streams (UNIMPLEMENTED) or no room for one more (RESOURCE_EXHAUSTED:
        ``RunAction`` then also says whether it was the request's size)."""
        call = None
        while lane.idle:
            idle = lane.idle.pop()
            if not idle.done():  # (ended while idle: the executor stopped or restarted)
                call = idle
                break
        if call is None:
            call = lane.stream(metadata=self._metadata)
        done = False
        try:
            await call.write(data)
            read = call.read()
            raw = await (read if timeout is None else asyncio.wait_for(read, timeout))
            if raw is self._aio.EOF:  # (ended without a status error: the executor stopped)
                raise _Dropped(await call.details() or "the call ended without an answer")
            done = True
            return raw  # type: ignore[no-any-return]
        except asyncio.InvalidStateError as e:  # (written to a call that had just ended)
            raise _Dropped(str(e)) from e
        except self._grpc.RpcError as e:
            code = e.code()
            codes = self._grpc.StatusCode
            if code not in (codes.UNIMPLEMENTED, codes.RESOURCE_EXHAUSTED):
                raise
            answer: bytes = await lane.unary["RunAction"](
                data, timeout=timeout, metadata=self._metadata
            )
            if code == self._grpc.StatusCode.UNIMPLEMENTED:
                self._streams = False  # (RunAction ran it: the executor has no RunActions)
            return answer
        finally:
            if done and len(lane.idle) < self.idle_streams:
                lane.idle.append(call)
            else:  # (cancelled, timed out or failed: the executor stops what still runs)
                call.cancel()

    async def _has_streams(self, lane: _Lane) -> bool:
        """Whether to use ``RunActions``: the executor's Describe lists the capability
        ``stream`` (asked once; when Describe fails, the next attempt asks again)."""
        if self._streams is None:
            try:
                raw = await lane.describe(b"", timeout=10.0, metadata=self._metadata)
            except self._grpc.RpcError:
                return False  # (RunAction reports what is wrong)
            from flytelike.proto import executor_pb2 as pb

            try:
                self._streams = "stream" in pb.ExecutorInfo.FromString(raw).capabilities
            except Exception:  # (an unreadable answer: RunAction will say more)
                return False
        return self._streams

    def _failure(self, e: Any, what: str) -> ExecutionError:
        """The ``ExecutionError`` of a failed call (``e`` a ``grpc.RpcError``)."""
        code = e.code().name if hasattr(e, "code") and e.code() is not None else "UNKNOWN"
        details = e.details() if hasattr(e, "details") else str(e)
        if code == "DEADLINE_EXCEEDED":
            return self._timed_out(what)
        where = f"executor {self.address}"
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

    def _timed_out(self, what: str) -> ExecutionError:
        return ExecutionError(
            USER,
            f"{what} timed out: no answer from executor {self.address} before the deadline",
            "DeadlineExceeded",
            recoverable=True,
            timed_out=True,
        )

    # ------------------------------------------------------------------ protocol
    def _in_driver(self, task: TaskTemplate) -> bool:
        """Whether ``task`` runs here, on the local backend: an ``@eager`` parent (its child
        calls go through this process's engine, which sends each child to the executor) and a
        mocked task (the mock lives in this process)."""
        return task.kind == "eager" or is_mocked(task.id)

    def _driver_backend(self) -> Any:
        if self._local is None:
            from flytelike.backends import get_backend

            self._local = get_backend("local")
        return self._local

    async def run_action(self, request: ActionRequest) -> ActionOutcome:
        task = request.task
        if task.kind == "eager" or is_mocked(task.id):  # (``_in_driver``, spelled out)
            return await self._driver_backend().run_action(request)  # type: ignore[no-any-return]
        c = request.context
        try:  # (its function by value when the executor cannot import it: ``ship_task``)
            task = ship_task(task)
            code = await self._code(task, c) if self.bundles else self._root(task)
            body = _wire.request_body(request, code, task)
        except Exception as e:  # (a value the wire format cannot carry, code that cannot travel)
            return ActionOutcome(error=_unsent(_what(request), e))
        timeout = c.timeout + DEADLINE_GRACE if c.timeout is not None else None
        try:
            raw = None
            if self._streams:  # (most attempts: over a stream, the template sent before)
                lane = self._lane()
                _, ref, digest = self._codec.encoded(task)
                if digest in self._sent:
                    try:
                        raw = await self._streamed(lane, ref + body, timeout)
                    except self._grpc.RpcError as e:
                        if e.code() != self._grpc.StatusCode.NOT_FOUND:
                            raise
                        self._sent.discard(digest)  # (the executor restarted: send it again)
            if raw is None:
                raw = await self._call("RunAction", task, body, timeout)
        except self._grpc.RpcError as e:
            return ActionOutcome(error=self._failure(e, _what(request)))
        except TimeoutError:
            return ActionOutcome(error=self._timed_out(_what(request)))
        except _Dropped as e:
            return ActionOutcome(error=self._dropped(_what(request), str(e)))
        if raw:
            outputs = _bytes.read_plain_outputs(raw)
            if outputs is not None:  # (most answers: plain outputs alone)
                return ActionOutcome(outputs)
        try:
            return _wire.outcome_from_proto(raw, c, request.task)
        except _wire.RequestError as e:
            return ActionOutcome(
                error=ExecutionError(
                    SYSTEM, f"{_what(request)}: unreadable answer from {self.address}: {e}"
                )
            )

    def _dropped(self, what: str, details: str) -> ExecutionError:
        return ExecutionError(
            SYSTEM,
            f"{what}: executor {self.address} failed or the connection dropped ({details})",
            "CANCELLED",
        )

    async def run_items(
        self,
        task: TaskTemplate,
        context: ActionContext,
        items: Sequence[tuple[str, Mapping[str, Any], int]],
    ) -> list[tuple[dict[str, Any] | None, ExecutionError | None]]:
        if self._in_driver(task):
            return await asyncio.to_thread(self._items_in_driver, task, context, items)
        what = f"map items of task `{task.id.name}` ({context.action_id})"
        try:
            task = ship_task(task)
            code = await self._code(task, context)
            body = _wire.items_body(task, context, items, code)
        except Exception as e:  # (a value the wire format cannot carry)
            return [(None, _unsent(what, e))] * len(items)
        try:
            raw = await self._call("RunItems", task, body, None)
            return _wire.item_results_from_proto(raw, len(items))
        except self._grpc.RpcError as e:
            err = self._failure(e, what)
        except _wire.RequestError as e:
            err = ExecutionError(SYSTEM, f"{what}: unreadable answer from {self.address}: {e}")
        return [(None, err)] * len(items)

    def _items_in_driver(
        self,
        task: TaskTemplate,
        context: ActionContext,
        items: Sequence[tuple[str, Mapping[str, Any], int]],
    ) -> list[tuple[dict[str, Any] | None, ExecutionError | None]]:
        runner = self._driver_backend().inline_runner(task, context)
        with runner.bound():
            return [runner.item(aid, values, attempt) for aid, values, attempt in items]

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
        if self._local is not None:
            self._local.close()
        self._bundles.close()
        self._channel.close()
        self._forget_closed_loops()
        for loop, lane in list(self._lanes.items()):
            if loop.is_running():
                asyncio.run_coroutine_threadsafe(_close_lane(lane), loop)
            else:
                loop.run_until_complete(_close_lane(lane))
        self._lanes.clear()

    def __repr__(self) -> str:
        return f"GrpcBackend(address={self.address!r})"
