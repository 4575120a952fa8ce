"""Where a connector task's connector lives, and the client of a connector service.

The rule: when this process serves a ``ConnectorEnvironment`` (``flytelike.serve(env)``; the
served-apps registry, ``flytelike._v2.served``) that is running and whose service lists the
task's type and version (``ListConnectors``, asked once per served app), the task's calls go to
that service over gRPC, so the connector runs in the service's process (or any language that
serves ``connector.proto``). Otherwise the connector registered in this process
(``ConnectorRegistry``) runs in place; with neither, ``FlyteConnectorNotFound`` names the type.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from flytelike._v2 import served as _served
from flytelike.connectors import _wire
from flytelike.connectors._connector import ResourceMeta

_HOSTED: dict[tuple[int, str], frozenset[tuple[str, int]]] = {}
_LOCK = threading.Lock()


class ServiceMeta(ResourceMeta):
    """The bytes a service's ``CreateTask`` answered, kept as they are."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def encode(self) -> bytes:
        return self.data


def _address(handle: Any) -> str:
    return str(handle.url).removeprefix("http://").removeprefix("https://")


async def _hosted(handle: Any) -> frozenset[tuple[str, int]]:
    """The task types the service of a served ``ConnectorEnvironment`` hosts (asked once)."""
    key = (id(handle), str(handle.url))
    with _LOCK:
        found = _HOSTED.get(key)
    if found is not None:
        return found
    from flytelike.proto import connector_pb2 as pb

    answer = await ServiceClient(_address(handle)).call(
        "ListConnectors", pb.ListConnectorsRequest(), pb.ListConnectorsResponse
    )
    found = frozenset(
        (c.name, c.version) for conn in answer.connectors for c in conn.supported_task_categories
    )
    with _LOCK:
        _HOSTED[key] = found
    return found


async def service_for(task_type: str, version: int) -> str | None:
    """The address of a running served connector service that hosts the type, or ``None``."""
    for handle in reversed(_served.handles()):
        if getattr(handle, "type", None) != "connector" or not handle.is_running():
            continue
        if (task_type, version) in await _hosted(handle):
            return _address(handle)
    return None


class ServiceClient:
    """Calls to one connector service. A call opens a channel of its own, unless ``open()``
    opened one for a series of calls (one task's create, gets and delete) on the event loop
    they are awaited on; ``aclose()`` closes it."""

    def __init__(self, address: str, timeout: float = 60.0) -> None:
        self.address = address
        self.timeout = timeout
        self._channel: Any = None

    def open(self) -> None:
        from flytelike.connectors._server import import_grpc

        if self._channel is None:
            self._channel = import_grpc().aio.insecure_channel(self.address)

    async def aclose(self) -> None:
        channel, self._channel = self._channel, None
        if channel is not None:
            await channel.close()

    async def call(self, method: str, request: Any, response: Any) -> Any:
        from flytelike.connectors._server import SERVICE, import_grpc

        grpc = import_grpc()
        own = self._channel is None
        channel = grpc.aio.insecure_channel(self.address) if own else self._channel
        try:
            stub = channel.unary_unary(
                f"/{SERVICE}/{method}",
                request_serializer=type(request).SerializeToString,
                response_deserializer=response.FromString,
            )
            return await stub(request, timeout=self.timeout)
        except grpc.aio.AioRpcError as e:
            raise ServiceError(self.address, method, e.code().name, e.details() or "") from e
        finally:
            if own:
                await channel.close()


class ServiceError(RuntimeError):
    """A connector service refused or failed a call."""

    def __init__(self, address: str, method: str, status: str, details: str) -> None:
        super().__init__(f"connector service {address}: {method} failed ({status}): {details}")
        self.status = status
        self.details = details


class RemoteConnector:
    """A connector reached through a connector service (same calls as an ``AsyncConnector``)."""

    def __init__(
        self, address: str, task_type: str, version: int, output_types: Mapping[str, Any]
    ) -> None:
        self.client = ServiceClient(address)
        self.client.open()  # (on the task's event loop: its calls share the channel)
        self.name = f"connector service {address}"
        self.task_type = task_type
        self.version = version
        self.output_types = dict(output_types)
        self.input_types: dict[str, Any] = {}

    async def aclose(self) -> None:
        await self.client.aclose()

    async def create(
        self, task_template: Any, output_prefix: str, inputs: Mapping[str, Any], **secrets: str
    ) -> ServiceMeta:
        from flytelike.proto import connector_pb2 as pb

        request = pb.CreateTaskRequest(
            template=task_template, output_prefix=output_prefix, secrets=secrets
        )
        _wire.put_values(request.inputs, inputs, self.input_types)
        answer = await self.client.call("CreateTask", request, pb.CreateTaskResponse)
        return ServiceMeta(answer.resource_meta)

    async def get(self, resource_meta: ServiceMeta, **secrets: str) -> Any:
        from flytelike.proto import connector_pb2 as pb

        request = pb.GetTaskRequest(resource_meta=resource_meta.data, secrets=secrets)
        request.task_category.name, request.task_category.version = self.task_type, self.version
        answer = await self.client.call("GetTask", request, pb.GetTaskResponse)
        return _wire.resource_from_message(answer.resource, self.output_types)

    async def delete(self, resource_meta: ServiceMeta, **secrets: str) -> None:
        from flytelike.proto import connector_pb2 as pb

        request = pb.DeleteTaskRequest(resource_meta=resource_meta.data, secrets=secrets)
        request.task_category.name, request.task_category.version = self.task_type, self.version
        await self.client.call("DeleteTask", request, pb.DeleteTaskResponse)
