"""IR records -> protobuf messages (``flytelike/proto/ir.proto``).

``closure_to_proto`` converts a whole ``Closure``; literals and literal types go through the type
system's own protobuf schema. ``closure_from_proto`` (in ``_decode``) is the exact inverse.
"""

from __future__ import annotations

from typing import Any

from flytelike import ir as m
from flytelike.proto import ir_pb2 as pb
from typesystem import _proto as tsp  # (fills and reads messages in place: off typesystem's face)

_RT_TO = {
    m.ResourceType.TASK: pb.RESOURCE_TYPE_TASK,
    m.ResourceType.WORKFLOW: pb.RESOURCE_TYPE_WORKFLOW,
    m.ResourceType.LAUNCH_PLAN: pb.RESOURCE_TYPE_LAUNCH_PLAN,
}
_RT_FROM = {v: k for k, v in _RT_TO.items()}


# ---------------------------------------------------------------------------------- encode
class _Encoder:
    """Caches messages of values that repeat (identifiers, literal types, locations)."""

    def __init__(self) -> None:
        self.ids: dict[m.Identifier, pb.Identifier] = {}
        self.types: dict[int, tuple[Any, Any]] = {}

    def ident(self, out: pb.Identifier, i: m.Identifier) -> None:
        cached = self.ids.get(i)
        if cached is None:
            cached = pb.Identifier(
                resource_type=_RT_TO[i.resource_type],
                project=i.project,
                domain=i.domain,
                name=i.name,
                version=i.version,
            )
            self.ids[i] = cached
        out.CopyFrom(cached)

    def ltype(self, out: Any, lt: Any) -> None:
        hit = self.types.get(id(lt))
        if hit is None or hit[0] is not lt:
            hit = (lt, tsp.literal_type_to_proto(lt))
            self.types[id(lt)] = hit
        out.CopyFrom(hit[1])

    def opaque(self, out: pb.Opaque, o: m.Opaque) -> None:
        out.type_name = o.type_name
        out.json = o.json

    def source(self, out: pb.SourceLocation, s: m.SourceLocation) -> None:
        out.file = s.file
        out.line = s.line

    def variable(self, out: pb.Variable, v: m.Variable) -> None:
        out.name = v.name
        self.ltype(out.type, v.type)
        out.description = v.description
        if v.default is not None:
            out.default.CopyFrom(tsp.literal_to_proto(v.default))

    def interface(self, out: pb.Interface, i: m.Interface) -> None:
        for v in i.inputs:
            self.variable(out.inputs.add(), v)
        for v in i.outputs:
            self.variable(out.outputs.add(), v)
        out.output_tuple_name = i.output_tuple_name

    def resources(self, out: pb.ResourceRequirements, r: m.ResourceRequirements) -> None:
        for dst, src in ((out.requests, r.requests), (out.limits, r.limits)):
            dst.cpu, dst.memory, dst.gpu = src.cpu, src.memory, src.gpu
            dst.ephemeral_storage = src.ephemeral_storage

    def cache(self, out: pb.CacheSpec, c: m.CacheSpec) -> None:
        out.enabled, out.version, out.serialize, out.salt = (
            c.enabled,
            c.version,
            c.serialize,
            c.salt,
        )
        out.ignored_inputs.extend(c.ignored_inputs)

    def image(self, out: pb.ImageRef, i: m.ImageRef) -> None:
        out.uri = i.uri
        if i.spec is not None:
            self.opaque(out.spec, i.spec)

    def task(self, out: pb.TaskTemplate, t: m.TaskTemplate) -> None:
        self.ident(out.id, t.id)
        out.kind = t.kind
        self.interface(out.interface, t.interface)
        md, o = t.metadata, out.metadata
        if md.retries is not None:
            o.retries = md.retries
        if md.timeout is not None:
            o.timeout = md.timeout
        if md.interruptible is not None:
            o.interruptible = md.interruptible
        if md.cache is not None:
            self.cache(o.cache, md.cache)
        o.deprecated, o.description, o.long_description = (
            md.deprecated,
            md.description,
            md.long_description,
        )
        if md.docs is not None:
            self.opaque(o.docs, md.docs)
        if md.enable_deck is not None:
            o.enable_deck = md.enable_deck
        o.deck_fields.extend(md.deck_fields)
        if md.accelerator is not None:
            o.accelerator.device, o.accelerator.partition = (
                md.accelerator.device,
                md.accelerator.partition,
            )
        for h in md.node_dependency_hints:
            self.ident(o.node_dependency_hints.add(), h)
        if t.function is not None:
            f = out.function
            f.module, f.qualname, f.pickled = (
                t.function.module,
                t.function.qualname,
                t.function.pickled,
            )
        self.resources(out.resources, t.resources)
        for k, v in t.environment:
            out.environment.add(key=k, value=v)
        for s in t.secrets:
            out.secrets.add(
                group=s.group,
                key=s.key,
                group_version=s.group_version,
                mount_requirement=s.mount_requirement,
                env_var=s.env_var,
            )
        if t.image is not None:
            self.image(out.image, t.image)
        if t.pod_template is not None:
            self.opaque(out.pod_template, t.pod_template)
        out.pod_template_name = t.pod_template_name
        if t.task_config is not None:
            self.opaque(out.task_config, t.task_config)
        for k, v in t.custom:
            out.custom.add(key=k, value=v)
        if t.source is not None:
            self.source(out.source, t.source)

    def promise(self, out: pb.PromiseRef, p: m.PromiseRef) -> None:
        out.node_id = p.node_id
        out.var = p.var
        for key in p.attr_path:
            if isinstance(key, str):
                out.attr_path.add(name=key)
            else:
                out.attr_path.add(index=key)

    def binding_data(self, out: pb.BindingData, d: m.BindingData) -> None:
        if isinstance(d, m.PromiseRef):
            self.promise(out.promise, d)
        elif isinstance(d, m.Constant):
            out.constant.CopyFrom(tsp.literal_to_proto(d.value))
        elif isinstance(d, m.CollectionBinding):
            out.collection.SetInParent()
            for item in d.items:
                self.binding_data(out.collection.items.add(), item)
        else:
            out.map.SetInParent()
            for k, v in d.items:
                entry = out.map.items.add(key=k)
                self.binding_data(entry.value, v)

    def bindings(self, out: Any, bs: tuple[m.Binding, ...]) -> None:
        for b in bs:
            msg = out.add(var=b.var)
            self.binding_data(msg.value, b.value)

    def operand(self, out: pb.Operand, o: m.PromiseRef | m.Constant) -> None:
        if isinstance(o, m.PromiseRef):
            self.promise(out.promise, o)
        else:
            out.constant.CopyFrom(tsp.literal_to_proto(o.value))

    def expr(self, out: pb.BoolExpr, e: m.BoolExpr) -> None:
        if isinstance(e, m.Comparison):
            out.comparison.op = e.op
            self.operand(out.comparison.left, e.left)
            self.operand(out.comparison.right, e.right)
        else:
            out.conjunction.op = e.op
            self.expr(out.conjunction.left, e.left)
            self.expr(out.conjunction.right, e.right)

    def overrides(self, out: pb.NodeOverrides, o: m.NodeOverrides) -> None:
        if o.retries is not None:
            out.retries = o.retries
        if o.timeout is not None:
            out.timeout = o.timeout
        if o.interruptible is not None:
            out.interruptible = o.interruptible
        if o.cache is not None:
            self.cache(out.cache, o.cache)
        if o.resources is not None:
            self.resources(out.resources, o.resources)
        if o.container_image is not None:
            self.image(out.container_image, o.container_image)
        if o.accelerator is not None:
            out.accelerator.device = o.accelerator.device
            out.accelerator.partition = o.accelerator.partition
        if o.task_config is not None:
            self.opaque(out.task_config, o.task_config)
        out.SetInParent()

    def node(self, out: pb.Node, n: m.Node) -> None:
        out.id = n.id
        t = n.target
        tt = type(t)
        if tt is m.TaskNode:
            self.ident(out.task.task, t.task)  # type: ignore[union-attr]
        elif tt is m.WorkflowNode:
            self.ident(out.workflow.workflow, t.workflow)  # type: ignore[union-attr]
        elif tt is m.LaunchPlanNode:
            self.ident(out.launch_plan.launch_plan, t.launch_plan)  # type: ignore[union-attr]
        elif tt is m.BranchNode:
            b = out.branch
            b.name, b.error = t.name, t.error  # type: ignore[union-attr]
            for c in t.cases:  # type: ignore[union-attr]
                cm = b.cases.add()
                if c.condition is not None:
                    self.expr(cm.condition, c.condition)
                for sub in c.nodes:
                    self.node(cm.nodes.add(), sub)
                self.bindings(cm.outputs, c.outputs)
            for v in t.outputs:  # type: ignore[union-attr]
                self.variable(b.outputs.add(), v)
        elif tt is m.ArrayNode:
            a = out.array
            self.ident(a.target, t.target)  # type: ignore[union-attr]
            for v in t.outputs:  # type: ignore[union-attr]
                self.variable(a.outputs.add(), v)
            a.bound_inputs.extend(t.bound_inputs)  # type: ignore[union-attr]
            if t.concurrency is not None:  # type: ignore[union-attr]
                a.concurrency = t.concurrency  # type: ignore[union-attr]
            a.min_success_ratio = t.min_success_ratio  # type: ignore[union-attr]
            if t.min_successes is not None:  # type: ignore[union-attr]
                a.min_successes = t.min_successes  # type: ignore[union-attr]
        else:
            g = out.gate
            g.kind, g.signal = t.kind, t.signal  # type: ignore[union-attr]
            if t.duration is not None:  # type: ignore[union-attr]
                g.duration = t.duration  # type: ignore[union-attr]
            if t.type is not None:  # type: ignore[union-attr]
                self.ltype(g.type, t.type)  # type: ignore[union-attr]
        self.bindings(out.inputs, n.inputs)
        out.upstream.extend(n.upstream)
        out.name = n.name
        if n.overrides is not None:
            self.overrides(out.overrides, n.overrides)
        if n.source is not None:
            self.source(out.source, n.source)

    def workflow(self, out: pb.WorkflowTemplate, w: m.WorkflowTemplate) -> None:
        self.ident(out.id, w.id)
        self.interface(out.interface, w.interface)
        for n in w.nodes:
            self.node(out.nodes.add(), n)
        self.bindings(out.outputs, w.outputs)
        self.workflow_metadata(out.metadata, w.metadata)
        if w.source is not None:
            self.source(out.source, w.source)

    def workflow_metadata(self, o: pb.WorkflowMetadata, md: m.WorkflowMetadata) -> None:
        o.failure_policy = md.failure_policy
        if md.interruptible is not None:
            o.interruptible = md.interruptible
        if md.on_failure is not None:
            self.ident(o.on_failure, md.on_failure)
        o.description, o.long_description = md.description, md.long_description
        if md.docs is not None:
            self.opaque(o.docs, md.docs)
        o.SetInParent()

    def launch_plan(self, out: pb.LaunchPlanTemplate, lp: m.LaunchPlanTemplate) -> None:
        self.ident(out.id, lp.id)
        self.ident(out.workflow, lp.workflow)
        self.interface(out.interface, lp.interface)
        for name, lit in lp.fixed_inputs:
            out.fixed_inputs.add(name=name).value.CopyFrom(tsp.literal_to_proto(lit))
        if lp.schedule is not None:
            s = lp.schedule
            out.schedule.cron, out.schedule.rate_seconds = s.cron, s.rate_seconds
            out.schedule.kickoff_time_input_arg, out.schedule.offset = (
                s.kickoff_time_input_arg,
                s.offset,
            )
        for n in lp.notifications:
            out.notifications.add(kind=n.kind, phases=n.phases, recipients=n.recipients)
        for k, v in lp.labels:
            out.labels.add(key=k, value=v)
        for k, v in lp.annotations:
            out.annotations.add(key=k, value=v)
        if lp.max_parallelism is not None:
            out.max_parallelism = lp.max_parallelism
        if lp.concurrency is not None:
            out.concurrency.max_concurrency = lp.concurrency.max_concurrency
            out.concurrency.behavior = lp.concurrency.behavior
        if lp.overwrite_cache is not None:
            out.overwrite_cache = lp.overwrite_cache
        out.auto_activate = lp.auto_activate
        out.raw_output_data_prefix = lp.raw_output_data_prefix
        for field in ("security_context", "auth_role", "trigger"):
            value = getattr(lp, field)
            if value is not None:
                self.opaque(getattr(out, field), value)


def closure_to_proto(c: m.Closure) -> pb.Closure:
    enc = _Encoder()
    out = pb.Closure()
    enc.ident(out.primary, c.primary)
    for t in c.tasks:
        enc.task(out.tasks.add(), t)
    for w in c.workflows:
        enc.workflow(out.workflows.add(), w)
    for lp in c.launch_plans:
        enc.launch_plan(out.launch_plans.add(), lp)
    return out


def closure_from_proto(msg: pb.Closure) -> m.Closure:
    from flytelike.serialization._decode import closure_from_proto as decode

    return decode(msg)
