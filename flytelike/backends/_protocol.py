"""The executor interface: what the engine hands a backend, and what it gets back.

A backend runs **task actions**: a task template, its input literals and an ``ActionContext``
(identity, attempt, scratch locations) go in; output literals or an ``ExecutionError`` come out.
Everything in a request is plain, picklable data (no engine objects, no open connections), so a
backend may ship it to another process or machine. The engine always drives workflows itself,
node by node (cache, retries, failure policy and the run store stay in one place); a backend
runs task actions and, optionally, batches of map items (``ItemBackend``).

What does not live here: finding backends by name (``_discovery``), the built-in local backend
(``_local``), the runtime a task sees (``_runtime``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, overload, runtime_checkable

from flytelike.ir import Closure, TaskTemplate, record
from typesystem import Literal

USER = "USER"
SYSTEM = "SYSTEM"


@record
class ActionContext:
    """Where and as what an action runs.

    ``action_id`` is unique in the run (``n2``, ``n3/n0``, ``n4[17]``); ``attempt`` counts from
    0. ``run_dir`` is a local directory private to the run under which a backend may create
    the action's working directory, checkpoints and decks; ``raw_data_prefix`` is where
    offloaded values go. ``timeout`` is in seconds (``None``: no limit); the engine enforces it
    too, a backend that can stop work early should (see ``Backend`` on ``timeout_grace``).

    ``run_uri``: set by a backend that runs the action out of the driver, a URI private to the
    run under the raw data prefix, where what must outlive the attempt and be readable from
    any machine goes (the checkpoint: ``<run_uri>/actions/<action>/checkpoint``, through the
    data context's store); ``run_dir`` then is a scratch directory local to the worker. Empty:
    everything lives under ``run_dir``.

    ``declared_artifacts``: what the caller declared of this action's outputs with
    ``flytelike.artifacts.produces`` (``({slot: Metadata}, produces_artifacts, task name)``),
    filled by the engine so that a worker in another process publishes them; ``None``: nothing.
    """

    run_name: str
    action_id: str
    attempt: int = 0
    run_dir: str = ""
    raw_data_prefix: str = ""
    timeout: float | None = None
    enable_deck: bool = False
    environment: tuple[tuple[str, str], ...] = ()
    secrets_dir: str = ""
    secrets_env_prefix: str = ""
    project: str = ""
    domain: str = ""
    run_uri: str = ""
    declared_artifacts: Any = None


@record
class ActionRequest:
    """One attempt of one task action."""

    task: TaskTemplate
    inputs: Mapping[str, Literal]
    context: ActionContext


@record
class ExecutionError:
    """Why an attempt failed, as data.

    ``kind`` is ``USER`` (the task's code raised) or ``SYSTEM`` (the worker or the platform
    failed). ``recoverable`` marks user errors that may be retried (``FlyteRecoverableException``
    and timeouts); system errors are always retried within the system budget. ``exception`` is
    the original exception object when the backend ran in this process; it is never stored.
    """

    kind: str
    message: str
    error_type: str = ""
    traceback: str = ""
    recoverable: bool = False
    timed_out: bool = False
    exception: BaseException | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Deck:
    """A rendered deck: the tab name and the file or URI holding its HTML."""

    name: str
    uri: str


@dataclass(frozen=True, slots=True)
class ActionLog:
    """What one attempt of an action wrote to ``sys.stdout`` and ``sys.stderr``.

    ``chunks`` are ``(stream, text)`` pairs in the order written, ``stream`` being ``"stdout"``
    or ``"stderr"``. Only the last characters of an attempt are kept (``LOG_LIMIT``, 1 MiB);
    ``dropped`` counts those cut from its start, and ``text`` begins with a line saying so.
    """

    chunks: tuple[tuple[str, str], ...]
    dropped: int = 0
    action_id: str = ""
    attempt: int = 0

    @property
    def stdout(self) -> str:
        return "".join(t for s, t in self.chunks if s == "stdout")

    @property
    def stderr(self) -> str:
        return "".join(t for s, t in self.chunks if s == "stderr")

    @property
    def truncation_marker(self) -> str:
        """The line ``text`` starts with when output was cut (else ``""``)."""
        if not self.dropped:
            return ""
        return f"[flytelike: {self.dropped} earlier characters of output were dropped]\n"

    @property
    def text(self) -> str:
        """Both streams as written, after the truncation marker."""
        return self.truncation_marker + "".join(t for _, t in self.chunks)


@record
class ActionOutcome:
    """Outputs or an error, with the decks the action wrote.

    A dynamic task's attempt returns ``dynamic``: the closure of the graph its body built (its
    primary is the generated workflow, whose interface is the task's); the engine runs it and
    its outputs become the task's.

    ``artifacts``: what the attempt's outputs publish to the artifact catalog (outputs returned
    through ``flytelike.artifacts.new``), an object with ``publish()`` that the engine calls once
    the attempt has succeeded (``flytelike.backends._produced``); ``None``: nothing.

    ``logs`` is what the attempt printed, from a backend that ran it outside this process (a
    process pool, a remote worker); writes made in this process are captured by the engine
    itself (``flytelike.backends._capture``), so in-process backends leave it ``None``.
    """

    outputs: Mapping[str, Literal] | None = None
    error: ExecutionError | None = None
    decks: tuple[Deck, ...] = ()
    dynamic: Closure | None = None
    logs: ActionLog | None = None
    artifacts: Any = None

    @property
    def ok(self) -> bool:
        return self.error is None


@runtime_checkable
class Backend(Protocol):
    """Runs task actions. One method is required: ``run_action``.

    ``run_action`` may be called concurrently from one event loop; it must not raise for errors
    of the task itself (those are returned as ``ActionOutcome(error=...)``), only for misuse.

    Timeouts: by default the engine counts an action's ``timeout`` around ``run_action`` and
    cancels it when it runs out. A backend that queues work (a cluster) may instead count it
    itself from the start of the task body, in its worker, and return an error with
    ``timed_out=True`` when it runs out; it says so with a ``timeout_grace`` attribute
    (seconds, or ``None`` for no limit): the engine then waits ``timeout + timeout_grace``
    (time for queueing, worker start-up and transport) before it cancels ``run_action``.

    Optional: ``default_parallelism`` (a whole number >= 1), the task actions the engine keeps
    in flight at once in a run that sets no ``max_parallelism`` (neither the run, its launch
    plan, ``FLYTELIKE_MAX_PARALLELISM`` nor ``[tool.flytelike]``); without it, 32 (what the
    local backend's threads run at once). A backend that queues work itself (a cluster)
    declares more, so that a fan-out is submitted at once rather than in steps. A map without
    ``concurrency`` still sizes its batches (``ItemBackend``) as over 32 workers: only more of
    them go out at once.

    Optional: ``check_run(closure, raw_data_prefix)``, called before a run is recorded (and
    before a resumed one restarts), raises a ``flytelike.errors.FlytelikeError`` to refuse a run
    the backend cannot carry out as configured (e.g. a local raw data prefix on a multi-node
    cluster), so nothing of it is written to the run store.
    """

    name: str

    async def run_action(self, request: ActionRequest) -> ActionOutcome: ...

    def close(self) -> None: ...


@runtime_checkable
class InlineBackend(Protocol):
    """Optional: run a synchronous task action in the calling thread.

    The engine uses this when nothing else in the run could make progress meanwhile (a chain of
    nodes), saving a thread hand-off per node. ``can_inline`` says whether the request qualifies
    (sync function, no timeout, thread mode).

    Optionally, ``inline_runner(task, context)`` returns a callable ``(action_id, inputs,
    attempt) -> ActionOutcome`` for many actions of one task (map items, and each task of a run
    run in place): it resolves the task once and runs each attempt as ``context`` with that id
    and attempt, in the caller's data context. It may have a ``bound()`` context manager, entered
    around a stretch of calls in one thread (for what can be set up once per stretch), and an
    ``item(action_id, values, attempt) -> (outputs, error)`` entry point taking and returning
    item values as stored in list literals (primitives unboxed), which map items use. Without
    it the engine makes one ``run_inline`` request per attempt.
    """

    def can_inline(self, request: ActionRequest) -> bool: ...

    def run_inline(self, request: ActionRequest) -> ActionOutcome: ...


@runtime_checkable
class ItemBackend(Protocol):
    """Optional: run map items of one task in batches, out of the driver (remote backends).

    ``run_items(task, context, items)`` runs each ``(action_id, values, attempt)`` of ``items``
    once and returns ``(outputs, error)`` per item, in order, or ``(outputs, error, log)`` with
    the item's ``ActionLog`` (what it printed, ``None`` if nothing), which the engine stores.
    Values go in and come out as stored in list literals (primitives unboxed, as ``inline_runner(...).item``); ``context``
    is the map node's, each item runs with its own action id and attempt. The engine owns
    retries (a failed item comes back in a later call with attempt + 1), ``concurrency``
    (calls in flight) and the success ratio; a failure of the whole call (the worker died) is
    returned as a ``SYSTEM`` error for each of its items. ``item_batch_size`` is the most items
    the engine puts in one call. Separate from ``InlineBackend``, which means "runs in the
    driver"; the engine uses this one for maps a backend cannot run in place.

    A backend may also offer ``run_item_columns(task, context, ids, fixed, lists) ->
    ItemColumns``, the same call with the batch as columns: item ``k`` is ``ids[k]`` (action
    id, attempt) with input ``name`` = ``lists[name][k]`` and the ``fixed`` inputs (literals,
    the same for every item). The engine then uses it instead of ``run_items``: no dictionary
    or tuple per item either way, and a batch whose items succeeded is recorded as one record.
    ``ids`` is then an ``ItemIds``, which makes each pair when it is read; a backend that sends
    the batch to another process may send that object as it is (it pickles as the map's action
    id, the items' indices, a ``range`` for consecutive items, and their attempts).
    """

    item_batch_size: int

    async def run_items(
        self,
        task: TaskTemplate,
        context: ActionContext,
        items: Sequence[tuple[str, Mapping[str, Any], int]],
    ) -> list[tuple[dict[str, Any] | None, ExecutionError | None]]: ...


class ItemIds(Sequence[tuple[str, int]]):
    """The ``(action id, attempt)`` of each item of a batch, made when read: item ``k`` is
    ``(f"{map_id}[{indices[k]}]", attempts[k])`` (``attempts`` may be one number for all).
    ``pair(k)`` is ``(indices[k], attempts[k])``."""

    __slots__ = ("attempts", "indices", "map_id")

    def __init__(
        self, map_id: str, indices: Sequence[int], attempts: int | Sequence[int] = 0
    ) -> None:
        if not isinstance(attempts, int) and len(attempts) != len(indices):
            raise ValueError(f"ItemIds: {len(attempts)} attempts for {len(indices)} items")
        self.map_id = map_id
        self.indices = indices
        self.attempts = attempts

    def __len__(self) -> int:
        return len(self.indices)

    def pair(self, k: int) -> tuple[int, int]:
        a = self.attempts
        return self.indices[k], a if isinstance(a, int) else a[k]

    def pairs(self) -> list[tuple[int, int]]:
        a = self.attempts
        if isinstance(a, int):
            return [(i, a) for i in self.indices]
        return list(zip(self.indices, a, strict=True))

    @overload
    def __getitem__(self, k: int) -> tuple[str, int]: ...
    @overload
    def __getitem__(self, k: slice) -> list[tuple[str, int]]: ...
    def __getitem__(self, k: int | slice) -> tuple[str, int] | list[tuple[str, int]]:
        if isinstance(k, slice):
            return [self[j] for j in range(*k.indices(len(self)))]
        i, a = self.pair(k)
        return f"{self.map_id}[{i}]", a

    def __iter__(self) -> Iterator[tuple[str, int]]:
        m, a = self.map_id, self.attempts
        if isinstance(a, int):
            return ((f"{m}[{i}]", a) for i in self.indices)
        return ((f"{m}[{i}]", n) for i, n in zip(self.indices, a, strict=True))

    def __reduce__(self) -> tuple[Any, ...]:
        return ItemIds, (self.map_id, self.indices, self.attempts)

    def __repr__(self) -> str:
        return f"ItemIds({self.map_id!r}, {self.indices!r}, {self.attempts!r})"


@dataclass(slots=True)
class ItemColumns:
    """What ``ItemBackend.run_item_columns`` returns for a batch of ``n`` items:
    ``outputs[name][k]`` is item ``k``'s output ``name`` as its list literal stores it
    (``None`` where the item failed), ``errors`` the failed items' errors and ``logs`` what
    items printed (``ActionLog``), both by position in the batch."""

    outputs: dict[str, list[Any]]
    errors: dict[int, ExecutionError] = field(default_factory=dict)
    logs: dict[int, ActionLog] = field(default_factory=dict)


def describe(backend: Any) -> str:
    """``name (module.Class)`` for messages."""
    cls = type(backend)
    return f"{getattr(backend, 'name', '?')} ({cls.__module__}.{cls.__qualname__})"
