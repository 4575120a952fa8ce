"""Exceptions of ``flytelike.remote``.

    FlytelikeError (flytelike.errors)
    └── RemoteError
        ├── EntityNotFoundError (also LookupError): fetch_* found nothing by that name
        ├── ExecutionExistsError (also ValueError): execute(execution_name=...) reused a name
        ├── FlyteTimeout (also TimeoutError): wait(timeout=...) ran out
        ├── NotSupportedLocallyError (also NotImplementedError): needs a Flyte control plane
        └── UploadError (also ValueError): upload_file/upload_dir given a path of the wrong kind

Reading outputs too early or after a failure raises the engine's ``RunNotFinishedError`` /
``RunFailedError`` (``flytelike.engine.errors``).
"""

from __future__ import annotations

from flytelike.errors import FlytelikeError


class RemoteError(FlytelikeError):
    pass


class EntityNotFoundError(RemoteError, LookupError):
    pass


class ExecutionExistsError(RemoteError, ValueError):
    pass


class FlyteTimeout(RemoteError, TimeoutError):
    pass


class NotSupportedLocallyError(RemoteError, NotImplementedError):
    pass


class UploadError(RemoteError, ValueError):
    pass


def not_local(what: str, why: str = "") -> NotSupportedLocallyError:
    return NotSupportedLocallyError(
        f"FlyteRemote.{what} needs a Flyte control plane, and flytelike has none: it runs "
        "everything in this process and its local run store" + (f"; {why}" if why else "")
    )
