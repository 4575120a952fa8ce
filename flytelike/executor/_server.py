"""The Python executor server (``flytelike serve executor``): runs actions with the local backend.

Each call is handled in a thread of the server's pool (``workers``). ``RunAction`` (and each
request of a ``RunActions`` stream, the same one after another) is decoded (``_wire``, which
checks every field; a task template is decoded once, then found by its digest) and run by a
``LocalBackend`` as a local run would: a sync
task without a time limit runs right in the handling thread (``run_inline``: no further thread
hand-off), anything else (async tasks, attempts with a timeout) through ``run_action`` on the
server's event loop. ``RunItems`` runs a batch of map items one after another in the handling
thread through the backend's in-place runner. What a task prints is captured and sent back with
its outcome.

A call that ends before its task (the client cancelled it, its deadline passed, or ``Cancel``)
stops the task: an async task is cancelled, a sync body is stopped in its thread. The gRPC
deadline of a call bounds the attempt: the task runs with the smaller of the deadline and the
request's own timeout.

Security defaults: the server listens on loopback; any other interface needs a token (checked on
every call but the health check) and TLS, unless TLS is explicitly declined
(``allow_insecure``). With ``tls_client_ca`` (mutual TLS) only clients presenting a certificate
signed by that CA connect; the token is still required off loopback. Requests larger than ``max_message_bytes`` are refused before decoding.
A request the server cannot run is answered with a gRPC status (INVALID_ARGUMENT,
RESOURCE_EXHAUSTED, UNIMPLEMENTED, UNAUTHENTICATED) and a message naming the field; nothing a
client sends stops the server.

Code: a request's code bundle (``code.bundle_uri``) is fetched once, checked against its digest
and unpacked into the code cache (``_bundle.BundleCache``), whose folder for it then comes
first on ``sys.path``; a request naming a code root that is a folder here adds that folder to
``sys.path`` instead.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import hmac
import itertools
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

from flytelike.backends import (
    SYSTEM,
    USER,
    ActionOutcome,
    ActionRequest,
    ExecutionError,
    stop_action,
)
from flytelike.errors import ConfigurationError
from flytelike.executor import _bundle, _bytes, _net, _prepared, _wire
from flytelike.proto import executor_pb2 as pb

DEADLINE_MARGIN = 0.05  # seconds kept to answer before the client's deadline
NO_DEADLINE = 1e8  # seconds remaining beyond which a call has no deadline (about three years)


def _stopper(run_name: str, action_id: str, attempt: int) -> Callable[[], Any]:
    """What stops a sync body running in a thread."""
    return functools.partial(stop_action, run_name, action_id, attempt)


class ExecutorService:
    """The handlers; one per server. ``backend`` is the ``LocalBackend`` that runs actions,
    ``loop`` the event loop (in a thread of its own) for what does not run in place."""

    def __init__(
        self,
        backend: Any,
        token: str,
        max_bytes: int,
        max_streams: int = 16,
        code_cache: str | None = None,
    ) -> None:
        self.backend = backend
        self.bundles = _bundle.BundleCache(code_cache)
        self.token = token
        self.max_bytes = max_bytes
        self.max_streams = max_streams
        self.streams = 0  # RunActions calls open now
        self.loop: asyncio.AbstractEventLoop | None = None  # (set when the server starts)
        self.codec = _wire.TaskCodec()
        self.stopping = threading.Event()
        # Running attempts by (run, action, attempt): what stops each.
        self.running: dict[tuple[str, str, int], Callable[[], Any]] = {}
        self._roots: set[str] = set()
        # Templates the backend runs in place (``can_inline``), by id: a sync function stays
        # sync until another code bundle comes into use, which forgets them all.
        self._inline: dict[int, Any] = {}
        self.prepared = _prepared.PreparedRuns()  # (what a run's first request of a task meant)
        self._bundle = ""  # (the digest of the code bundle last used)
        self._lock = threading.Lock()
        self._capture: Any = None
        try:
            from flytelike.backends import _capture  # (held as one object; None without it)

            _capture.install()
            self._capture = _capture
        except ImportError:  # (a version without output capture: outcomes carry no logs)
            pass

    # ------------------------------------------------------------------ checks
    def _authorise(self, grpc: Any, context: Any) -> None:
        """Aborts the call (raises) unless it carries the token (when there is one)."""
        if not self.token:
            return
        sent = dict(context.invocation_metadata() or ()).get("authorization", "")
        if not isinstance(sent, str) or not hmac.compare_digest(
            sent.encode(), f"Bearer {self.token}".encode()
        ):
            why = "no token was sent" if not sent else "the token is wrong"
            context.abort(
                grpc.StatusCode.UNAUTHENTICATED,
                f"{why}: this executor requires the metadata `authorization: Bearer <token>` "
                f"(client: set {_net.ENV_TOKEN})",
            )

    def _check_size(self, grpc: Any, data: bytes, context: Any, cls: Any) -> None:
        """Aborts the call (raises) when ``data`` is larger than this executor accepts."""
        if len(data) > self.max_bytes:
            largest = _wire.largest_field(data, cls)
            detail = f"; the largest field is {largest}" if largest else ""
            context.abort(
                grpc.StatusCode.RESOURCE_EXHAUSTED,
                f"request of {len(data)} bytes exceeds this executor's max_message_bytes "
                f"({self.max_bytes}){detail}: large values travel by reference (File, Dir, "
                "DataFrame under the raw data prefix), or raise the limit on both sides "
                f"(--max-message-bytes, {_net.ENV_MAX_MESSAGE})",
            )

    def _check(self, grpc: Any, data: bytes, context: Any, cls: Any) -> None:
        self._authorise(grpc, context)
        self._check_size(grpc, data, context, cls)

    def _decode(self, grpc: Any, context: Any, decode: Callable[[], Any]) -> Any:
        try:
            return decode()
        except _wire.RequestError as e:
            context.abort(getattr(grpc.StatusCode, e.status), str(e))
            raise AssertionError("unreachable: abort raises") from e

    def _use_code(self, grpc: Any, context: Any, code: _wire.CodeRef) -> None:
        """Make the request's code importable: its bundle (fetched and unpacked when new) or
        its root folder."""
        if code.bundle_digest:
            self._decode(
                grpc, context, lambda: self.bundles.use(code.bundle_uri, code.bundle_digest)
            )
            if code.bundle_digest != self._bundle:
                self._bundle = code.bundle_digest
                self._inline.clear()
                self.prepared.clear()
            return
        root = code.root
        if root and root not in self._roots:
            with self._lock:
                self._roots.add(root)
                if root not in sys.path:
                    sys.path.append(root)

    # ------------------------------------------------------------------ methods
    def describe(self, data: bytes, context: Any) -> bytes:
        self._check(_net.import_grpc(), data, context, pb.DescribeRequest)
        from flytelike import __version__

        return pb.ExecutorInfo(
            name="flytelike-python",
            version=__version__,
            language="python",
            task_kinds=list(self.codec.kinds),
            python_code=True,
            items=True,
            max_message_bytes=self.max_bytes,
            capabilities=["cancel", "decks", "logs", "dynamic", "timeouts", "stream", "bundles"],
        ).SerializeToString()

    def run_action(self, data: bytes, context: Any) -> bytes:
        grpc = _net.import_grpc()
        self._authorise(grpc, context)
        slot: list[Callable[[], Any] | None] = [None]  # (what stops the attempt, while it runs)
        context.add_callback(lambda: (stop := slot[0]) is not None and stop())
        return self._action(grpc, data, context, slot, _deadline(context))

    def run_actions(self, requests: Iterator[bytes], context: Any) -> Iterator[bytes]:
        """``RunActions``: one request after another over one call, each as ``RunAction``.
        Every open stream holds a thread of the pool while it lasts, so at most
        ``max_streams`` are open at once (beyond that: RESOURCE_EXHAUSTED, clients fall back
        to ``RunAction``)."""
        grpc = _net.import_grpc()
        # Refusals wait for the first request: a client still writing it when the call ends
        # would see its write fail (INTERNAL) instead of the status.
        first = next(requests, None)
        if first is None:
            return
        self._authorise(grpc, context)
        with self._lock:
            busy = self.streams >= self.max_streams
            if not busy:
                self.streams += 1
        if busy:
            context.abort(
                grpc.StatusCode.RESOURCE_EXHAUSTED,
                f"this executor has {self.max_streams} RunActions calls open already, the most "
                "it serves at once: use RunAction",
            )
        slot: list[Callable[[], Any] | None] = [None]
        context.add_callback(lambda: (stop := slot[0]) is not None and stop())
        deadline = _deadline(context)  # (a call's deadline is fixed: looked up once per stream)
        try:
            for data in itertools.chain((first,), requests):
                yield self._action(grpc, data, context, slot, deadline)
        finally:
            with self._lock:
                self.streams -= 1

    def _action(
        self, grpc: Any, data: bytes, context: Any, slot: list[Any], deadline: float | None
    ) -> bytes:
        """One attempt; ``slot[0]`` holds what stops it while it runs (the call's end calls
        it); ``deadline`` is the call's (``time.monotonic()``; ``None``: none). A request of a
        task and run read before is read for its id, attempt and inputs alone (``_prepared``)."""
        if len(data) > self.max_bytes:
            self._check_size(grpc, data, context, pb.ActionRequest)
        parts = _bytes.read_request(data) if deadline is None else None
        prepared = self.prepared.find(parts) if parts is not None else None
        if prepared is not None and prepared.code.bundle_digest:
            if prepared.code.bundle_digest != self._bundle:
                prepared = None  # (another bundle is in use now: the general way)
            else:
                self._use_code(grpc, context, prepared.code)
        if prepared is not None:
            assert parts is not None
            _, action_id, attempt, inputs = parts
            code = prepared.code
            key = (prepared.base.run_name, action_id, attempt)
        else:
            try:
                request, code = _wire.request_from_proto(self.codec, data)
            except _wire.RequestError as e:
                context.abort(getattr(grpc.StatusCode, e.status), str(e))
                raise AssertionError("unreachable: abort raises") from e
            if code is not _wire.NO_CODE:
                self._use_code(grpc, context, code)
            if parts is not None:
                self.prepared.learn(parts, request, code, self.backend, self._in_place)
            if deadline is not None:
                request = _within_deadline(request, deadline - time.monotonic())
            c = request.context
            key = (c.run_name, c.action_id, c.attempt)
        try:
            if prepared is None:
                outcome = self._run(request, key, slot)
            elif prepared.runner is not None:
                self.running[key] = slot[0] = _stopper(*key)
                outcome = prepared.runner.once(action_id, inputs, attempt)
            else:
                outcome = self._run(prepared.request(action_id, attempt, inputs), key, slot)
        except Exception as e:  # a failure of the machinery, not the task's: a system error
            outcome = ActionOutcome(
                error=ExecutionError(SYSTEM, f"executor failed: {type(e).__name__}: {e}")
            )
        finally:
            slot[0] = None
            self.running.pop(key, None)
        if outcome is None:  # (cancelled: nobody is waiting for the answer)
            context.abort(grpc.StatusCode.CANCELLED, f"{key[1]} was cancelled")
            raise AssertionError("unreachable: abort raises")
        if code.missing_root and outcome.error is not None:
            outcome = _hint_missing_root(outcome, code.missing_root)
        capture = self._capture
        if capture is not None and capture.OPEN:
            log = capture.take(*key)
            if log is not None:
                outcome = replace(outcome, logs=log)
        return _wire.outcome_to_proto(outcome)

    def _run(self, request: ActionRequest, key: Any, slot: list[Any]) -> ActionOutcome | None:
        backend = self.backend
        if request.context.timeout is None and self._in_place(request):
            self.running[key] = slot[0] = _stopper(*key)
            return backend.run_inline(request)  # type: ignore[no-any-return]
        assert self.loop is not None
        future = asyncio.run_coroutine_threadsafe(_within_timeout(backend, request), self.loop)
        self.running[key] = slot[0] = future.cancel
        try:
            return future.result()
        except (asyncio.CancelledError, concurrent.futures.CancelledError):
            return None

    def _in_place(self, request: ActionRequest) -> bool:
        """``backend.can_inline(request)`` for a request without a timeout, remembered per
        template while true (a function that cannot be resolved now is looked at again)."""
        task = request.task
        if self._inline.get(id(task)) is task:
            return True
        if not self.backend.can_inline(request):
            return False
        if len(self._inline) >= 1024:
            self._inline.clear()
        self._inline[id(task)] = task
        return True

    def run_items(self, data: bytes, context: Any) -> bytes:
        grpc = _net.import_grpc()
        self._check(grpc, data, context, pb.ItemsRequest)
        task, base, items, code = self._decode(
            grpc, context, lambda: _wire.items_from_proto(self.codec, data)
        )
        self._use_code(grpc, context, code)
        results = _run_items(self.backend, task, base, items, self._capture)
        return _wire.item_results_to_proto(results)

    def cancel(self, data: bytes, context: Any) -> bytes:
        grpc = _net.import_grpc()
        self._check(grpc, data, context, pb.CancelRequest)
        msg = self._decode(grpc, context, lambda: _wire._parse(pb.CancelRequest, data))
        stop = self.running.get((msg.run_name, msg.action_id, msg.attempt))
        if stop is not None:
            stop()
        return pb.CancelReply(found=stop is not None).SerializeToString()

    # ------------------------------------------------------------------ health
    def health_check(self, data: bytes, context: Any) -> bytes:
        grpc = _net.import_grpc()
        msg = self._decode(grpc, context, lambda: _wire._parse(pb.HealthCheckRequest, data))
        if msg.service not in ("", _net.SERVICE):
            context.abort(grpc.StatusCode.NOT_FOUND, f"unknown service {msg.service!r}")
        return pb.HealthCheckResponse(status=self._status()).SerializeToString()

    def _status(self) -> Any:
        r = pb.HealthCheckResponse
        return r.NOT_SERVING if self.stopping.is_set() else r.SERVING

    def health_watch(self, data: bytes, context: Any) -> Iterator[bytes]:
        try:
            msg = _wire._parse(pb.HealthCheckRequest, data)
        except _wire.RequestError:
            msg = pb.HealthCheckRequest(service="?")
        if msg.service not in ("", _net.SERVICE):
            yield pb.HealthCheckResponse(
                status=pb.HealthCheckResponse.SERVICE_UNKNOWN
            ).SerializeToString()
            return
        yield pb.HealthCheckResponse(status=self._status()).SerializeToString()
        while context.is_active() and not self.stopping.wait(1.0):
            pass
        if context.is_active():
            yield pb.HealthCheckResponse(status=self._status()).SerializeToString()

    def handlers(self, grpc: Any) -> list[Any]:
        unary = grpc.unary_unary_rpc_method_handler
        executor = grpc.method_handlers_generic_handler(
            _net.SERVICE,
            {
                "Describe": unary(self.describe),
                "RunAction": unary(self.run_action),
                "RunActions": grpc.stream_stream_rpc_method_handler(self.run_actions),
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


def _hint_missing_root(outcome: ActionOutcome, root: str) -> ActionOutcome:
    """``outcome`` with a hint when its task's module could not be imported and the code root
    the request named is not on this machine (an executor in a container behind a loopback
    port, say)."""
    error = outcome.error
    if error is None or "cannot import module" not in error.message:
        return outcome
    hint = (
        f"; the code root {root!r} the request names does not exist on this executor: send "
        "the code as a bundle (grpc backend option code=bundle) or install it here"
    )
    return replace(outcome, error=replace(error, message=error.message + hint))


async def _within_timeout(backend: Any, request: ActionRequest) -> ActionOutcome:
    """The attempt, stopped when its timeout passes (the client may be gone by then)."""
    timeout = request.context.timeout
    if timeout is None:
        return await backend.run_action(request)  # type: ignore[no-any-return]
    try:
        return await asyncio.wait_for(backend.run_action(request), timeout)
    except TimeoutError:
        c = request.context
        return ActionOutcome(
            error=ExecutionError(
                USER,
                f"task `{request.task.id.name}` ({c.action_id}, attempt {c.attempt + 1}) timed "
                f"out after {timeout:g}s on the executor",
                "TimeoutError",
                recoverable=True,
                timed_out=True,
            )
        )


def _deadline(context: Any) -> float | None:
    """The call's deadline on the ``time.monotonic()`` clock (``None``: it has none)."""
    remaining = context.time_remaining()
    if remaining is None or remaining > NO_DEADLINE:
        return None
    return float(time.monotonic() + remaining)


def _within_deadline(request: ActionRequest, remaining: float | None) -> ActionRequest:
    """The request with its timeout cut to the call's deadline (the deadline wins when nearer).
    A call without a deadline reports a practically infinite time remaining."""
    if remaining is None or remaining > NO_DEADLINE:
        return request
    limit = max(remaining - DEADLINE_MARGIN, 0.001)
    timeout = request.context.timeout
    if timeout is not None and timeout <= limit:
        return request
    return replace(request, context=replace(request.context, timeout=limit))


def _run_items(
    backend: Any, task: Any, base: Any, items: list[tuple[str, dict[str, Any], int]], capture: Any
) -> list[tuple[dict[str, Any] | None, ExecutionError | None]]:
    """A batch of map items, one after another in this thread."""
    from flytelike.backends import FunctionResolutionError, user_error
    from flytelike.backends._local import _cannot_run  # (the local backend's own error for it)

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


def local_backend(workers: int | None = None) -> Any:
    """The ``LocalBackend`` a server runs actions with. Attempts with a timeout run in threads
    stopped by an asynchronous exception, not in forked workers: a process running gRPC must
    not fork (the child can crash in gRPC's threads before it runs the task)."""
    import inspect

    from flytelike.backends import LocalBackend

    if "isolate_timeouts" in inspect.signature(LocalBackend).parameters:
        return LocalBackend(max_workers=workers, isolate_timeouts=False)
    return LocalBackend(max_workers=workers)  # (a version that never forks for timeouts)


class ExecutorServer:
    """A gRPC executor server.

    ``start()`` binds, serves in background threads and returns the bound port (``port=0``: an
    ephemeral one); ``stop()`` ends it. ``serve_forever()`` serves until interrupted.
    ``code_cache`` is the folder code bundles are unpacked in, one folder per bundle digest
    (default ``$FLYTELIKE_HOME/executor/code``, ``~/.flytelike/executor/code``).
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = _net.DEFAULT_PORT,
        *,
        token: str = "",
        tls_cert: str | None = None,
        tls_key: str | None = None,
        tls_client_ca: str | None = None,
        allow_insecure: bool = False,
        max_message_bytes: int | None = None,
        workers: int | None = None,
        backend: Any = None,
        code_cache: str | None = None,
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
        if tls_client_ca is not None and tls_cert is None:
            raise ConfigurationError(
                "mutual TLS (--tls-client-ca) needs the server's own certificate too: pass "
                "--tls-cert and --tls-key"
            )
        self.tls_client_ca = tls_client_ca
        self.host = host
        self.port = port
        self.token = token
        self.tls = (tls_cert, tls_key) if tls_cert is not None and tls_key is not None else None
        self.max_bytes = _net.max_message_bytes(max_message_bytes)
        self.backend = backend if backend is not None else local_backend(workers)
        self.workers: int = workers or getattr(self.backend, "max_workers", None) or 32
        # (RunActions calls hold a thread each while open: some threads stay for the others)
        streams = max(1, self.workers - max(2, self.workers // 4))
        self.service = ExecutorService(self.backend, token, self.max_bytes, streams, code_cache)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: Any = None
        self._threads: list[threading.Thread] = []

    @property
    def address(self) -> str:
        return _net.join_address(self.host, self.port)

    def start(self) -> int:
        """Serve in background threads; returns the port."""
        grpc = _net.import_grpc()
        server = grpc.server(
            ThreadPoolExecutor(self.workers, thread_name_prefix="flytelike-executor"),
            handlers=self.service.handlers(grpc),
            options=_net.channel_options(self.max_bytes),
        )
        target = _net.join_address(self.host, self.port)
        try:
            if self.tls is not None:
                key = _net.read_file(self.tls[1], "TLS key (--tls-key)")
                cert = _net.read_file(self.tls[0], "TLS certificate (--tls-cert)")
                client_ca = None
                if self.tls_client_ca is not None:
                    client_ca = _net.read_file(self.tls_client_ca, "client CA (--tls-client-ca)")
                creds = grpc.ssl_server_credentials(
                    [(key, cert)],
                    root_certificates=client_ca,
                    require_client_auth=client_ca is not None,
                )
                port = server.add_secure_port(target, creds)
            else:
                port = server.add_insecure_port(target)
        except RuntimeError as e:
            raise ConfigurationError(f"cannot listen on {target}: {e}") from e
        if not port:
            raise ConfigurationError(f"cannot listen on {target} (address in use?)")
        self.port = port
        loop = self._loop = self.service.loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="flytelike-executor-loop")
        thread.daemon = True
        thread.start()
        self._threads.append(thread)
        server.start()
        self._server = server
        return int(port)

    def serve_forever(self, on_ready: Callable[[ExecutorServer], None] | None = None) -> None:
        """Serve in this thread until interrupted (Ctrl-C)."""
        self.start()
        if on_ready is not None:
            on_ready(self)
        try:
            self._server.wait_for_termination()
        finally:
            self.stop()

    def stop(self, grace: float = 0.5) -> None:
        """Stop serving; calls still running after ``grace`` seconds are cancelled."""
        self.service.stopping.set()
        if self._server is not None:
            self._server.stop(grace).wait()
            self._server = None
        loop = self._loop
        if loop is not None and loop.is_running():
            loop.call_soon_threadsafe(loop.stop)
        for t in self._threads:
            t.join(timeout=10)
        self._threads.clear()
        if loop is not None and not loop.is_running() and not loop.is_closed():
            pending = asyncio.all_tasks(loop)  # (attempts cut off by the stop)
            for task in pending:
                task.cancel()
            if pending:
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.close()
        self.backend.close()
