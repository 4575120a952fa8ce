"""External abort of a run, or of one action of a run (``Run.abort``, ``Engine.abort``).

Every run executing in this process has an ``AbortState`` (``register``/``forget``). The
coroutine running an action registers the asyncio task it runs on under the action id
(``abortable``); ``request`` records the reason at once (from any thread) and cancels that task on
the run's event loop (``loop.call_soon_threadsafe``). The cancelled action sees
``asyncio.CancelledError`` at its current ``await`` and may clean up; its ``abortable`` frame then
turns the cancellation into ``NodeFailed(..., NodePhase.ABORTED)`` whose exception is
``flytelike.errors.ActionAbortedError`` (what an awaiting v2 parent gets), and records the action
``ABORTED`` with an error naming the reason. Aborting the run cancels the run's main task; the run
ends ``ABORTED``.

A sync body running in a thread (a worker thread, or in place on the run's own thread, where it
keeps the loop from running) is stopped too: ``request`` raises ``TaskBodyStopped`` in it
(``flytelike.backends._stop``); the attempt's error then becomes the abort (``interrupted``). A
sync body in a worker process (one with a timeout) is killed when its attempt is cancelled.

Several actions may share one asyncio task (a child awaited directly runs on its parent's task):
each abort issues exactly one ``cancel()`` and the ``abortable`` frame of the aborted action takes
back exactly that one (``Task.uncancel``), so frames in between re-raise and record themselves
``ABORTED`` as their parent's abort reaches them.

Another process (``flytelike runs abort``) cannot reach this process's loop: it stores a request
as a signal named ``__abort__<action id>`` (``__abort__`` alone for the whole run). One daemon
thread per process (``_watch``, started with the first recorded run) polls the store every
``POLL_SECONDS`` for the runs executing here, in a thread of its own so that a sync body blocking
the run's thread cannot hold a request back. Requests older than the run's (re)start (an abort
that ended the run before it was resumed) are ignored.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from flytelike.backends import USER, ExecutionError, stop_action
from flytelike.engine._failure import NodeFailed, error_dict
from flytelike.engine._phases import NodePhase, TaskPhase

if TYPE_CHECKING:
    from flytelike.engine._run_store import RunStore


class Execution(Protocol):
    """What abort needs of a run executing here (``_execution.Execution``, which imports this
    module: it asks ``interrupted`` after a stopped attempt)."""

    run_name: str
    store: RunStore | None
    hidden_loop: asyncio.AbstractEventLoop | None

    def node_finished(self, *args: Any, **kwargs: Any) -> None: ...


T = TypeVar("T")
POLL_SECONDS = 0.2
SIGNAL_PREFIX = "__abort__"
INTERRUPTED = "interrupted (KeyboardInterrupt)"


@dataclass
class AbortState:
    """What abort needs to know about one run executing in this process."""

    run_name: str
    root: str = ""  # the action id of a task run's only top-level action
    loop: asyncio.AbstractEventLoop | None = None
    main: asyncio.Task[object] | None = None
    running: dict[str, asyncio.Task[object]] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)  # aborted action id -> reason
    issued: dict[str, asyncio.Task[object]] = field(default_factory=dict)  # cancels sent
    run_reason: str | None = None
    store: RunStore | None = None  # (set while ``_watch`` should poll for this run)
    since: float = field(default_factory=time.time)  # requests older than this are stale
    seen: set[str] = field(default_factory=set)  # requests already honoured
    lock: threading.Lock = field(default_factory=threading.Lock)


_RUNS: dict[str, AbortState] = {}


def register(run_name: str, root: str = "") -> AbortState:
    st = AbortState(run_name, root)
    _RUNS[run_name] = st
    return st


def forget(st: AbortState) -> None:
    if _RUNS.get(st.run_name) is st:
        del _RUNS[st.run_name]


def state(run_name: str) -> AbortState | None:
    return _RUNS.get(run_name)


def message(run_name: str, action_id: str | None, reason: str) -> str:
    what = f"action {action_id} of run {run_name}" if action_id else f"run {run_name}"
    return f"{what} was aborted" + (f": {reason}" if reason else "")


def aborted_error(run_name: str, action_id: str, reason: str) -> ExecutionError:
    from flytelike.errors import ActionAbortedError

    text = message(run_name, action_id or None, reason)
    exc = ActionAbortedError("ActionAbortedError", text, worker=action_id)
    return ExecutionError(USER, text, "ActionAbortedError", exception=exc)


# ------------------------------------------------------------------ on the run's thread
def started(st: AbortState, ex: Execution) -> Callable[[], None]:
    """The run's main coroutine has started (on its loop, or on the loop-less synchronous path);
    returns what stops polling the store for requests from other processes."""
    st.loop = loop = asyncio._get_running_loop()
    st.main = asyncio.current_task() if loop is not None else None
    if st.run_reason is not None:
        _deliver(st, None)
    if ex.store is None:
        return _nothing
    st.store = ex.store
    _watch()

    def stop() -> None:
        st.store = None

    return stop


def _nothing() -> None:
    pass


def _deliver(st: AbortState, action_id: str | None) -> None:
    if action_id is None:
        if st.main is not None and not st.main.done():
            st.main.cancel()
        return
    task = st.running.get(action_id)
    if task is not None and action_id not in st.issued:
        st.issued[action_id] = task
        task.cancel()


async def abortable(ex: Execution, aid: str, name: str, work: Awaitable[T]) -> T:
    """Await ``work`` (the coroutine running action ``aid``) so that ``request`` can abort it."""
    st = _RUNS.get(ex.run_name)
    task = asyncio.current_task(ex.hidden_loop)  # (None: the running loop)
    if st is None or task is None:
        return await work
    outer = st.running.get(aid)
    st.running[aid] = task
    try:
        result = await work
    except asyncio.CancelledError:
        if aid not in st.reasons:
            raise
        _aborted(st, ex, aid, name, task)
    except NodeFailed:
        if aid not in st.reasons:
            raise
        _aborted(st, ex, aid, name, task)  # (e.g. a body that turned the cancel into an error)
    finally:
        if outer is None:
            st.running.pop(aid, None)
        else:
            st.running[aid] = outer
    if aid in st.reasons:  # the body swallowed the cancel, or was sync: discard its result
        _aborted(st, ex, aid, name, task)
    return result


def _aborted(
    st: AbortState, ex: Execution, aid: str, name: str, task: asyncio.Task[object]
) -> None:
    if st.issued.pop(aid, None) is task:
        task.uncancel()
    err = aborted_error(ex.run_name, aid, st.reasons[aid])
    if ex.store is not None:  # (a body that succeeded first: its attempt keeps its own row)
        ex.store.flush()
        ex.store.keep_implicit_attempt(ex.run_name, aid)
    ex.node_finished(aid, name, NodePhase.ABORTED, error=err)
    if ex.store is not None:
        ex.store.flush()  # (its earlier attempts may still be queued: count them all)
        n = len(ex.store.attempts(ex.run_name, aid))
        ex.store.attempt(ex.run_name, aid, n, TaskPhase.ABORTED.value, time.time(), error_dict(err))
    raise NodeFailed(aid, err, NodePhase.ABORTED)


def interrupted(run_name: str, aid: str) -> NodeFailed | None:
    """The failure to raise instead of an attempt's error when the attempt's action (or an
    ancestor, or the whole run) was aborted meanwhile: a stopped sync body returns an error
    (``TaskBodyStopped``), which is not what happened to it."""
    st = _RUNS.get(run_name)
    if st is None:
        return None
    reason = st.run_reason
    if reason is None:
        reason = next(
            (r for a, r in st.reasons.items() if aid == a or aid.startswith(a + "/")), None
        )
    if reason is None:
        return None
    return NodeFailed(aid, aborted_error(run_name, aid, reason), NodePhase.ABORTED)


# ------------------------------------------------------------------ the store watcher
_WATCHER: list[threading.Thread] = []
_WATCHER_LOCK = threading.Lock()
_POLLING = threading.Event()  # set while some run here wants polling (the watcher sleeps else)


def _watch() -> None:
    """Start the store watcher (once per process) and have it poll."""
    if not _POLLING.is_set():
        _POLLING.set()
    if _WATCHER and _WATCHER[0].is_alive():
        return
    with _WATCHER_LOCK:
        if not _WATCHER or not _WATCHER[0].is_alive():
            t = threading.Thread(target=_watch_loop, name="flytelike-abort-watch", daemon=True)
            _WATCHER[:] = [t]
            t.start()


def _watch_loop() -> None:
    while True:
        _POLLING.wait()
        time.sleep(POLL_SECONDS)
        polled = False
        for st in list(_RUNS.values()):
            store = st.store
            if store is not None:
                polled = True
                with contextlib.suppress(Exception):  # (a store closed meanwhile: run ended)
                    _poll(st, store)
        if not polled:
            _POLLING.clear()
            if any(st.store is not None for st in list(_RUNS.values())):
                _POLLING.set()  # (one started meanwhile)


def _poll(st: AbortState, store: RunStore) -> None:
    """Honour abort requests stored by other processes (``flytelike runs abort``)."""
    rows = store.db.query(
        "SELECT name, value FROM signals WHERE run_name=? AND name LIKE ? AND created_at >= ?",
        (st.run_name, SIGNAL_PREFIX + "%", st.since),
    )
    for sig, raw in rows:
        if sig in st.seen:
            continue
        st.seen.add(sig)
        with contextlib.suppress(ValueError):
            request(st, sig[len(SIGNAL_PREFIX) :] or None, str(json.loads(raw)))


# ------------------------------------------------------------------ from any thread
def request(st: AbortState, action_id: str | None, reason: str) -> None:
    """Abort action ``action_id`` (``None``: the whole run) of the run ``st`` describes.

    Raises ``ValueError`` (the caller words it) when the action is not running."""
    if action_id is not None and action_id == st.root:
        action_id = None
    with st.lock:
        if action_id is None:
            if st.run_reason is None:
                st.run_reason = reason
        else:
            if action_id in st.reasons:
                raise ValueError("already aborted")
            if action_id not in st.running:
                raise ValueError("not running")
            st.reasons[action_id] = reason
    # A sync body of it running in a thread (in place, it keeps the loop from running):
    stop_action(st.run_name, action_id)
    loop = st.loop
    if loop is None or loop.is_closed():
        return  # not started yet (``started`` delivers it) or running without a loop
    try:
        if asyncio._get_running_loop() is loop:
            _deliver(st, action_id)
        else:
            loop.call_soon_threadsafe(_deliver, st, action_id)
    except RuntimeError:  # the loop closed meanwhile: the run has ended
        pass


def abort(store: RunStore, run_name: str, action_id: str | None, reason: str) -> None:
    """``Engine.abort`` of a run recorded in ``store``: see there."""
    from flytelike.engine.errors import AbortError, RunNotFoundError

    what = f"action {action_id!r} of run {run_name}" if action_id else f"run {run_name}"
    st = _RUNS.get(run_name)
    if st is not None:
        try:
            request(st, action_id, reason)
            return
        except ValueError as e:
            store.flush()
            phases = {a.action_id: a.phase for a in store.actions(run_name)}
            if str(e) == "already aborted":
                raise AbortError(f"cannot abort {what}: it was already aborted") from None
            assert action_id is not None
            if action_id in phases:
                raise AbortError(
                    f"cannot abort {what}: it is {phases[action_id]}, not running"
                ) from None
            known = ", ".join(sorted(phases)[:20]) or "none yet"
            raise AbortError(
                f"cannot abort {what}: the run has no such action (its actions: {known})"
            ) from None
    store.flush()
    rec = store.get_run(run_name)
    if rec is None:
        raise RunNotFoundError(f"no run named {run_name!r} in {store.db.path}")
    if rec.phase in ("SUCCEEDED", "FAILED", "ABORTED", "TIMED_OUT"):
        raise AbortError(f"cannot abort {what}: the run has already ended {rec.phase}")
    if action_id is not None:
        phases = {a.action_id: a.phase for a in store.actions(run_name)}
        if action_id not in phases:
            known = ", ".join(sorted(phases)[:20]) or "none yet"
            raise AbortError(
                f"cannot abort {what}: the run has no such action (its actions: {known})"
            )
        if phases[action_id] not in ("QUEUED", "RUNNING", "DYNAMIC_RUNNING"):
            raise AbortError(f"cannot abort {what}: it is {phases[action_id]}, not running")
    # Running in another process: leave a request there for it to poll.
    store.put_signal(run_name, SIGNAL_PREFIX + (action_id or ""), json.dumps(reason))


def end_aborted(ex: Execution, reason: str) -> NodeFailed:
    """Record the run ``ABORTED`` (and every action it left unfinished); returns its failure."""
    err = aborted_error(ex.run_name, "", reason)
    store = ex.store
    if store is not None:
        store.flush()
        for a in store.actions(ex.run_name):
            if not NodePhase(a.phase).is_terminal or (a.phase == "ABORTED" and not a.error):
                e = aborted_error(ex.run_name, a.action_id, reason)
                store.finish_action(
                    ex.run_name, a.action_id, "ABORTED", None, error_dict(e, a.action_id)
                )
        store.finish_run(ex.run_name, "ABORTED", None, error_dict(err))
    return NodeFailed("", err, NodePhase.ABORTED)


def wind_down(loop: asyncio.AbstractEventLoop, run_name: str) -> None:
    """Ctrl-C (``KeyboardInterrupt``) came out of the run's loop on the main thread: abort the run
    (sync bodies in threads are stopped), cancel what still runs on the loop and let it finish,
    so every action is recorded and no task is left pending. A second Ctrl-C leaves at once."""
    st = _RUNS.get(run_name)
    if st is not None:
        request(st, None, INTERRUPTED)
    rest = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for t in rest:
        t.cancel()
    if rest:
        loop.run_until_complete(asyncio.gather(*rest, return_exceptions=True))
