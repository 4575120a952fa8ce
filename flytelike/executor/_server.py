"""The Python executor server (``flytelike serve executor``): runs actions with the local backend.

Each ``RunAction`` is decoded (``_wire``, which checks every field), run by a ``LocalBackend``
as a local run would (threads for sync tasks, stopped by an asynchronous exception when their
attempt times out or is cancelled; the event loop for async tasks) and answered with its outcome; ``RunItems`` runs a batch of map items in
one worker thread through the backend's in-place runner. What a task prints is captured and sent
back with its outcome.

Security defaults: the server listens on loopback; any other interface needs a token (checked on
every call but the health check) and TLS, unless TLS is explicitly declined
(``allow_insecure``). Requests larger than ``max_message_bytes`` are refused before decoding.
A request the server cannot run is answered with a gRPC status (INVALID_ARGUMENT,
RESOURCE_EXHAUSTED, UNIMPLEMENTED, UNAUTHENTICATED) and a message naming the field; nothing a
client sends stops the server.

The gRPC deadline of a call bounds the attempt: the task runs with the smaller of the deadline
and the request's own timeout. A call the client cancels (or ``Cancel``) stops its task.
"""

from __future__ import annotations

import asyncio
import hmac
import sys
import threading
from dataclasses import replace
from typing import Any

from flytelike.backends._protocol import SYSTEM, ActionOutcome, ActionRequest, ExecutionError
from flytelike.errors import ConfigurationError
from flytelike.executor import _net, _wire
from flytelike.proto import executor_pb2 as pb

DEADLINE_MARGIN = 0.05  # seconds kept to answer before the client's deadline


class ExecutorService:
    """The handlers; one per server. ``backend`` is the ``LocalBackend`` that runs actions."""

    def __init__(self, backend: Any, token: str, max_bytes: int) -> None:
        self.backend = backend
        self.token = token
        self.max_bytes = max_bytes
        self.codec = _wire.TaskCodec()
        self.running: dict[tuple[str, str, int], asyncio.Task[Any]] = {}
        self._roots: set[str] = set()
        self._capture: Any = None
        try:
            from flytelike.backends import _capture

            _capture.install()
            self._capture = _capture
        except ImportError:  # (a version without output capture: outcomes carry no logs)
            pass

    # ------------------------------------------------------------------ checks
    async def _check(self, grpc: Any, data: bytes, context: Any, cls: Any) -> None:
        if self.token:
            sent = dict(context.invocation_metadata() or ()).get("authorization", "")
            if not isinstance(sent, str) or not hmac.compare_digest(
                sent.encode(), f"Bearer {self.token}".encode()
            ):
                why = "no token was sent" if not sent else "the token is wrong"
                await context.abort(
                    grpc.StatusCode.UNAUTHENTICATED,
                    f"{why}: this executor requires the metadata `authorization: Bearer <token>` "
                    f"(client: set {_net.ENV_TOKEN})",
                )
        if len(data) > self.max_bytes:
            largest = _wire.largest_field(data, cls)
            detail = f"; the largest field is {largest}" if largest else ""
            await context.abort(
                grpc.StatusCode.RESOURCE_EXHAUSTED,
                f"request of {len(data)} bytes exceeds this executor's max_message_bytes "
                f"({self.max_bytes}){detail}: large values travel by reference (File, Dir, "
                "DataFrame under the raw data prefix), or raise the limit on both sides "
                f"(--max-message-bytes, {_net.ENV_MAX_MESSAGE})",
            )

    async def _refuse(self, grpc: Any, context: Any, e: _wire.RequestError) -> None:
        await context.abort(getattr(grpc.StatusCode, e.status), str(e))

    def _use_root(self, root: str) -> None:
        if root and root not in self._roots:
            self._roots.add(root)
            if root not in sys.path:
                sys.path.append(root)

    # ------------------------------------------------------------------ methods
    async def describe(self, data: bytes, context: Any) -> bytes:
        grpc = _net.import_grpc()
        await self._check(grpc, data, context, pb.DescribeRequest)
        from flytelike import __version__

        return pb.ExecutorInfo(
            name="flytelike-python",
            version=__version__,
            language="python",
            task_kinds=list(self.codec.kinds),
            python_code=True,
            items=True,
            max_message_bytes=self.max_bytes,
            capabilities=["cancel", "decks", "logs", "dynamic", "timeouts"],
        ).SerializeToString()

    async def run_action(self, data: bytes, context: Any) -> bytes:
        grpc = _net.import_grpc()
        await self._check(grpc, data, context, pb.ActionRequest)
        try:
            request, root = _wire.request_from_proto(self.codec, data)
        except _wire.RequestError as e:
            await self._refuse(grpc, context, e)
            raise AssertionError("unreachable") from e  # (abort raises)
        self._use_root(root)
        request = _within_deadline(request, context.time_remaining())
        c = request.context
        key = (c.run_name, c.action_id, c.attempt)
        task = asyncio.current_task()
        if task is not None:
            self.running[key] = task
        try:
            outcome = await self.backend.run_action(request)
        except asyncio.CancelledError:
            raise
        except Exception as e:  # a bug of the machinery, not the task's: a system error
            outcome = ActionOutcome(
                error=ExecutionError(SYSTEM, f"executor failed: {type(e).__name__}: {e}")
            )
        finally:
            if self.running.get(key) is task:
                del self.running[key]
        if self._capture is not None:
            log = self._capture.take(*key)
            if log is not None:
                outcome = replace(outcome, logs=log)
        return _wire.outcome_to_proto(outcome)

    async def run_items(self, data: bytes, context: Any) -> bytes:
        grpc = _net.import_grpc()
        await self._check(grpc, data, context, pb.ItemsRequest)
        try:
            task, base, items, root = _wire.items_from_proto(self.codec, data)
        except _wire.RequestError as e:
            await self._refuse(grpc, context, e)
            raise AssertionError("unreachable") from e
        self._use_root(root)
        loop = asyncio.get_running_loop()
        results = await loop.run_in_executor(
            self.backend.executor, _run_items, self.backend, task, base, items, self._capture
        )
        return _wire.item_results_to_proto(results)

    async def cancel(self, data: bytes, context: Any) -> bytes:
        grpc = _net.import_grpc()
        await self._check(grpc, data, context, pb.CancelRequest)
        try:
            msg = _wire._parse(pb.CancelRequest, data)
        except _wire.RequestError as e:
            await self._refuse(grpc, context, e)
            raise AssertionError("unreachable") from e
        task = self.running.get((msg.run_name, msg.action_id, msg.attempt))
        if task is not None:
            task.cancel()
        return pb.CancelReply(found=task is not None).SerializeToString()

    # ------------------------------------------------------------------ health
    async def health_check(self, data: bytes, context: Any) -> bytes:
        grpc = _net.import_grpc()
        try:
            msg = _wire._parse(pb.HealthCheckRequest, data)
        except _wire.RequestError as e:
            await self._refuse(grpc, context, e)
            raise AssertionError("unreachable") from e
        if msg.service not in ("", _net.SERVICE):
            await context.abort(grpc.StatusCode.NOT_FOUND, f"unknown service {msg.service!r}")
        return pb.HealthCheckResponse(status=pb.HealthCheckResponse.SERVING).SerializeToString()

    async def health_watch(self, data: bytes, context: Any) -> Any:
        try:
            msg = _wire._parse(pb.HealthCheckRequest, data)
        except _wire.RequestError:
            msg = pb.HealthCheckRequest(service="?")
        known = msg.service in ("", _net.SERVICE)
        status = pb.HealthCheckResponse.SERVING if known else pb.HealthCheckResponse.SERVICE_UNKNOWN
        yield pb.HealthCheckResponse(status=status).SerializeToString()
        await asyncio.Event().wait()  # (until the client goes away or the server stops)

    def handlers(self, grpc: Any) -> list[Any]:
        unary = grpc.unary_unary_rpc_method_handler
        executor = grpc.method_handlers_generic_handler(
            _net.SERVICE,
            {
                "Describe": unary(self.describe),
                "RunAction": unary(self.run_action),
                "RunItems": unary(self.run_items),
                "Cancel": unary(self.cancel),
            },
        )
        health = grpc.method_handlers_generic_handler(
            _net.HEALTH_SERVICE,
            {
                "Check": unary(self.health_check),
                "Watch": grpc.unary_stream_rpc_method_handler(self.health_watch),
            },
        )
        return [executor, health]


def _within_deadline(request: ActionRequest, remaining: float | None) -> ActionRequest:
    """The request with its timeout cut to the call's deadline (the deadline wins when nearer)."""
    if remaining is None:
        return request
    limit = max(remaining - DEADLINE_MARGIN, 0.001)
    timeout = request.context.timeout
    if timeout is not None and timeout <= limit:
        return request
    return replace(request, context=replace(request.context, timeout=limit))


def _run_items(
    backend: Any, task: Any, base: Any, items: list[tuple[str, dict[str, Any], int]], capture: Any
) -> list[tuple[dict[str, Any] | None, ExecutionError | None]]:
    """A batch of map items, one after another in this worker thread."""
    from flytelike.backends._functions import FunctionResolutionError
    from flytelike.backends._local import _cannot_run, user_error

    try:
        runner = backend.inline_runner(task, base)
    except FunctionResolutionError as e:
        err = _cannot_run(ActionRequest(task, {}, base), e)
        return [(None, err)] * len(items)
    except Exception as e:
        return [(None, user_error(e))] * len(items)
    out = []
    with runner.bound():
        for action_id, values, attempt in items:
            out.append(runner.item(action_id, values, attempt))
            if capture is not None and capture.OPEN:
                capture.take(base.run_name, action_id, attempt)  # (not returned for items)
    return out


def _drain(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel what still runs on ``loop`` (calls cut off by ``stop``), then close it."""
    pending = asyncio.all_tasks(loop)
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    loop.close()


def local_backend(workers: int | None = None) -> Any:
    """The ``LocalBackend`` a server runs actions with. Attempts with a timeout run in threads
    stopped by an asynchronous exception, not in forked workers: a process running gRPC must
    not fork (the child can crash in gRPC's threads before it runs the task)."""
    import inspect

    from flytelike.backends._local import LocalBackend

    if "isolate_timeouts" in inspect.signature(LocalBackend).parameters:
        return LocalBackend(max_workers=workers, isolate_timeouts=False)
    return LocalBackend(max_workers=workers)  # (a version that never forks for timeouts)


class ExecutorServer:
    """A gRPC executor server on its own event loop.

    ``start()`` binds and serves in a background thread and returns the bound port (``port=0``:
    an ephemeral one); ``stop()`` ends it. ``serve_forever()`` serves in the calling thread.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = _net.DEFAULT_PORT,
        *,
        token: str = "",
        tls_cert: str | None = None,
        tls_key: str | None = None,
        allow_insecure: bool = False,
        max_message_bytes: int | None = None,
        workers: int | None = None,
        backend: Any = None,
    ) -> None:
        if not _net.is_loopback(host):
            if not token:
                raise ConfigurationError(
                    f"refusing to serve on {host!r} without a token: any other interface than "
                    f"loopback needs --token (or {_net.ENV_TOKEN}); use 127.0.0.1 for local use"
                )
            if tls_cert is None and not allow_insecure:
                raise ConfigurationError(
                    f"refusing to serve on {host!r} without TLS: the token would travel in "
                    "clear; pass --tls-cert and --tls-key, or --allow-insecure on a network you "
                    "trust"
                )
        if (tls_cert is None) != (tls_key is None):
            raise ConfigurationError("TLS needs both a certificate (--tls-cert) and --tls-key")
        self.host = host
        self.port = port
        self.token = token
        self.tls = (tls_cert, tls_key) if tls_cert is not None and tls_key is not None else None
        self.max_bytes = _net.max_message_bytes(max_message_bytes)
        self.backend = backend if backend is not None else local_backend(workers)
        self.service = ExecutorService(self.backend, token, self.max_bytes)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._stopped: asyncio.Event | None = None
        self._grace = 0.5

    @property
    def address(self) -> str:
        return _net.join_address(self.host, self.port)

    async def _start(self) -> None:
        grpc = _net.import_grpc()
        from grpc import aio  # type: ignore[import-untyped]

        server = aio.server(options=_net.channel_options(self.max_bytes))
        server.add_generic_rpc_handlers(self.service.handlers(grpc))
        target = _net.join_address(self.host, self.port)
        try:
            if self.tls is not None:
                key = _net.read_file(self.tls[1], "TLS key (--tls-key)")
                cert = _net.read_file(self.tls[0], "TLS certificate (--tls-cert)")
                creds = grpc.ssl_server_credentials([(key, cert)])
                port = server.add_secure_port(target, creds)
            else:
                port = server.add_insecure_port(target)
        except RuntimeError as e:
            raise ConfigurationError(f"cannot listen on {target}: {e}") from e
        if not port:
            raise ConfigurationError(f"cannot listen on {target} (address in use?)")
        self.port = port
        await server.start()
        self._server = server
        self._stopped = asyncio.Event()

    async def _main(self, ready: threading.Event | None, failed: list[BaseException]) -> None:
        try:
            await self._start()
        except BaseException as e:
            failed.append(e)
            if ready is not None:
                ready.set()
            raise
        if ready is not None:
            ready.set()
        assert self._stopped is not None
        await self._stopped.wait()
        await self._server.stop(grace=self._grace)

    def start(self) -> int:
        """Serve in a background thread; returns the port."""
        ready = threading.Event()
        failed: list[BaseException] = []

        def target() -> None:
            loop = self._loop = asyncio.new_event_loop()
            try:
                loop.run_until_complete(self._main(ready, failed))
            except BaseException:
                pass
            finally:
                _drain(loop)

        self._thread = threading.Thread(target=target, name="flytelike-executor", daemon=True)
        self._thread.start()
        ready.wait()
        if failed:
            raise failed[0]
        return self.port

    def serve_forever(self, on_ready: Any = None) -> None:
        """Serve in this thread until interrupted (Ctrl-C) or ``stop()``."""

        async def main() -> None:
            self._loop = asyncio.get_running_loop()
            await self._start()
            if on_ready is not None:
                on_ready(self)
            assert self._stopped is not None
            try:
                await self._stopped.wait()
            finally:
                await self._server.stop(grace=self._grace)

        try:
            asyncio.run(main())
        finally:
            self.backend.close()

    def stop(self, grace: float = 0.5) -> None:
        """Stop serving; calls still running after ``grace`` seconds are cancelled."""
        self._grace = grace
        loop, stopped = self._loop, self._stopped
        if loop is not None and stopped is not None and not loop.is_closed():
            loop.call_soon_threadsafe(stopped.set)
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
            self.backend.close()
