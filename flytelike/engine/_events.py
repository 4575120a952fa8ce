"""Phase events: what the engine reports as runs, nodes and attempts change phase.

``PhaseEvent`` is plain data. ``EventBus`` delivers each event to callbacks synchronously, in
order, from the engine's thread; ``EventBus.subscribe()`` gives a thread-safe iterator (the CLI's
progress display reads one). A callback that raises is logged and dropped, never breaking a run.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from flytelike.engine._phases import NodePhase, TaskPhase, WorkflowPhase

log = logging.getLogger("flytelike.engine")

RUN = "run"
NODE = "node"
ATTEMPT = "attempt"


@dataclass(frozen=True, slots=True)
class PhaseEvent:
    """``kind`` is ``run``, ``node`` or ``attempt``; ``node_id`` is the action id (empty for the
    run); ``task_id`` the task name for task actions."""

    kind: str
    run_name: str
    phase: WorkflowPhase | NodePhase | TaskPhase
    node_id: str = ""
    task_id: str = ""
    attempt: int = 0
    ts: float = 0.0
    message: str = ""


Callback = Callable[[PhaseEvent], object]

_END = object()


class EventBus:
    """Delivers phase events to callbacks and subscribers."""

    def __init__(self) -> None:
        self._callbacks: list[Callback] = []
        self._queues: list[queue.SimpleQueue[object]] = []
        self._lock = threading.Lock()
        self.active = False

    def add_callback(self, cb: Callback) -> None:
        with self._lock:
            self._callbacks.append(cb)
            self.active = True

    def subscribe(self) -> Iterator[PhaseEvent]:
        """An iterator of every event from now until the bus closes."""
        q: queue.SimpleQueue[object] = queue.SimpleQueue()
        with self._lock:
            self._queues.append(q)
            self.active = True

        def it() -> Iterator[PhaseEvent]:
            while True:
                item = q.get()
                if item is _END:
                    return
                assert isinstance(item, PhaseEvent)
                yield item

        return it()

    def emit(self, event: PhaseEvent) -> None:
        for cb in list(self._callbacks):
            try:
                cb(event)
            except Exception:
                log.exception("event callback %r failed; removing it", cb)
                with self._lock:
                    if cb in self._callbacks:
                        self._callbacks.remove(cb)
        for q in self._queues:
            q.put(event)

    def publish(
        self,
        kind: str,
        run_name: str,
        phase: WorkflowPhase | NodePhase | TaskPhase,
        node_id: str = "",
        task_id: str = "",
        attempt: int = 0,
        message: str = "",
    ) -> None:
        if self.active:
            self.emit(
                PhaseEvent(kind, run_name, phase, node_id, task_id, attempt, time.time(), message)
            )

    def close(self) -> None:
        with self._lock:
            for q in self._queues:
                q.put(_END)
            self._queues.clear()
