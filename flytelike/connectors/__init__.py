"""flyte 2's connectors (``flyte.connectors``), run locally: a task whose work is a job a
connector submits elsewhere and follows (``AsyncConnectorExecutorMixin``), the connector itself
(``AsyncConnector``, ``ResourceMeta``, ``Resource``), the ``ConnectorRegistry`` that finds it by
task type, and the ``ConnectorService`` that serves connectors over gRPC
(``flytelike/proto/connector.proto``) for ``flytelike.app.ConnectorEnvironment``.

Where a task's connector runs: in the service of a served ``ConnectorEnvironment`` that hosts its
type, else in this process (``flytelike.connectors._client``). ``TaskExecution`` holds the phases
(flyteidl's numbering), for connectors written without flyteidl.
"""

from __future__ import annotations

from flytelike.connectors._connector import (
    AsyncConnector,
    ConnectorRegistry,
    Resource,
    ResourceMeta,
    TaskExecution,
    TaskLog,
)
from flytelike.connectors._server import ConnectorService
from flytelike.connectors._task import AsyncConnectorExecutorMixin, ConnectorTaskFailed

__all__ = [
    "AsyncConnector",
    "AsyncConnectorExecutorMixin",
    "ConnectorRegistry",
    "ConnectorService",
    "ConnectorTaskFailed",
    "Resource",
    "ResourceMeta",
    "TaskExecution",
    "TaskLog",
]
