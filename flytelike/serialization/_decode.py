"""protobuf messages (``flytelike/proto/ir.proto``) -> IR records, the inverse of ``_proto``."""

from __future__ import annotations

from typing import Any

from flytelike import ir as m
from flytelike.errors import IRDecodeError
from flytelike.proto import ir_pb2 as pb
from typesystem import _proto as tsp  # (fills and reads messages in place: off typesystem's face)

_RT_TO = {
    m.ResourceType.TASK: pb.RESOURCE_TYPE_TASK,
    m.ResourceType.WORKFLOW: pb.RESOURCE_TYPE_WORKFLOW,
    m.ResourceType.LAUNCH_PLAN: pb.RESOURCE_TYPE_LAUNCH_PLAN,
}
_RT_FROM = {v: k for k, v in _RT_TO.items()}


# ---------------------------------------------------------------------------------- decode
def _opt(msg: Any, field: str) -> Any:
    return getattr(msg, field) if msg.HasField(field) else None


def _ident(i: pb.Identifier) -> m.Identifier:
    if i.resource_type not in _RT_FROM:
        raise IRDecodeError(f"identifier {i.name!r} has no resource type")
    return m.Identifier(_RT_FROM[i.resource_type], i.project, i.domain, i.name, i.version)


def _opaque(msg: Any, field: str) -> m.Opaque | None:
    if not msg.HasField(field):
        return None
    o = getattr(msg, field)
    return m.Opaque(o.type_name, o.json)


def _source(msg: Any) -> m.SourceLocation | None:
    return m.SourceLocation(msg.source.file, msg.source.line) if msg.HasField("source") else None


def _variable(v: pb.Variable) -> m.Variable:
    default = tsp.literal_from_proto(v.default) if v.HasField("default") else None
    return m.Variable(v.name, tsp.literal_type_from_proto(v.type), v.description, default)


def _interface(i: pb.Interface) -> m.Interface:
    return m.Interface(
        tuple(_variable(v) for v in i.inputs),
        tuple(_variable(v) for v in i.outputs),
        i.output_tuple_name,
    )


def _resources(r: pb.ResourceRequirements) -> m.ResourceRequirements:
    def spec(s: pb.ResourceSpec) -> m.ResourceSpec:
        return m.ResourceSpec(s.cpu, s.memory, s.gpu, s.ephemeral_storage)

    return m.ResourceRequirements(spec(r.requests), spec(r.limits))


def _cache(msg: Any, field: str) -> m.CacheSpec | None:
    if not msg.HasField(field):
        return None
    c = getattr(msg, field)
    return m.CacheSpec(c.enabled, c.version, c.serialize, tuple(c.ignored_inputs), c.salt)


def _image(msg: Any, field: str) -> m.ImageRef | None:
    if not msg.HasField(field):
        return None
    i = getattr(msg, field)
    return m.ImageRef(i.uri, _opaque(i, "spec"))


def _accelerator(msg: Any) -> m.Accelerator | None:
    if not msg.HasField("accelerator"):
        return None
    return m.Accelerator(msg.accelerator.device, msg.accelerator.partition)


def _task(t: pb.TaskTemplate) -> m.TaskTemplate:
    md = t.metadata
    return m.TaskTemplate(
        id=_ident(t.id),
        kind=t.kind,
        interface=_interface(t.interface),
        metadata=m.TaskMetadata(
            retries=_opt(md, "retries"),
            timeout=_opt(md, "timeout"),
            interruptible=_opt(md, "interruptible"),
            cache=_cache(md, "cache"),
            deprecated=md.deprecated,
            description=md.description,
            long_description=md.long_description,
            docs=_opaque(md, "docs"),
            enable_deck=_opt(md, "enable_deck"),
            deck_fields=tuple(md.deck_fields),
            accelerator=_accelerator(md),
            node_dependency_hints=tuple(_ident(h) for h in md.node_dependency_hints),
        ),
        function=m.FunctionRef(t.function.module, t.function.qualname, t.function.pickled)
        if t.HasField("function")
        else None,
        resources=_resources(t.resources),
        environment=tuple((p.key, p.value) for p in t.environment),
        secrets=tuple(
            m.SecretRequest(s.group, s.key, s.group_version, s.mount_requirement, s.env_var)
            for s in t.secrets
        ),
        image=_image(t, "image"),
        pod_template=_opaque(t, "pod_template"),
        pod_template_name=t.pod_template_name,
        task_config=_opaque(t, "task_config"),
        custom=tuple((p.key, p.value) for p in t.custom),
        source=_source(t),
    )


def _promise(p: pb.PromiseRef) -> m.PromiseRef:
    path = tuple(k.name if k.WhichOneof("key") == "name" else k.index for k in p.attr_path)
    return m.PromiseRef(p.node_id, p.var, path)


def _binding_data(d: pb.BindingData) -> m.BindingData:
    kind = d.WhichOneof("value")
    if kind == "promise":
        return _promise(d.promise)
    if kind == "constant":
        return m.Constant(tsp.literal_from_proto(d.constant))
    if kind == "collection":
        return m.CollectionBinding(tuple(_binding_data(i) for i in d.collection.items))
    if kind == "map":
        return m.MapBinding(tuple((e.key, _binding_data(e.value)) for e in d.map.items))
    raise IRDecodeError("a binding has no value")


def _bindings(bs: Any) -> tuple[m.Binding, ...]:
    return tuple(m.Binding(b.var, _binding_data(b.value)) for b in bs)


def _operand(o: pb.Operand) -> m.PromiseRef | m.Constant:
    if o.WhichOneof("value") == "promise":
        return _promise(o.promise)
    return m.Constant(tsp.literal_from_proto(o.constant))


def _expr(e: pb.BoolExpr) -> m.BoolExpr:
    kind = e.WhichOneof("expr")
    if kind == "comparison":
        c = e.comparison
        return m.Comparison(c.op, _operand(c.left), _operand(c.right))
    if kind == "conjunction":
        j = e.conjunction
        return m.Conjunction(j.op, _expr(j.left), _expr(j.right))
    raise IRDecodeError("a branch condition has neither a comparison nor a conjunction")


def _overrides(o: pb.NodeOverrides) -> m.NodeOverrides:
    return m.NodeOverrides(
        retries=_opt(o, "retries"),
        timeout=_opt(o, "timeout"),
        interruptible=_opt(o, "interruptible"),
        cache=_cache(o, "cache"),
        resources=_resources(o.resources) if o.HasField("resources") else None,
        container_image=_image(o, "container_image"),
        accelerator=_accelerator(o),
        task_config=_opaque(o, "task_config"),
    )


def _node(n: pb.Node) -> m.Node:
    kind = n.WhichOneof("target")
    target: m.NodeTarget
    if kind == "task":
        target = m.TaskNode(_ident(n.task.task))
    elif kind == "workflow":
        target = m.WorkflowNode(_ident(n.workflow.workflow))
    elif kind == "launch_plan":
        target = m.LaunchPlanNode(_ident(n.launch_plan.launch_plan))
    elif kind == "branch":
        b = n.branch
        target = m.BranchNode(
            b.name,
            tuple(
                m.Case(
                    _expr(c.condition) if c.HasField("condition") else None,
                    tuple(_node(s) for s in c.nodes),
                    _bindings(c.outputs),
                )
                for c in b.cases
            ),
            tuple(_variable(v) for v in b.outputs),
            b.error,
        )
    elif kind == "array":
        a = n.array
        target = m.ArrayNode(
            _ident(a.target),
            tuple(_variable(v) for v in a.outputs),
            tuple(a.bound_inputs),
            _opt(a, "concurrency"),
            a.min_success_ratio,
            _opt(a, "min_successes"),
        )
    elif kind == "gate":
        g = n.gate
        target = m.GateNode(
            g.kind,
            _opt(g, "duration"),
            g.signal,
            tsp.literal_type_from_proto(g.type) if g.HasField("type") else None,
        )
    else:
        raise IRDecodeError(f"node {n.id!r} has no target")
    return m.Node(
        n.id,
        target,
        _bindings(n.inputs),
        tuple(n.upstream),
        n.name,
        _overrides(n.overrides) if n.HasField("overrides") else None,
        _source(n),
    )


def _workflow(w: pb.WorkflowTemplate) -> m.WorkflowTemplate:
    md = w.metadata
    return m.WorkflowTemplate(
        id=_ident(w.id),
        interface=_interface(w.interface),
        nodes=tuple(_node(n) for n in w.nodes),
        outputs=_bindings(w.outputs),
        metadata=m.WorkflowMetadata(
            failure_policy=md.failure_policy,
            interruptible=_opt(md, "interruptible"),
            on_failure=_ident(md.on_failure) if md.HasField("on_failure") else None,
            description=md.description,
            long_description=md.long_description,
            docs=_opaque(md, "docs"),
        ),
        source=_source(w),
    )


def _launch_plan(lp: pb.LaunchPlanTemplate) -> m.LaunchPlanTemplate:
    s = lp.schedule
    c = lp.concurrency
    return m.LaunchPlanTemplate(
        id=_ident(lp.id),
        workflow=_ident(lp.workflow),
        interface=_interface(lp.interface),
        fixed_inputs=tuple((f.name, tsp.literal_from_proto(f.value)) for f in lp.fixed_inputs),
        schedule=m.Schedule(s.cron, s.rate_seconds, s.kickoff_time_input_arg, s.offset)
        if lp.HasField("schedule")
        else None,
        notifications=tuple(
            m.Notification(n.kind, tuple(n.phases), tuple(n.recipients)) for n in lp.notifications
        ),
        labels=tuple((p.key, p.value) for p in lp.labels),
        annotations=tuple((p.key, p.value) for p in lp.annotations),
        max_parallelism=_opt(lp, "max_parallelism"),
        concurrency=m.ConcurrencySpec(c.max_concurrency, c.behavior)
        if lp.HasField("concurrency")
        else None,
        overwrite_cache=_opt(lp, "overwrite_cache"),
        auto_activate=lp.auto_activate,
        raw_output_data_prefix=lp.raw_output_data_prefix,
        security_context=_opaque(lp, "security_context"),
        auth_role=_opaque(lp, "auth_role"),
        trigger=_opaque(lp, "trigger"),
    )


def closure_from_proto(msg: pb.Closure) -> m.Closure:
    """The records of a parsed message; ``IRDecodeError`` (naming the entity being decoded,
    the type system's ``EncodingError`` as its cause) for values the IR cannot hold."""
    where = "the closure"
    try:
        primary = _ident(msg.primary)
        tasks = []
        for t in msg.tasks:
            where = f"task {t.id.name!r}"
            tasks.append(_task(t))
        workflows = []
        for w in msg.workflows:
            where = f"workflow {w.id.name!r}"
            workflows.append(_workflow(w))
        plans = []
        for lp in msg.launch_plans:
            where = f"launch plan {lp.id.name!r}"
            plans.append(_launch_plan(lp))
    except IRDecodeError as e:
        raise IRDecodeError(f"not a valid flytelike IR closure: {where}: {e}") from e
    except RecursionError as e:
        raise IRDecodeError(f"not a valid flytelike IR closure: {where}: nested too deeply") from e
    except Exception as e:  # the type system's EncodingError, and protobuf's own errors
        raise IRDecodeError(f"not a valid flytelike IR closure: {where}: {e}") from e
    return m.Closure(primary, tuple(tasks), tuple(workflows), tuple(plans))
