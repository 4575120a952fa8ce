"""The interpreter: runs a workflow's nodes as their upstream nodes finish.

``Interpreter.run_workflow`` schedules the nodes of one scope (a workflow, a branch case, a
dynamic task's generated graph): a node starts when every node it depends on (``upstream``,
which includes ``>>`` edges, and every node its bindings refer to) has succeeded; independent
nodes run concurrently as asyncio tasks; task actions are bounded by the run's (and enclosing
launch plans') parallelism. Subworkflows and launch plans run as nested scopes with action ids
``<node action id>/<inner node id>``, or come from the cache when ``with_overrides(cache=...)``
enabled it on their node (``_node_cache``); branch cases run in their branch's scope (their node ids
are already unique). Failure policies: ``FAIL_IMMEDIATELY`` cancels running nodes and fails;
``FAIL_AFTER_EXECUTABLE_NODES_COMPLETE`` lets every node that does not depend on the failure
finish first. A workflow's ``on_failure`` handler runs with the workflow inputs (and ``err``).

Map nodes live in ``_map``, gates in ``_gates``: they import this module, so it does not import
them; the engine registers them as node handlers (``register_node_handler``, done by ``_run``).
A dynamic task's graph (built by the backend) runs through ``run_dynamic`` as a nested scope of
the task's action.
"""

from __future__ import annotations

import asyncio
import sys
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import typesystem
from flytelike.backends import USER, ExecutionError, is_mocked
from flytelike.engine import _abort
from flytelike.engine._abort import abortable
from flytelike.engine._bindings import evaluate, resolve
from flytelike.engine._execution import LIMITS, Execution, NodeFailed, Outputs
from flytelike.engine._graph import scope_graph
from flytelike.engine._inplace import Direct, Plan, node_plan, run_action, task_of
from flytelike.engine._node_cache import NodeCache
from flytelike.engine._phases import NodePhase
from flytelike.errors import ConditionFailedLocally
from flytelike.ir import (
    START_NODE,
    Binding,
    BranchNode,
    Closure,
    Identifier,
    Interface,
    LaunchPlanNode,
    LaunchPlanTemplate,
    Node,
    TaskNode,
    TaskTemplate,
    WorkflowNode,
    WorkflowTemplate,
)
from typesystem import Literal, LiteralType, StructType

Values = dict[str, Outputs]

FAIL_IMMEDIATELY = "FAIL_IMMEDIATELY"
# Task nodes of one scope started at once: this many per parallelism slot, at least _MIN_WINDOW.
_WINDOW_PER_SLOT = 4
_MIN_WINDOW = 128

# ``handler(interpreter, action id, parent action id, node, target, values) -> outputs``
NodeHandler = Callable[["Interpreter", str, str, Node, Any, Values], Awaitable[Outputs]]
# Node target type -> its handler: node kinds that live in their own modules (map, gate).
_HANDLERS: dict[type, NodeHandler] = {}


def register_node_handler(target: type, handler: NodeHandler) -> None:
    """Run nodes whose target is a ``target`` with ``handler`` (the engine registers the map
    and gate handlers; a later registration for the same type replaces it)."""
    _HANDLERS[target] = handler


class Hold:
    """A container node's slot in ``Execution.inflight``, given back once its children start."""

    __slots__ = ("ex", "released")

    def __init__(self, ex: Execution) -> None:
        self.ex = ex
        self.released = False
        self.released = False

    def release(self) -> None:
        if not self.released:
            self.released = True
            self.ex.inflight -= 1

    def restore(self) -> None:
        if self.released:
            self.released = False
            self.ex.inflight += 1


def input_types(iface: Interface) -> dict[str, LiteralType]:
    return {v.name: v.type for v in iface.inputs}


def bind_inputs(
    bindings: Sequence[Binding], values: Values, iface: Interface
) -> dict[str, Literal]:
    """Resolve a node's bindings; inputs without a binding take their interface default."""
    types = {v.name: v.type for v in iface.inputs}
    out = {b.var: resolve(b.value, values, types.get(b.var)) for b in bindings}
    for v in iface.inputs:
        if v.name not in out and v.default is not None:
            out[v.name] = v.default
    return out


def failure_error(message: str) -> ExecutionError:
    return ExecutionError(USER, message, "FlytelikeError")


class Interpreter:
    """Walks the IR of one run."""

    def __init__(self, ex: Execution) -> None:
        self.ex = ex
        ex.on_dynamic = self.run_dynamic

    async def run_dynamic(self, aid: str, closure: Closure, inputs: Outputs) -> Outputs:
        """Run the graph a dynamic task built, as a nested scope of its action."""
        self.ex.index.add(closure)
        wf = self.ex.index.workflow(closure.primary)
        hold = Hold(self.ex)
        try:
            return await self.run_workflow(wf, inputs, aid + "/", aid, hold)
        finally:
            hold.restore()

    # ------------------------------------------------------------------ workflows
    async def run_workflow(
        self,
        wf: WorkflowTemplate,
        inputs: Outputs,
        prefix: str = "",
        parent: str = "",
        hold: Hold | None = None,
    ) -> Outputs:
        values: Values = {START_NODE: inputs}
        try:
            await self.run_nodes(wf.nodes, values, prefix, parent, wf.metadata.failure_policy, hold)
        except NodeFailed as failure:
            if wf.metadata.on_failure is not None:
                await self.run_on_failure(wf, inputs, failure, prefix, parent)
            raise
        want = {v.name: v.type for v in wf.interface.outputs}
        try:
            return {b.var: resolve(b.value, values, want.get(b.var)) for b in wf.outputs}
        except LookupError as e:
            raise NodeFailed(
                prefix + "end-node",
                failure_error(f"workflow `{wf.id.name}`: cannot bind its outputs: {e}"),
            ) from e

    async def run_on_failure(
        self, wf: WorkflowTemplate, inputs: Outputs, failure: NodeFailed, prefix: str, parent: str
    ) -> None:
        ident = wf.metadata.on_failure
        assert ident is not None
        task = self.ex.index.tasks.get(ident)
        target_iface = (
            task.interface if task is not None else self.ex.index.workflow(ident).interface
        )
        args: dict[str, Literal] = {
            k: v for k, v in inputs.items() if any(i.name == k for i in target_iface.inputs)
        }
        for var in target_iface.inputs:
            if var.name in ("err", "error"):
                args[var.name] = _error_literal(var.type, failure)
        aid = prefix + "on-failure"
        try:
            if task is not None:
                await self.ex.run_task(aid, parent, "on-failure", task, args)
            else:
                sub = self.ex.index.workflow(ident)
                await self.run_workflow(sub, args, aid + "/", aid)
        except NodeFailed:
            pass  # the workflow fails with its own error either way

    async def run_nodes(
        self,
        nodes: Sequence[Node],
        values: Values,
        prefix: str,
        parent: str,
        policy: str = FAIL_IMMEDIATELY,
        hold: Hold | None = None,
    ) -> None:
        """Run ``nodes`` (one scope) to completion; raises the first ``NodeFailed``."""
        ex = self.ex
        store = ex.store
        by_id, waits, dependents, first = scope_graph(nodes)
        remaining = dict(waits)
        ready = list(first)
        running: dict[asyncio.Future[Outputs], Node] = {}
        # Nodes that ended, in order, and an event set when one does: waiting on these costs
        # the same for 1,000 running nodes as for 2 (``asyncio.wait`` walks every one each time).
        ended: list[asyncio.Future[Outputs]] = []
        wake = asyncio.Event()

        def on_end(fut: asyncio.Future[Outputs]) -> None:
            ended.append(fut)
            wake.set()

        failures: list[NodeFailed] = []
        blocked: set[str] = set()

        def completed(n: Node, out: Outputs | None, failure: NodeFailed | None) -> None:
            if failure is not None:
                failures.append(failure)
                stack = [n.id]
                while stack:
                    for d in dependents.get(stack.pop(), ()):
                        if d not in blocked:
                            blocked.add(d)
                            stack.append(d)
                return
            assert out is not None
            values[n.id] = out
            for d in dependents.get(n.id, ()):
                remaining[d] -= 1
                if remaining[d] == 0 and d not in blocked:
                    ready.append(by_id[d])

        # Task nodes past ``window`` running at once wait here, not as asyncio tasks queued on
        # the parallelism semaphore: 100,000 ready nodes then cost no more per node than 1,000
        # (live tasks, and what the garbage collector walks, stay bounded).
        window = (
            max(_MIN_WINDOW, _WINDOW_PER_SLOT * ex.max_parallelism)
            if ex.max_parallelism > 0
            else sys.maxsize  # (unbounded parallelism: every ready node starts)
        )
        deferred: deque[Node] = deque()
        tasks_running = 0
        # While one task node after another runs in place (a chain), the loop stays hidden from
        # their bodies across the whole stretch (``Execution.hidden_loop``), not per node.
        hidden: asyncio.AbstractEventLoop | None = None

        def unhide() -> None:
            nonlocal hidden
            if hidden is not None:
                asyncio._set_running_loop(hidden)
                ex.hidden_loop = hidden = None

        def start(n: Node) -> None:
            nonlocal tasks_running
            task = asyncio.ensure_future(self.run_node(n, values, prefix, parent))
            task.add_done_callback(on_end)
            running[task] = n
            if type(n.target) is TaskNode:
                tasks_running += 1

        try:
            while ready or running or deferred:
                if failures and policy == FAIL_IMMEDIATELY:
                    break
                if ready:
                    if store is not None:
                        # Durability: what the ready nodes were built on (their upstream's
                        # completion, the run's row) is committed before they start; a run
                        # whose records could not be written stops here (StoreWriteError).
                        store.durable(ex.run_name)
                    batch = ready[:]
                    ready.clear()
                    ex.inflight += len(batch)
                    if hold is not None:
                        hold.release()
                        hold = None
                    if len(batch) == 1 and not running and not deferred:
                        n = batch[0]
                        placed = node_plan(ex, n)
                        if placed is None:
                            unhide()
                            try:
                                work = self._work(n, values, prefix, parent)
                                out = await abortable(ex, prefix + n.id, n.id, work)
                                completed(n, out, None)
                            except NodeFailed as f:
                                completed(n, None, f)
                            finally:
                                ex.inflight -= 1
                            continue
                        if hidden is None and ex.hidden_loop is None:
                            hidden = asyncio._get_running_loop()
                            asyncio._set_running_loop(None)
                            ex.hidden_loop = hidden
                        if self._stretch(n, placed, values, prefix, parent, ready, completed):
                            unhide()  # (the run is aborted: its loop delivers it, ``_abort``)
                            await asyncio.sleep(0)
                        continue
                    unhide()
                    for n in batch:
                        if type(n.target) is TaskNode and (deferred or tasks_running >= window):
                            deferred.append(n)
                        else:
                            start(n)
                unhide()
                if not ended:
                    await wake.wait()
                wake.clear()
                done, ended[:] = ended[:], []
                for fut in done:
                    n = running.pop(fut)
                    ex.inflight -= 1
                    if type(n.target) is TaskNode:
                        tasks_running -= 1
                    exc = fut.exception()
                    if exc is None:
                        completed(n, fut.result(), None)
                    elif isinstance(exc, NodeFailed):
                        completed(n, None, exc)
                    else:
                        raise exc
                if failures and policy == FAIL_IMMEDIATELY:
                    continue
                while deferred and tasks_running < window:
                    start(deferred.popleft())
        finally:
            unhide()
            ex.inflight -= len(deferred)  # (never started: the run failed first)
            if running:
                for fut in running:
                    fut.cancel()
                await asyncio.gather(*running, return_exceptions=True)
                ex.inflight -= len(running)
        if failures:
            raise failures[0]

    # ------------------------------------------------------------------ nodes
    def _stretch(
        self,
        n: Node,
        placed: tuple[Plan, Direct | None],
        values: Values,
        prefix: str,
        parent: str,
        ready: list[Node],
        completed: Callable[[Node, Outputs | None, NodeFailed | None], None],
    ) -> bool:
        """Run ``n`` and the nodes it makes ready, one after another while exactly one is ready
        and it runs in place too (``_inplace.node_plan``), without a coroutine per node; stops
        at a failure, a fan-out or a fan-in, a node that does not run in place, or an abort of
        the run (returns True then). ``n`` is counted in flight (``Execution.inflight``), and
        ``ready`` is empty."""
        ex = self.ex
        store = ex.store
        st = _abort.state(ex.run_name)
        main = asyncio.current_task(ex.hidden_loop)
        while True:
            p, direct = placed
            aid = prefix + n.id
            try:
                inputs: Outputs | None = None  # (``_bound``, spelled out, no comprehension)
                if direct is not None:
                    inputs = {}
                    try:
                        for v, i, o in direct:
                            inputs[v] = values[i][o]
                    except KeyError:
                        inputs = None
                if inputs is None:
                    inputs = self._inputs(n, values, p.task.interface, aid)
                out = run_action(ex, st, main, aid, parent, n.id, p, inputs)
            except NodeFailed as f:
                completed(n, None, f)
                return False
            finally:
                ex.inflight -= 1
            completed(n, out, None)
            if st is not None and st.run_reason is not None:
                return True
            if len(ready) != 1:
                return False
            found = node_plan(ex, ready[0])
            if found is None:
                return False
            if store is not None:
                store.durable(ex.run_name)  # (as ``run_nodes``: before the next one starts)
            n = ready.pop()
            placed = found
            ex.inflight += 1

    async def run_node(self, node: Node, values: Values, prefix: str, parent: str) -> Outputs:
        """Run one node; ``Run.abort(<its action id>)`` fails it ``ABORTED`` (``_abort``)."""
        work = self._work(node, values, prefix, parent)
        return await abortable(self.ex, prefix + node.id, node.id, work)

    def _work(self, node: Node, values: Values, prefix: str, parent: str) -> Awaitable[Outputs]:
        """The coroutine running ``node`` (``abortable`` awaits it): a task node whose task the
        closure holds and whose inputs bind is ``Execution.run_task`` itself, without the frame
        of ``_run_node`` (one per action on a backend the run waits for); anything else, and a
        binding error (raised in ``_run_node``, under ``abortable``), goes through
        ``_run_node``."""
        if type(node.target) is TaskNode:
            ex = self.ex
            task, direct = task_of(ex, node)
            if task is not None:
                aid = prefix + node.id
                try:
                    inputs = self._bound(node, values, task.interface, aid, direct)
                except NodeFailed:
                    return self._run_node(node, values, prefix, parent)
                return ex.run_task(aid, parent, node.id, task, inputs, node.overrides)
        return self._run_node(node, values, prefix, parent)

    async def _run_node(self, node: Node, values: Values, prefix: str, parent: str) -> Outputs:
        target = node.target
        aid = prefix + node.id
        ex = self.ex
        if isinstance(target, WorkflowNode | LaunchPlanNode):
            ident = target.workflow if isinstance(target, WorkflowNode) else target.launch_plan
            ref = ex.index.tasks.get(ident)  # a reference workflow or launch plan
            if ref is None and is_mocked(ident):
                # a subworkflow or launch plan mocked by flytelike.testing.patch/task_mock: its
                # mock answers, called by the backend as a reference entity's is
                if isinstance(target, WorkflowNode):
                    iface = ex.index.workflow(ident).interface
                else:
                    iface = ex.index.launch_plan(ident).interface
                ref = TaskTemplate(id=ident, kind="reference", interface=iface)
            if ref is not None:
                inputs = self._inputs(node, values, ref.interface, aid)
                return await ex.run_task(aid, parent, node.id, ref, inputs, node.overrides)
        if isinstance(target, TaskNode):
            task, direct = task_of(ex, node)
            if task is None:
                task = ex.index.task(target.task)  # (raises: the closure has no such task)
            inputs = self._bound(node, values, task.interface, aid, direct)
            return await ex.run_task(aid, parent, node.id, task, inputs, node.overrides)
        handler = _HANDLERS.get(type(target))
        if handler is not None:
            return await handler(self, aid, parent, node, target, values)
        hold = Hold(ex)
        try:
            if isinstance(target, BranchNode):
                return await self._branch(node, target, values, prefix, parent, hold)
            if isinstance(target, WorkflowNode):
                wf = ex.index.workflow(target.workflow)
                inputs = self._inputs(node, values, wf.interface, aid)
                return await self._nested(
                    aid, parent, node, wf, inputs, "workflow", hold, wf.id, wf.interface
                )
            if isinstance(target, LaunchPlanNode):
                lp = ex.index.launch_plan(target.launch_plan)
                wf = ex.index.workflow(lp.workflow)
                inputs = launch_plan_inputs(lp, self._inputs(node, values, lp.interface, aid))
                token = None
                if lp.max_parallelism:
                    token = LIMITS.set((*LIMITS.get(), asyncio.Semaphore(lp.max_parallelism)))
                try:
                    return await self._nested(
                        aid, parent, node, wf, inputs, "launch_plan", hold, lp.id, lp.interface
                    )
                finally:
                    if token is not None:
                        LIMITS.reset(token)
        finally:
            hold.restore()
        raise NodeFailed(aid, failure_error(f"node {aid}: unknown target {target!r}"))

    def _bound(
        self, node: Node, values: Values, iface: Interface, aid: str, direct: Direct | None
    ) -> Outputs:
        """``node``'s inputs: through its direct bindings (``_inplace.direct_inputs``) when it
        has them, else (or when one is missing) as ``_inputs`` binds them, errors included."""
        if direct is not None:
            try:
                return {v: values[i][o] for v, i, o in direct}
            except KeyError:
                pass
        return self._inputs(node, values, iface, aid)

    def _inputs(self, node: Node, values: Values, iface: Interface, aid: str) -> Outputs:
        try:
            return bind_inputs(node.inputs, values, iface)
        except (LookupError, typesystem.TypeSystemError) as e:
            raise NodeFailed(aid, failure_error(f"node {aid}: cannot bind its inputs: {e}")) from e

    async def _nested(
        self,
        aid: str,
        parent: str,
        node: Node,
        wf: WorkflowTemplate,
        inputs: Outputs,
        kind: str,
        hold: Hold,
        ident: Identifier | None = None,
        iface: Interface | None = None,
    ) -> Outputs:
        """Run a subworkflow or launch plan node. With ``ident``/``iface`` (the workflow's or
        the launch plan's) it goes through its node cache when ``with_overrides`` enabled one;
        without them it never caches."""
        ex = self.ex
        prior = ex.prior.get(aid)
        if prior is not None:
            return prior
        name = wf.id.name
        nc = None
        if ident is not None and iface is not None:
            nc = NodeCache.start(ex, node.overrides, kind, ident, iface, inputs)
        key = nc.key if nc is not None else None
        ex.node_started(aid, parent, node.id, kind, name, inputs)
        try:
            if nc is not None:
                hit = await nc.lookup(aid)
                if hit is not None:
                    ex.node_finished(
                        aid,
                        name,
                        NodePhase.SUCCEEDED,
                        hit,
                        cache_key=key,
                        cache_status="HIT",
                        attempts=0,
                    )
                    return hit
            out = await self.run_workflow(wf, inputs, aid + "/", aid, hold)
            if nc is not None:
                nc.put(out, aid)
        except NodeFailed as f:
            status = nc.status if nc is not None else ""
            ex.node_finished(
                aid, name, NodePhase.FAILED, error=f.error, cache_key=key, cache_status=status
            )
            raise
        except asyncio.CancelledError:
            ex.node_finished(aid, name, NodePhase.ABORTED, cache_key=key)
            raise
        finally:
            if nc is not None:
                nc.release()
        status = nc.status if nc is not None else ""
        ex.node_finished(aid, name, NodePhase.SUCCEEDED, out, cache_key=key, cache_status=status)
        return out

    async def _branch(
        self, node: Node, b: BranchNode, values: Values, prefix: str, parent: str, hold: Hold
    ) -> Outputs:
        ex = self.ex
        aid = prefix + node.id
        name = b.name or node.id
        ex.node_started(aid, parent, node.id, "branch", name, None)
        try:
            chosen = None
            for i, case in enumerate(b.cases):
                if case.condition is None or evaluate(case.condition, values):
                    chosen = (i, case)
                    break
        except (LookupError, TypeError) as e:
            err = failure_error(f"branch `{name}` ({aid}): cannot evaluate a condition: {e}")
            ex.node_finished(aid, name, NodePhase.FAILED, error=err)
            raise NodeFailed(aid, err) from e
        if chosen is None:
            msg = b.error or f"branch `{name}` ({aid}): no condition matched and there is no else"
            err = failure_error(msg)
            if b.error:  # else_().fail(msg): a direct call raises it (a ValueError, as flytekit)
                err = ExecutionError(USER, msg, "ValueError", exception=ConditionFailedLocally(msg))
            ex.node_finished(aid, name, NodePhase.FAILED, error=err)
            raise NodeFailed(aid, err)
        _, case = chosen
        try:
            await self.run_nodes(case.nodes, values, prefix, aid, FAIL_IMMEDIATELY, hold)
            want = {v.name: v.type for v in b.outputs}
            out = {o.var: resolve(o.value, values, want.get(o.var)) for o in case.outputs}
        except NodeFailed as f:
            ex.node_finished(aid, name, NodePhase.FAILED, error=f.error)
            raise
        ex.node_finished(aid, name, NodePhase.SUCCEEDED, out)
        return out


def launch_plan_inputs(lp: LaunchPlanTemplate, given: Outputs) -> Outputs:
    """The launch plan's defaults, then the call's inputs, then its fixed inputs."""
    merged: Outputs = {v.name: v.default for v in lp.interface.inputs if v.default is not None}
    merged.update(given)
    merged.update(dict(lp.fixed_inputs))
    return merged


def _error_literal(lt: LiteralType, failure: NodeFailed) -> Literal:
    message = failure.error.message
    if isinstance(lt, StructType):
        return typesystem.Binary(
            "msgpack",
            typesystem.pack_plain({"message": message, "failed_node_id": failure.action_id}),
        )
    if isinstance(lt, typesystem.UnionType):
        for v in lt.variants:
            if not (
                isinstance(v.type, typesystem.SimpleType)
                and v.type.kind is typesystem.SimpleKind.NONE
            ):
                return typesystem.UnionValue(v.name, _error_literal(v.type, failure))
    return typesystem.Scalar(message)
