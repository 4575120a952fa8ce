"""flyte 2's ``flyte.remote.auth_metadata``: key/value pairs for a passthrough authenticator.

``with auth_metadata(("authorization", "Bearer ..."), ...):`` makes the pairs the metadata of
the calls made inside the block (nested blocks add to the outer pairs; a key given again takes
the inner value), as flyte does after ``init_passthrough``. Locally no call leaves the process,
so nothing is sent: the pairs are kept for the block, and ``get_auth_metadata()`` returns them
(as flyte's), for code that forwards them itself. No pair given raises ``ValueError`` (as
flyte's); a pair that is not two strings raises ``TypeError``.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

_METADATA: contextvars.ContextVar[tuple[tuple[str, str], ...]] = contextvars.ContextVar(
    "flytelike_auth_metadata", default=()
)


@contextmanager
def auth_metadata(*kv: tuple[str, str]) -> Iterator[None]:
    """The pairs ``kv`` are the auth metadata of calls made inside the block."""
    if not kv:
        raise ValueError("auth_metadata(): no auth metadata provided; pass (key, value) pairs")
    for pair in kv:
        if not (
            isinstance(pair, tuple) and len(pair) == 2 and all(isinstance(x, str) for x in pair)
        ):
            raise TypeError(
                f"auth_metadata(): each pair is a (key, value) tuple of str, got {pair!r}"
            )
    merged = dict(_METADATA.get())
    merged.update(kv)
    token = _METADATA.set(tuple(merged.items()))
    try:
        yield
    finally:
        _METADATA.reset(token)


def get_auth_metadata() -> tuple[tuple[str, str], ...]:
    """The auth metadata in effect here (``()`` outside every ``auth_metadata`` block)."""
    return _METADATA.get()
