"""Action lifetime: every action of a run lives no longer than the run's root action.

As in flyte (seed 003 "abort and cancel": "The lifetime of all actions in a run is tied to the
lifetime of the root action"), when the root task of a run returns or fails, every descendant
action still in progress, e.g. one started with ``asyncio.create_task(child(...))`` and never
awaited, is aborted: ``end_of_root`` asks ``_abort.request`` to abort each running action (an
async body sees ``asyncio.CancelledError`` at its current ``await`` and may clean up; a sync body
in a thread is stopped), waits for them to wind down (at most ``GRACE_SECONDS``), and records
``ABORTED``, with an error naming the reason, every action of the run that has not ended. Other
asyncio tasks the root's body left pending on the run's loop (plain coroutines) are cancelled and
awaited too, so none is left to be destroyed pending when the loop is collected, and their
outcomes are retrieved (no "exception was never retrieved" warnings).

What does not live here: aborting on request (``_abort``), the run's own end (``_run``).
"""

from __future__ import annotations

import asyncio
import contextlib

from flytelike.engine import _abort
from flytelike.engine._execution import Execution, error_dict
from flytelike.engine._phases import NodePhase

GRACE_SECONDS = 10.0
REASON = "the run's root action ended (the lifetime of every action is tied to the root's)"


async def end_of_root(ex: Execution, root: str) -> None:
    """Abort what the root action ``root`` of run ``ex`` left running (module docstring)."""
    me = asyncio.current_task()
    if me is None:
        return  # the loop-less synchronous path: nothing can have been left running
    st = _abort.state(ex.run_name)
    pending: set[asyncio.Task[object]] = set()
    if st is not None:
        for aid, task in list(st.running.items()):
            if aid == root or task is me or task.done():
                continue
            with contextlib.suppress(ValueError):  # (ended or aborted meanwhile)
                _abort.request(st, aid, REASON)
            pending.add(task)
    for task in asyncio.all_tasks():
        if task is not me and not task.done() and task not in pending:
            task.cancel()
            pending.add(task)
    if pending:
        done, _ = await asyncio.wait(pending, timeout=GRACE_SECONDS)
        for task in done:
            if not task.cancelled():
                task.exception()  # (retrieved: an aborted child's error is expected here)
    _record_unfinished(ex, root)


def _record_unfinished(ex: Execution, root: str) -> None:
    store = ex.store
    if store is None:
        return
    store.flush()
    for a in store.actions(ex.run_name):
        if a.action_id != root and not NodePhase(a.phase).is_terminal:
            err = _abort.aborted_error(ex.run_name, a.action_id, REASON)
            store.finish_action(
                ex.run_name, a.action_id, "ABORTED", None, error_dict(err, a.action_id)
            )
