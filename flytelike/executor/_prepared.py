"""The executor's prepared runs: what it reads from a task's first request of a run, once.

The actions of a run send the same task digest, code and context but for the action's id and
attempt; ``_wire.request_body`` writes those bytes first and the id and attempt at the start
of the context, its last field (``_bytes.read_request``). After the executor has read such a
request the general way (every field checked, ``_wire.request_from_proto``), it keeps what
those bytes meant (``PreparedRuns.learn``): the template, the code's place, the context with
an empty id, the task's input names and, for a task the local backend runs in place, its
in-place runner (``LocalBackend.inline_runner``: the function and its conversions resolved
once). The next request carrying the same bytes (``find``) is read for its id, attempt and
plain inputs alone and runs through that runner.

Only bytes that cannot mean anything else are kept: a context's run part holding neither an
action id nor an attempt (protobuf would let a later field override the one read first), a
request decoded to the id and attempt read from it, no declared artifacts. Input names the
task does not have, and any other layout, go the general way, which names what is wrong.
What does not live here: the bytes themselves (``_bytes``), the service (``_server``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from flytelike.backends import ActionContext, ActionRequest
from flytelike.executor import _bytes
from flytelike.executor._wire import CodeRef
from flytelike.ir import TaskTemplate

LIMIT = 1024  # prepared runs kept (all are forgotten beyond that, and at a change of bundle)


class Prepared:
    """One task of one run as its requests name it: template, code, base context (empty id,
    attempt 0), input names, and the in-place runner (``None``: the request runs the general
    way, for example a task with a timeout or an async one)."""

    __slots__ = ("base", "code", "names", "runner", "task")

    def __init__(
        self,
        task: TaskTemplate,
        code: CodeRef,
        base: ActionContext,
        names: frozenset[str],
        runner: Any,
    ) -> None:
        self.task = task
        self.code = code
        self.base = base
        self.names = names
        self.runner = runner

    def request(self, action_id: str, attempt: int, inputs: dict[str, Any]) -> ActionRequest:
        """The attempt as an ``ActionRequest`` (for the general way of running it)."""
        return ActionRequest(
            self.task, inputs, replace(self.base, action_id=action_id, attempt=attempt)
        )


class PreparedRuns:
    """Prepared runs by the bytes that name them (``_bytes.read_request``'s key)."""

    def __init__(self) -> None:
        self._found: dict[tuple[bytes, bytes], Prepared] = {}

    def find(self, parts: _bytes.RequestParts) -> Prepared | None:
        """The prepared run of a request read by ``_bytes.read_request``, when one was learnt
        and the request's inputs are among the task's."""
        found = self._found.get(parts[0])
        if found is None or not parts[3].keys() <= found.names:
            return None
        return found

    def learn(
        self,
        parts: _bytes.RequestParts,
        request: ActionRequest,
        code: CodeRef,
        backend: Any,
        in_place: Callable[[ActionRequest], bool],
    ) -> None:
        """Keep what the bytes of ``parts`` meant, ``request`` and ``code`` being that request
        read the general way; ``in_place(request)`` says whether ``backend`` runs it in the
        calling thread."""
        key, action_id, attempt, _ = parts
        c = request.context
        if key in self._found or c.action_id != action_id or c.attempt != attempt:
            return
        if c.declared_artifacts is not None:
            return
        numbers = _bytes.field_numbers(key[1])
        if numbers is None or 2 in numbers or 3 in numbers:  # (it would override the head)
            return
        base = replace(c, action_id="", attempt=0)
        task = request.task
        runner = None
        make = getattr(backend, "inline_runner", None)
        if make is not None and task.kind == "python" and c.timeout is None and in_place(request):
            try:
                runner = make(task, base, own_start=True)
            except Exception:  # (a runner it cannot make: the general way reports the error)
                runner = None
        if len(self._found) >= LIMIT:
            self._found.clear()
        names = frozenset(v.name for v in task.interface.inputs)
        self._found[key] = Prepared(task, code, base, names, runner)

    def clear(self) -> None:
        self._found.clear()
