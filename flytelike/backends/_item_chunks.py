"""Map items run a chunk at a time, in the calling thread (the engine's, or a worker thread):
the first attempts of items ``start..stop-1`` of one map, in one tight loop (``ChunkRunner.run``).

What every item of a chunk shares is set up once per chunk: the task's environment, the isolated
compile stack, the current context. The inputs are taken column by column (a column of values that
need no conversion, ``typesystem.plain_column``, is used as it is) and the outputs are checked the
same way after the loop; inputs and outputs that need converting are converted item by item in the
loop, in the item's context (``_each``), as a single item converts them. Otherwise per item there is
only the call: its index stored in the chunk's context, its arguments, its stop window (``_stop``:
an abort raises ``TaskBodyStopped`` in the body, as for a single item) and its end time.

Each item still sees its own action: ``current_context()`` is a ``ChunkContext`` whose action id
and attempt are the running item's, built when something asks (``_capture`` and ``action_key``
read ``_item``, the rest ``action``). A body that makes its context hold per-attempt state (a
working directory, decks, a checkpoint, a capture of what it prints, its action) leaves that
context behind: the state is cleaned up as after a single item and the next item gets a fresh
context, so nothing one item created is seen by the next.

Once ``flytelike.artifacts`` is loaded, outputs go through ``_each`` too: an output marked as
an artifact (or declared by the caller) is published as a single item's is. A task with several
outputs or none, or with ``enable_deck``, runs its items one by one (``chunk_runner`` is None).
A failing item keeps its own error (``user_error``); the engine retries it alone.

What does not live here: choosing chunks and recording them (``flytelike.engine._map_inplace``),
single items (``_local.InlineRunner.item``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from flytelike.backends import _stop
from flytelike.backends._produced import _BUILDER as ARTIFACT_BUILDER
from flytelike.backends._produced import produced, split_artifacts
from flytelike.backends._protocol import ActionContext, ExecutionError
from flytelike.backends._runtime import _CURRENT, ExecutionContext, outputs_scratch
from flytelike.compiler import isolate, restore
from flytelike.errors import TaskBodyStopped
from typesystem import box, plain_column, unbox


class ChunkContext(ExecutionContext):
    """``current_context()`` of the items of one chunk: the item running now is ``_index``."""

    def __init__(self, base: ActionContext, task_name: str, task_kind: str, prefix: str) -> None:
        fields = self.__dict__
        fields["_base"] = base
        fields["task_name"] = task_name
        fields["task_kind"] = task_kind
        fields["_prefix"] = prefix
        fields["_index"] = 0

    _prefix: str  # ``<map action>[``
    _index: int

    # (read-only here: its value follows ``_index``; nothing sets an item's ``_item`` later)
    @property
    def _item(self) -> tuple[str, int]:  # type: ignore[override]
        return (f"{self._prefix}{self._index}]", 0)

    @property
    def action(self) -> ActionContext:
        # (kept with its index: a stop from another thread may ask while the next item starts)
        k = self._index
        held = self.__dict__.get("_held")
        if held is None or held[0] != k:
            a = replace(self._base, action_id=f"{self._prefix}{k}]", attempt=0)
            held = self.__dict__["_held"] = (k, a)
        return held[1]


class ChunkOutcome:
    """Items ``start..start+count-1`` of a chunk: ``outputs[k]`` is item ``start+k``'s output
    value (as its list literal stores it; ``None`` for a failed item), ``errors`` the failed
    items by position, ``bounds[k]``/``bounds[k+1]`` when item ``start+k`` started and ended,
    ``printed`` the positions of items whose prints were captured (the engine takes them) and
    ``stopped`` whether an item was stopped (an abort: the chunk ended there)."""

    __slots__ = ("bounds", "count", "errors", "name", "outputs", "printed", "start", "stopped")

    def __init__(
        self,
        name: str,
        start: int,
        bounds: list[float],
        outputs: list[Any],
        errors: dict[int, ExecutionError],
        printed: list[int],
        stopped: bool,
    ) -> None:
        self.name = name
        self.start = start
        self.count = len(outputs)
        self.bounds = bounds
        self.outputs = outputs
        self.errors = errors
        self.printed = printed
        self.stopped = stopped


class _Going:
    stopped = False


_GOING = _Going()  # (the ``halt`` of a chunk nothing else can end)


class ChunkRunner:
    """Runs chunks of first attempts of one task's map items (made by ``chunk_runner``)."""

    def __init__(
        self,
        runner: Any,
        user_error: Callable[[BaseException], ExecutionError],
        environment: tuple[Callable[[Any], Any], Callable[[Any], None]],
        decks: Callable[..., Any],
    ) -> None:
        self.runner = runner
        tf = runner.tf
        self.tf = tf
        name, tr, t = tf.single
        self.out = (name, tr.encode, t, plain_column(tr))
        self.plain = {n: plain_column(c[0]) for n, c in tf.in_conv.items()}
        self.decoders = {n: (c[0].decode, c[1]) for n, c in tf.in_conv.items()}
        self.user_error = user_error
        self.environment = environment
        self.decks = decks

    def run(
        self,
        aid: str,
        start: int,
        stop: int,
        fixed: Mapping[str, Any],
        lists: Sequence[tuple[str, Sequence[Any]]],
        halt: Any = None,
    ) -> ChunkOutcome | None:
        """Items ``start..stop-1`` of map action ``aid`` (inputs: ``fixed`` values and the
        mapped ``lists``), or ``None`` when they cannot run as a chunk (run them one by one).
        A true ``halt.stopped`` ends the chunk before its next item (the map was aborted).
        Call it with no running event loop in this thread (``hidden_loop``) and inside the
        runner's ``bound()``."""
        plain, decoders = self.plain, self.decoders
        kw: dict[str, Any] = {}
        cols: list[tuple[str, Sequence[Any]]] = []
        # Inputs converted item by item, in the item's context (``_each``): (name, column or
        # None, the value for every item, (decode, type)); a bound value so converted is each
        # item's own object.
        each: list[tuple[str, Sequence[Any] | None, Any, Any]] = []
        for name, value in fixed.items():
            if name not in decoders:
                return None
            value = unbox(value)
            check = plain.get(name)
            if check is not None and check((value,)):
                kw[name] = value
            else:
                each.append((name, None, value, decoders[name]))
        for name, values in lists:
            if name not in decoders:
                return None
            col = values[start:stop]
            check = plain.get(name)
            if check is not None and check(col):
                cols.append((name, col))
            else:
                each.append((name, col, None, decoders[name]))
        if not cols and not each:
            return None
        runner = self.runner
        task = runner.task
        base = runner.base
        prefix = f"{aid}["
        ctx = ChunkContext(base, runner.tf.name, task.kind, prefix)
        outputs: list[Any] = []
        bounds = [time.time()]
        errors: dict[int, ExecutionError] = {}
        printed: list[int] = []
        saved = self.environment[0](task)
        token = _CURRENT.set(ctx)
        outside = isolate()
        # (once flytelike.artifacts is loaded, an item's output may be an artifact to publish)
        general = bool(each) or self.out[3] is None or bool(ARTIFACT_BUILDER)
        try:
            if general:
                stopped = self._each(
                    ctx, kw, cols, each, stop - start, fixed, lists, start, outputs, bounds,
                    errors, printed, halt or _GOING,
                )  # fmt: skip
            else:
                stopped = self._loop(
                    ctx, kw, cols, start, outputs, bounds, errors, printed, halt or _GOING
                )
        finally:
            restore(outside)
            _CURRENT.reset(token)
            if saved is not None:
                self.environment[1](saved)
        if not general:
            self._convert(outputs, errors)
        return ChunkOutcome(self.out[0], start, bounds, outputs, errors, printed, stopped)

    def _loop(
        self,
        ctx: ChunkContext,
        kw: dict[str, Any],
        cols: list[tuple[str, Sequence[Any]]],
        start: int,
        outputs: list[Any],
        bounds: list[float],
        errors: dict[int, ExecutionError],
        printed: list[int],
        halt: Any,
    ) -> bool:
        """Call the function once per item; True when an item was stopped (the rest not run).

        The loop body runs inside one ``try``: an exception (from the body, or a stop raised at
        the edge of its window) belongs to item ``k``, the one whose index is in the context;
        the handler records it and the loop goes on with ``k + 1``."""
        fn = self.runner.fn
        b = _stop.bodies()
        push, pop = b.stack.append, b.stack.pop
        out, mark, now = outputs.append, bounds.append, time.time
        fields = ctx.__dict__
        clean = len(fields)
        m = len(cols[0][1])
        single = cols[0] if len(cols) == 1 else None
        rows: Sequence[tuple[Any, ...]] = (
            () if single is not None else list(zip(*(c for _, c in cols), strict=False))
        )
        names = [n for n, _ in cols]
        k = 0
        while k < m and not halt.stopped:
            try:
                if single is not None:
                    name, col = single
                    while k < m and not halt.stopped:
                        fields["_index"] = start + k
                        kw[name] = col[k]
                        push(ctx)
                        result = fn(**kw)
                        pop()
                        if b.stopped is not None:
                            _stop.leave(b, ctx)
                        out(result)
                        mark(now())
                        k += 1
                        if len(fields) != clean:
                            ctx, fields = self._fresh(ctx, k - 1, start, outputs, printed, errors)
                else:
                    while k < m and not halt.stopped:
                        fields["_index"] = start + k
                        kw.update(zip(names, rows[k], strict=False))
                        push(ctx)
                        result = fn(**kw)
                        pop()
                        if b.stopped is not None:
                            _stop.leave(b, ctx)
                        out(result)
                        mark(now())
                        k += 1
                        if len(fields) != clean:
                            ctx, fields = self._fresh(ctx, k - 1, start, outputs, printed, errors)
            except BaseException as e:
                _stop.leave(b, ctx)  # (its window, if still open; a stop not raised yet)
                if isinstance(e, KeyboardInterrupt | SystemExit):
                    raise
                ctx = self._failed(e, ctx, k, start, clean, outputs, bounds, errors, printed)
                fields = ctx.__dict__
                k += 1
                if isinstance(e, TaskBodyStopped):
                    return True
        return False

    def _each(
        self,
        ctx: ChunkContext,
        kw: dict[str, Any],
        cols: list[tuple[str, Sequence[Any]]],
        each: list[tuple[str, Sequence[Any] | None, Any, Any]],
        m: int,
        fixed: Mapping[str, Any],
        lists: Sequence[tuple[str, Sequence[Any]]],
        start: int,
        outputs: list[Any],
        bounds: list[float],
        errors: dict[int, ExecutionError],
        printed: list[int],
        halt: Any,
    ) -> bool:
        """``_loop`` for items whose inputs or output are converted item by item, in the item's
        context, as ``InlineRunner.item`` converts them: an input that does not decode goes
        through the general conversion (which names it when it fails too), an output that does
        not encode through ``to_literals`` (with the item's working directory as the scratch
        directory its files move from)."""
        fn = self.runner.fn
        tf = self.tf
        name, encode, t, _ = self.out
        b = _stop.bodies()
        push, pop = b.stack.append, b.stack.pop
        out, mark, now = outputs.append, bounds.append, time.time
        fields = ctx.__dict__
        clean = len(fields)
        k = 0
        while k < m and not halt.stopped:
            try:
                while k < m and not halt.stopped:
                    fields["_index"] = start + k
                    for n, col in cols:
                        kw[n] = col[k]
                    try:
                        for n, c, v, (decode, it) in each:
                            kw[n] = decode(c[k] if c is not None else v, it)
                    except Exception:  # the general conversion reports it (input name, task)
                        values = {n: box(v) for n, v in fixed.items()}
                        values.update((n, box(vs[start + k])) for n, vs in lists)
                        kw.update(tf.to_python(values))
                    push(ctx)
                    result = fn(**kw)
                    pop()
                    if b.stopped is not None:
                        _stop.leave(b, ctx)
                    declared = None
                    if ARTIFACT_BUILDER:
                        result, declared = split_artifacts(tf, result)
                    if declared:  # (published once its outputs convert, as a single item's)
                        with outputs_scratch(ctx):
                            literals = tf.to_literals(result)
                            produced(tf, declared, literals, ctx.action).publish()
                        value = unbox(literals[name])
                    else:
                        try:
                            value = encode(result, t)
                        except Exception:
                            with outputs_scratch(ctx):
                                value = unbox(tf.to_literals(result)[name])
                    out(value)
                    mark(now())
                    k += 1
                    if len(fields) != clean:
                        ctx, fields = self._fresh(ctx, k - 1, start, outputs, printed, errors)
            except BaseException as e:
                _stop.leave(b, ctx)  # (its window, if still open; a stop not raised yet)
                if isinstance(e, KeyboardInterrupt | SystemExit):
                    raise
                ctx = self._failed(e, ctx, k, start, clean, outputs, bounds, errors, printed)
                fields = ctx.__dict__
                k += 1
                if isinstance(e, TaskBodyStopped):
                    return True
        return False

    def _failed(
        self,
        e: BaseException,
        ctx: ChunkContext,
        k: int,
        start: int,
        clean: int,
        outputs: list[Any],
        bounds: list[float],
        errors: dict[int, ExecutionError],
        printed: list[int],
    ) -> ChunkContext:
        """Item ``k`` raised ``e`` (both loops' handler): what it appended is taken back, it
        ends now with its error, and the next item gets the context to run in (a fresh one when
        item ``k`` made this one hold per-attempt state, whose count of fields was ``clean``)."""
        del outputs[k:], bounds[k + 1 :]
        outputs.append(None)
        bounds.append(time.time())
        errors[k] = self.user_error(e)
        if len(ctx.__dict__) != clean:
            ctx, _ = self._fresh(ctx, k, start, outputs, printed, errors)
        return ctx

    def _fresh(
        self,
        ctx: ChunkContext,
        k: int,
        start: int,
        outputs: list[Any],
        printed: list[int],
        errors: dict[int, ExecutionError],
    ) -> tuple[ChunkContext, dict[str, Any]]:
        """Item ``k`` made its context hold per-attempt state: end it as a single item's
        attempt ends (decks written, working directory removed) and give the rest a new one."""
        if ctx._capture is not None:
            printed.append(k)
        if ctx._decks and k not in errors:
            try:
                self.decks(ctx, False, None, None)
            except Exception as e:  # (the item fails, as a single item would)
                errors[k] = self.user_error(e)
                outputs[k] = None
        if ctx._workdir is not None:
            ctx.cleanup()
        runner = self.runner
        new = ChunkContext(runner.base, runner.tf.name, runner.task.kind, ctx._prefix)
        new.__dict__["_index"] = start + k + 1
        _CURRENT.set(new)
        return new, new.__dict__

    def _convert(self, outputs: list[Any], errors: dict[int, ExecutionError]) -> None:
        """The outputs as their list literal stores them: as they are when the column is plain,
        else converted one by one as ``InlineRunner.item`` converts them (an item whose value
        does not convert fails with the error naming its output)."""
        name, encode, t, plain = self.out
        if not errors and plain is not None and plain(outputs):
            return
        tf = self.tf
        for k, value in enumerate(outputs):
            if k in errors:
                continue
            try:
                outputs[k] = encode(value, t)
            except Exception:
                try:
                    outputs[k] = unbox(tf.to_literals(value)[name])
                except Exception as e:
                    outputs[k] = None
                    errors[k] = self.user_error(e)


def chunk_runner(
    runner: Any,
    user_error: Callable[[BaseException], ExecutionError],
    environment: tuple[Callable[[Any], Any], Callable[[Any], None]],
    decks: Callable[..., Any],
) -> ChunkRunner | None:
    """A ``ChunkRunner`` for the items of ``runner`` (an ``InlineRunner``; the other arguments
    are ``_local``'s: the error of a body, setting and restoring the task's environment, writing
    decks), or ``None`` when they run one by one: a task with several outputs or none, or with
    decks enabled."""
    tf = runner.tf
    if runner.base.enable_deck or tf.single is None:
        return None
    return ChunkRunner(runner, user_error, environment, decks)
