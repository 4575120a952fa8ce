"""Exceptions raised by the engine.

::

    FlytelikeError (flytelike.errors)
    └── EngineError                     the engine could not do what was asked
        ├── RunFailedError              a run ended FAILED / TIMED_OUT / ABORTED; ``.error`` is
        │   │                           the failing node's ``ExecutionError``, ``.node_id`` its id
        │   └── TaskTimeoutError        a run that timed out; also ``flytelike.errors.TaskTimeoutError``
        │                               (v2's ``RuntimeUserError``), so either ``except`` catches it
        ├── RunNotFoundError (KeyError) no run by that name in the store
        ├── RunNotFinishedError         outputs asked for before the run ended
        ├── SignalError (ValueError)    a signal for an unknown gate or of the wrong type
        ├── ResumeError                 a run that cannot be resumed (succeeded, still running,
        │                               no closure, or its code cannot be imported)
        ├── DeleteError (ValueError)    a run that cannot be deleted (still running)
        ├── AbortError (ValueError)     an abort of a run or action that is not running
        └── StoreError                  the run store (``FLYTELIKE_HOME``) or its blob store cannot
            │                           be used; ``.path`` names the file or folder
            ├── StoreCorruptError       the database is damaged or not a database
            ├── StoreUnavailableError   it cannot be opened or written: permissions, a read-only
            │                           or missing folder, someone else's file
            ├── StoreWriteError         a write failed (disk full, I/O error); the runs whose
            │                           records it held end FAILED
            └── UntrustedDataError      a pickled value or closure failed its integrity check and
                                        was not loaded

Backend discovery errors live in ``flytelike.backends`` (``BackendNotFoundError``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flytelike import errors as _errors
from flytelike.errors import FlytelikeError, LocalExecutionError

if TYPE_CHECKING:
    from flytelike.backends import ExecutionError


class EngineError(FlytelikeError):
    """Base of the engine's errors."""


class RunFailedError(EngineError, LocalExecutionError):
    """A run did not succeed."""

    def __init__(
        self,
        message: str,
        *,
        run_name: str = "",
        node_id: str = "",
        error: ExecutionError | None = None,
        phase: str = "FAILED",
    ) -> None:
        super().__init__(message, node_id=node_id)
        self.run_name = run_name
        self.error = error
        self.phase = phase


class TaskTimeoutError(RunFailedError, _errors.TaskTimeoutError):
    """A run failed because a task attempt ran past its timeout.

    Both a ``RunFailedError`` (``run_name``, ``node_id``, ``error``, ``phase``) and v2's
    ``flytelike.errors.TaskTimeoutError`` (``code`` ``"TaskTimeoutError"``, ``kind`` ``"user"``).
    """

    def __init__(
        self,
        message: str,
        *,
        run_name: str = "",
        node_id: str = "",
        error: ExecutionError | None = None,
        phase: str = "TIMED_OUT",
    ) -> None:
        # RunFailedError's cooperative super() chain would reach BaseRuntimeError with the wrong
        # arguments, so initialise the v2 side and set RunFailedError's attributes here.
        _errors.TaskTimeoutError.__init__(self, message, worker=node_id)
        self.node_id = node_id
        self.run_name = run_name
        self.error = error
        self.phase = phase


class RunNotFoundError(EngineError, KeyError):
    """No run by that name."""

    def __str__(self) -> str:
        return str(self.args[0])


class RunNotFinishedError(EngineError):
    """Outputs were asked for before the run ended."""


class SignalError(EngineError, ValueError):
    """A signal that no gate waits for, or a value of the wrong type."""


class ResumeError(EngineError):
    """A run that cannot be resumed."""


class DeleteError(EngineError, ValueError):
    """A run that cannot be deleted: it is still running."""


class AbortError(EngineError, ValueError):
    """An abort of a run or action that is not running (finished, unknown, already aborted)."""


class StoreError(EngineError):
    """The run store or its blob store cannot be used; ``path`` is the file or folder."""

    def __init__(self, message: str, *, path: str = "") -> None:
        super().__init__(message)
        self.path = path


class StoreCorruptError(StoreError):
    """The database file is damaged or is not a SQLite database."""


class StoreUnavailableError(StoreError):
    """The store cannot be opened or written: permissions, a read-only or missing folder."""


class StoreWriteError(StoreError):
    """Writing the store failed (disk full, I/O error)."""


class UntrustedDataError(StoreError):
    """A pickled value or closure did not pass its integrity check; it was not loaded."""
