"""``flytelike.exceptions.system``: mirrors ``flytekit.exceptions.system`` (system exceptions
derive from ``FlyteRecoverableException``, so a task raising one is retried).
"""

from flytelike.exceptions._tree import (
    FlyteAgentNotFound,
    FlyteConnectorNotFound,
    FlyteDownloadDataException,
    FlyteEntrypointNotLoadable,
    FlyteNonRecoverableSystemException,
    FlyteNotImplementedException,
    FlyteSystemAssertion,
    FlyteSystemException,
    FlyteSystemUnavailableException,
    FlyteUploadDataException,
)

__all__ = [
    "FlyteAgentNotFound",
    "FlyteConnectorNotFound",
    "FlyteDownloadDataException",
    "FlyteEntrypointNotLoadable",
    "FlyteNonRecoverableSystemException",
    "FlyteNotImplementedException",
    "FlyteSystemAssertion",
    "FlyteSystemException",
    "FlyteSystemUnavailableException",
    "FlyteUploadDataException",
]
