"""Which compile is active here: the compile stack, one per context.

While a workflow (or ``@dynamic``) body runs with promises, calls of entities become nodes of the
innermost active compile. That stack is an immutable tuple held in a ``ContextVar``, never a
process-wide list: each thread, asyncio task and ``contextvars`` copy sees its own, so compiles
running at the same time (two threads, parallel ``@dynamic`` nodes of one run) never see each
other's frames.

Contracts:

- ``push(ctx)`` returns a token; ``pop(token)`` restores the stack exactly as it was before that
  ``push``, whatever happened in between (a body that raised, an inner frame left behind). Every
  caller pops in a ``finally``.
- ``push(ctx, fresh=True)`` makes ``ctx`` the only frame: a ``@dynamic`` body runs at run time
  and is never part of an enclosing compile.
- ``isolate()`` / ``restore(token)`` bracket code that must see no compile at all (a task action
  running user code): a frame copied into it by ``contextvars.copy_context()`` or an asyncio task
  must not turn its calls into nodes of a foreign workflow.

What does not live here: the compile state itself and ``call_entity`` (``_state``).
"""

from __future__ import annotations

from contextvars import ContextVar, Token
from typing import Any

STACK: ContextVar[tuple[Any, ...]] = ContextVar("flytelike_compile_stack", default=())
"""The active compile contexts of this context, innermost last (read it with ``STACK.get()``)."""


def current() -> Any:
    """The innermost active compile context (a ``CompileState``), or ``None`` outside one."""
    stack = STACK.get()
    return stack[-1] if stack else None


def compiling() -> bool:
    """Whether calls made here become nodes (a compile is active in this context)."""
    return bool(STACK.get())


def push(ctx: Any, *, fresh: bool = False) -> Token[tuple[Any, ...]]:
    """Make ``ctx`` the innermost compile context (``fresh``: the only one); pass the token to
    ``pop`` in a ``finally``."""
    return STACK.set((ctx,) if fresh else (*STACK.get(), ctx))


def pop(token: Token[tuple[Any, ...]]) -> None:
    """Restore the stack to what it was before the ``push`` that returned ``token``.

    Raises ``ValueError`` (from ``ContextVar.reset``) when the token was made in another
    context or was already used: a push and its pop belong to one synchronous call.
    """
    STACK.reset(token)


def isolate() -> Token[tuple[Any, ...]] | None:
    """Start an empty compile stack here when one is active (``None``, the common case, when
    none is: one ``ContextVar.get``); undo it with ``restore``."""
    return STACK.set(()) if STACK.get() else None


def restore(token: Token[tuple[Any, ...]] | None) -> None:
    """Undo ``isolate`` (``None``: nothing to undo)."""
    if token is not None:
        STACK.reset(token)
