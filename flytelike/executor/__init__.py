"""The gRPC executor interface: task actions run by an executor in any language.

- ``GrpcBackend``: the ``grpc`` backend (``--backend grpc`` with ``FLYTELIKE_EXECUTOR=host:port``);
- ``ExecutorServer``: the Python executor (``flytelike serve executor``), which runs actions with
  the local backend's machinery.

The service is defined in ``flytelike/proto/executor.proto``; ``_wire`` converts its messages.
grpc is imported when a client or server is built, never with this package.
"""

from flytelike.executor._client import GrpcBackend
from flytelike.executor._net import ENV_TOKEN, import_grpc
from flytelike.executor._server import ExecutorServer

__all__ = ["ENV_TOKEN", "ExecutorServer", "GrpcBackend", "import_grpc"]
