"""The connector service (``connector.proto``) over gRPC: ``ConnectorService.run(port=...,
modules=[...])`` imports the modules (whose import registers their connectors with
``ConnectorRegistry``), then serves ``CreateTask``/``GetTask``/``DeleteTask``/``ListConnectors``
on ``127.0.0.1:<port>`` (loopback only) until it is stopped (SIGTERM or Ctrl-C) or ``timeout``
seconds pass. ``python -m flytelike.connectors --port P --modules m1 m2`` does the same from a
shell; it is what ``flytelike.app.ConnectorEnvironment`` starts.

Each call is handed to the connector registered for the task's type and version (NOT_FOUND when
none is; the message names the type). An exception raised by a connector fails the call INTERNAL
with the exception's class and message, which the task reports as its failure. flyte's
``prometheus_port`` is accepted; no metrics are served locally (the service says so when it
starts).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from flytelike.connectors._connector import ConnectorRegistry
from flytelike.exceptions.system import FlyteConnectorNotFound

SERVICE = "flytelike.connector.v1.ConnectorService"
HOST = "127.0.0.1"


def import_grpc() -> Any:
    os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "false")
    try:
        import grpc  # type: ignore[import-untyped]  # (grpcio ships no type stubs)
    except ImportError as e:
        from flytelike.errors import ConfigurationError

        raise ConfigurationError(
            f"the connector service needs grpcio, which is not installed ({e}); install it "
            "with `pip install 'flytelike[grpc]'`"
        ) from e
    return grpc


def load_modules(modules: Sequence[str]) -> None:
    """Import each module (a dotted name) with the working directory on the import path, as
    the connector's own process does; a module that does not import raises naming it."""
    cwd = os.getcwd()
    if all(os.path.realpath(p or ".") != os.path.realpath(cwd) for p in sys.path):
        sys.path.append(cwd)
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError as e:
            raise ImportError(
                f"connector module {name!r} could not be imported from {cwd}: {e}"
            ) from e


class _Servicer:
    """The four methods, each answering one request with a connector's help."""

    def __init__(self, grpc: Any) -> None:
        self.grpc = grpc

    async def _guard(self, context: Any, what: str, call: Callable[[], Awaitable[Any]]) -> Any:
        try:
            return await call()
        except FlyteConnectorNotFound as e:
            await context.abort(self.grpc.StatusCode.NOT_FOUND, str(e))
        except Exception as e:
            await context.abort(
                self.grpc.StatusCode.INTERNAL, f"{what} failed: {type(e).__name__}: {e}"
            )

    async def create_task(self, request: Any, context: Any) -> Any:
        from flytelike.connectors import _wire
        from flytelike.proto import connector_pb2 as pb

        tmpl = request.template

        async def call() -> Any:
            connector = ConnectorRegistry.get_connector(tmpl.type, tmpl.task_type_version)
            inputs = _wire.get_values(request.inputs, _wire.input_types(tmpl))
            meta = await connector.create(
                task_template=tmpl,
                output_prefix=request.output_prefix,
                inputs=inputs,
                **dict(request.secrets),
            )
            return pb.CreateTaskResponse(resource_meta=meta.encode())

        return await self._guard(context, f"create ({tmpl.type})", call)

    async def get_task(self, request: Any, context: Any) -> Any:
        from flytelike.connectors import _wire
        from flytelike.proto import connector_pb2 as pb

        cat = request.task_category

        async def call() -> Any:
            connector = ConnectorRegistry.get_connector(cat.name, cat.version)
            meta = connector.metadata_type.decode(request.resource_meta)
            resource = await connector.get(resource_meta=meta, **dict(request.secrets))
            return pb.GetTaskResponse(resource=_wire.resource_message(resource))

        return await self._guard(context, f"get ({cat.name})", call)

    async def delete_task(self, request: Any, context: Any) -> Any:
        from flytelike.proto import connector_pb2 as pb

        cat = request.task_category

        async def call() -> Any:
            connector = ConnectorRegistry.get_connector(cat.name, cat.version)
            meta = connector.metadata_type.decode(request.resource_meta)
            await connector.delete(resource_meta=meta, **dict(request.secrets))
            return pb.DeleteTaskResponse()

        return await self._guard(context, f"delete ({cat.name})", call)

    async def list_connectors(self, request: Any, context: Any) -> Any:
        from flytelike.proto import connector_pb2 as pb

        out = pb.ListConnectorsResponse()
        for name, categories in ConnectorRegistry.list_connectors():
            c = out.connectors.add(name=name)
            for type_name, version in categories:
                c.supported_task_categories.add(name=type_name, version=version)
        return out

    def handler(self) -> Any:
        from flytelike.proto import connector_pb2 as pb

        grpc = self.grpc

        def unary(fn: Any, request: Any, response: Any) -> Any:
            return grpc.unary_unary_rpc_method_handler(
                fn,
                request_deserializer=request.FromString,
                response_serializer=response.SerializeToString,
            )

        return grpc.method_handlers_generic_handler(
            SERVICE,
            {
                "CreateTask": unary(self.create_task, pb.CreateTaskRequest, pb.CreateTaskResponse),
                "GetTask": unary(self.get_task, pb.GetTaskRequest, pb.GetTaskResponse),
                "DeleteTask": unary(self.delete_task, pb.DeleteTaskRequest, pb.DeleteTaskResponse),
                "ListConnectors": unary(
                    self.list_connectors, pb.ListConnectorsRequest, pb.ListConnectorsResponse
                ),
            },
        )


async def serve(port: int, worker: int, timeout: float | None) -> None:
    """Serve the registered connectors on ``127.0.0.1:<port>`` until stopped or ``timeout``."""
    grpc = import_grpc()
    from concurrent import futures

    server = grpc.aio.server(futures.ThreadPoolExecutor(max_workers=max(1, int(worker))))
    server.add_generic_rpc_handlers((_Servicer(grpc).handler(),))
    bound = server.add_insecure_port(f"{HOST}:{int(port)}")
    if not bound:
        raise OSError(f"the connector service could not listen on {HOST}:{port} (port in use?)")
    await server.start()
    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):  # (not main thread)
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, lambda: asyncio.ensure_future(server.stop(1)))
    hosted = ", ".join(
        f"{name} [{', '.join(f'{t} ({v})' for t, v in cats)}]"
        for name, cats in ConnectorRegistry.list_connectors()
    )
    print(f"connector service on {HOST}:{bound}: {hosted or 'no connectors'}", flush=True)
    try:
        await server.wait_for_termination(timeout)
    finally:
        await server.stop(grace=1)


class ConnectorService:
    """The connector service of this process (see the module docstring)."""

    @classmethod
    def run(
        cls,
        port: int = 8000,
        prometheus_port: int | None = None,
        worker: int = 10,
        timeout: float | None = None,
        modules: Sequence[str] | None = None,
    ) -> None:
        """Import ``modules`` and serve their connectors until stopped (blocks)."""
        load_modules(list(modules or ()))
        if prometheus_port is not None:
            print(
                f"connector service: prometheus_port={prometheus_port} noted; flytelike "
                "serves no metrics locally",
                flush=True,
            )
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(serve(port, worker, timeout))
