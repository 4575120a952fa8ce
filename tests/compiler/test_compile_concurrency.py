"""The compile stack is per context: compiles at the same time (threads, parallel ``@dynamic``
nodes) never see each other's frames, a failed compile unwinds its own frame, and a task run
started while a compile is active runs its calls instead of adding nodes to that compile."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import flytelike as fl
import typesystem
from flytelike.compiler import _stack
from flytelike.compiler._state import CompileState
from flytelike.engine import Engine
from flytelike.errors import CompileError
from flytelike.ir import Constant, PromiseRef


@pytest.fixture
def fast_switching() -> Iterator[None]:
    """Switch threads every few bytecodes, so that concurrent compiles really interleave."""
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(old)


@fl.task
def inc(x: int, step: int) -> int:
    return x + step


@fl.task
def slow_inc(x: int) -> int:
    time.sleep(0.001)
    return x + 1


DEPTHS: list[int] = []


@fl.dynamic
def chain(n: int) -> int:
    DEPTHS.append(len(_stack.STACK.get()))
    total = slow_inc(x=n)
    for _ in range(4):
        time.sleep(0.0005)  # (give the other dynamic bodies time to compile meanwhile)
        total = slow_inc(x=total)
    return total


@fl.workflow
def four_dynamics(n: int) -> tuple[int, int, int, int]:
    m = slow_inc(x=n)
    return chain(n=n), chain(n=m), chain(n=n), chain(n=m)


def _chain_workflow(tag: int, length: int) -> Any:
    """A distinct workflow: ``length`` calls of ``inc``, each with the step ``tag``."""

    def body(x: int) -> int:
        total = x
        for _ in range(length):
            time.sleep(0)  # (a switch point between two nodes)
            total = inc(x=total, step=tag)
        return total

    body.__name__ = body.__qualname__ = f"chain_wf_{tag}"
    return fl.workflow(body)


def _check_chain_ir(wf: Any, tag: int, length: int) -> None:
    body = wf.compiled()
    step = Constant(typesystem.default_registry().to_literal(tag, int))
    assert [n.id for n in body.nodes] == [f"n{i}" for i in range(length)]
    for i, node in enumerate(body.nodes):
        inputs = {b.var: b.value for b in node.inputs}
        upstream = PromiseRef("start-node", "x") if i == 0 else PromiseRef(f"n{i - 1}", "o0")
        assert inputs == {"x": upstream, "step": step}, (tag, node.id)
    assert [(b.var, b.value) for b in body.outputs] == [("o0", PromiseRef(f"n{length - 1}", "o0"))]


def _in_threads(n: int, work: Callable[[int], None]) -> list[BaseException]:
    start = threading.Barrier(n)
    errors: list[BaseException] = []

    def run(t: int) -> None:
        start.wait()
        try:
            work(t)
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=run, args=(t,)) for t in range(n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return errors


def test_two_threads_compile_fifty_workflows_each(fast_switching: None) -> None:
    built: dict[int, tuple[Any, int]] = {}

    def work(t: int) -> None:
        for i in range(50):
            tag, length = t * 1000 + i, 1 + (i + t) % 6
            built[tag] = (_chain_workflow(tag, length), length)

    assert _in_threads(2, work) == []
    assert len(built) == 100
    for tag, (wf, length) in built.items():
        _check_chain_ir(wf, tag, length)
    assert _stack.STACK.get() == ()


def test_two_threads_call_workflows_while_another_compiles(
    engine: Engine, fast_switching: None
) -> None:
    """One thread compiles while the other calls a workflow directly: the calls return values."""
    wf = _chain_workflow(7, 3)
    results: list[Any] = []

    def work(t: int) -> None:
        for i in range(50):
            if t == 0:
                _check_chain_ir(_chain_workflow(5000 + i, 4), 5000 + i, 4)
            elif i % 10 == 0:
                results.append(wf(x=i))

    assert _in_threads(2, work) == []
    assert results == [i + 21 for i in range(0, 50, 10)]


def test_four_parallel_dynamic_nodes_fifty_runs(engine: Engine) -> None:
    DEPTHS.clear()
    results = [four_dynamics(n=5) for _ in range(50)]
    assert results == [(10, 11, 10, 11)] * 50
    # Each dynamic body compiled with its own frame only (200 bodies).
    assert DEPTHS == [1] * 200
    assert _stack.STACK.get() == ()
    # Direct calls afterwards still run (values, not promises).
    assert four_dynamics(n=1) == (6, 7, 6, 7)
    assert inc(x=1, step=2) == 3


def test_failed_compile_leaves_the_stack_empty(engine: Engine) -> None:
    def broken(x: int) -> int:
        inc(x=x, step=1)
        raise CompileError("broken on purpose")

    with pytest.raises(CompileError, match="broken on purpose"):
        fl.workflow(broken)
    assert _stack.STACK.get() == ()
    assert _stack.current() is None
    assert inc(x=1, step=1) == 2
    assert _chain_workflow(3, 2)(x=1) == 7


def test_failed_inner_compile_unwinds_only_its_own_frame() -> None:
    """A workflow defined (and failing) inside another workflow's body: the outer compile
    carries on with its own frame."""
    seen: list[tuple[Any, ...]] = []

    def outer(x: int) -> int:
        before = _stack.STACK.get()

        def inner(y: int) -> int:
            raise CompileError("inner fails")

        with pytest.raises(CompileError):
            fl.workflow(inner)
        seen.append((before, _stack.STACK.get()))
        return inc(x=x, step=2)

    wf = fl.workflow(outer)
    ((before, after),) = seen
    assert after == before and len(before) == 1
    assert [n.id for n in wf.compiled().nodes] == ["n0"]
    assert _stack.STACK.get() == ()


@fl.task
def calls_inc(x: int) -> int:
    return inc(x=x, step=10) + 1  # a direct call inside a running task: a value


@fl.workflow
def calls_inc_wf(x: int) -> int:
    return calls_inc(x=x)


def test_a_run_started_during_a_compile_does_not_see_its_frame(engine: Engine) -> None:
    """Task bodies run by the engine start with an empty compile stack, even when the run was
    started from a context (or a copy of one) where a compile is active."""
    state = CompileState("outer")
    token = _stack.push(state)
    try:
        run = engine.run(calls_inc_wf, x=1)
    finally:
        _stack.pop(token)
    assert run.outputs() == 12
    assert state.scopes[0].nodes == []


def test_push_fresh_and_isolate() -> None:
    a, b = CompileState("a"), CompileState("b")
    ta = _stack.push(a)
    tb = _stack.push(b)
    assert _stack.STACK.get() == (a, b)
    _stack.pop(tb)
    tf = _stack.push(b, fresh=True)
    assert _stack.STACK.get() == (b,)
    iso = _stack.isolate()
    assert iso is not None and not _stack.compiling() and _stack.current() is None
    _stack.restore(iso)
    _stack.pop(tf)
    assert _stack.current() is a
    _stack.pop(ta)
    assert _stack.STACK.get() == () and _stack.isolate() is None
