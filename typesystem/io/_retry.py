"""Retries for transient storage errors, with exponential backoff and jitter.

Transient means: connection resets and timeouts, throttling and 5xx answers of object stores.
Missing files, permission errors and bad arguments are never retried. botocore/aiohttp errors
are recognised by class name so that this module imports neither.
"""

from __future__ import annotations

import errno
import random
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

_TRANSIENT_NAMES = (
    "ConnectionError",
    "ConnectTimeout",
    "ReadTimeout",
    "EndpointConnectionError",
    "ConnectionClosedError",
    "ClientPayloadError",
    "ServerDisconnectedError",
    "ServerTimeoutError",
    "SlowDown",
    "Throttl",
    "ServiceUnavailable",
    "InternalError",
    "RequestTimeout",
    "IncompleteRead",
)
_TRANSIENT_ERRNOS = {
    errno.ECONNRESET,
    errno.ECONNABORTED,
    errno.ECONNREFUSED,
    errno.ETIMEDOUT,
    errno.EPIPE,
    errno.EAGAIN,
    errno.EHOSTUNREACH,
    errno.ENETUNREACH,
}


def is_transient(exc: BaseException) -> bool:
    """Whether ``exc`` is worth retrying."""
    if isinstance(
        exc, FileNotFoundError | PermissionError | IsADirectoryError | NotADirectoryError
    ):
        return False
    if isinstance(exc, TimeoutError | ConnectionError):
        return True
    if isinstance(exc, OSError) and exc.errno in _TRANSIENT_ERRNOS:
        return True
    for cls in type(exc).__mro__:
        if any(name in cls.__name__ for name in _TRANSIENT_NAMES):
            return True
    text = str(exc)
    return any(s in text for s in ("SlowDown", "503", "Throttling", "RequestTimeout"))


def with_retries(
    fn: Callable[[], T],
    *,
    retries: int = 3,
    base_delay: float = 0.05,
    max_delay: float = 2.0,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Call ``fn``; on a transient error try again up to ``retries`` more times.

    The last error is re-raised with a note saying how many attempts were made.
    """
    attempt = 0
    while True:
        try:
            return fn()
        except Exception as e:
            if attempt >= retries or not is_transient(e):
                if attempt:
                    e.add_note(f"(gave up after {attempt + 1} attempts)")
                raise
            delay = min(max_delay, base_delay * (2**attempt)) * (0.5 + random.random())
            attempt += 1
            sleep(delay)
