"""What went wrong with the run store, in words: ``store_error`` turns a ``sqlite3`` or ``OSError``
raised while opening, reading or writing the store into the package's ``StoreError`` that names
the file, says what is wrong and how to recover (``flytelike store check``/``repair``,
``FLYTELIKE_HOME``).
"""

from __future__ import annotations

import errno
import sqlite3

from flytelike.engine.errors import (
    StoreCorruptError,
    StoreError,
    StoreUnavailableError,
    StoreWriteError,
)

_CORRUPT = ("file is not a database", "malformed", "database corrupt", "not a database")
_FULL = ("database or disk is full", "disk full", "no space")
_READONLY = ("readonly database", "read-only", "unable to open", "permission", "access")
_UNUSABLE = (errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOTDIR, errno.ENOENT, errno.EEXIST)


def is_busy(e: BaseException) -> bool:
    text = str(e).lower()
    return isinstance(e, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


def store_error(e: BaseException, path: object, doing: str) -> StoreError:
    """``e`` (raised while ``doing`` something to the store at ``path``) as a ``StoreError``."""
    if isinstance(e, StoreError):
        return e
    where = str(path)
    text = str(e)
    low = text.lower()
    if isinstance(e, sqlite3.DatabaseError) and any(m in low for m in _CORRUPT):
        return StoreCorruptError(
            f"cannot {doing}: the run store {where} is damaged ({text}). `flytelike store "
            "repair` moves it aside and starts a new one, copying what can still be read; or "
            "set FLYTELIKE_HOME to another folder",
            path=where,
        )
    if (isinstance(e, OSError) and e.errno == errno.ENOSPC) or any(m in low for m in _FULL):
        return StoreWriteError(
            f"cannot {doing}: no space left for the run store {where} ({text}); free some disk "
            "space (`flytelike runs prune --older-than 30d` removes old runs) or set "
            "FLYTELIKE_HOME to a folder on another disk",
            path=where,
        )
    unusable = isinstance(e, OSError) and e.errno in _UNUSABLE
    if unusable or isinstance(e, PermissionError) or any(m in low for m in _READONLY):
        return StoreUnavailableError(
            f"cannot {doing}: the run store {where} cannot be opened or written ({text}); check "
            "that its folder exists and that you own it and can write it (`flytelike store "
            "check` says what is wrong), or set FLYTELIKE_HOME to a folder of yours",
            path=where,
        )
    if isinstance(e, OSError) or "disk i/o" in low:
        return StoreWriteError(
            f"cannot {doing}: the run store {where} could not be read or written ({text}); "
            "`flytelike store check` looks for the cause",
            path=where,
        )
    return StoreUnavailableError(
        f"cannot {doing}: the run store {where} failed ({type(e).__name__}: {text}); "
        "`flytelike store check` looks for the cause",
        path=where,
    )
