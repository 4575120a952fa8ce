"""The workflow IR: frozen, slotted dataclasses without behaviour.

What lives here: identifiers, interfaces, task templates, workflow templates with their nodes and
bindings, launch plan templates, and the ``Closure`` that bundles an entity with everything it
references. What does not: building the IR (``flytelike.compiler``), hashing (``_version``),
encodings (``_json``, ``_proto``).

Conventions
-----------
- Mappings are tuples of ``(key, value)`` pairs in a fixed order, so every object is hashable and
  its encodings are deterministic.
- Durations are float seconds; unset tri-state values are ``None``.
- Objects the IR carries without understanding them (``task_config``, ``pod_template``, ``docs``)
  are ``Opaque``: a type name and canonical JSON text.
- Node ids are ``n0, n1, ...`` in creation order; nodes inside a branch case have ids
  ``<branch id>.c<case>.n<i>`` (``.else.`` for the else case); ``start-node`` names the
  workflow's inputs in a ``PromiseRef``.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from flytelike.ir._record import record

if TYPE_CHECKING:
    from typesystem import Literal, LiteralType

START_NODE = "start-node"


class ResourceType(enum.Enum):
    TASK = "task"
    WORKFLOW = "workflow"
    LAUNCH_PLAN = "launch_plan"


@record
class Identifier:
    resource_type: ResourceType
    project: str
    domain: str
    name: str
    version: str

    def __hash__(self) -> int:
        # Identifiers key many lookups; the generated hash would also hash the enum, which
        # runs Python code. Equal identifiers still hash equal.
        return hash((self.name, self.version, self.project, self.domain))


@record
class SourceLocation:
    file: str
    line: int


@record
class Opaque:
    """An object carried, not interpreted: its ``module.qualname`` and canonical JSON."""

    type_name: str
    json: str


@record
class Variable:
    """One input or output. ``default`` is set for inputs with a default value."""

    name: str
    type: LiteralType
    description: str = ""
    default: Literal | None = None


@record
class Interface:
    """Ordered inputs and outputs; ``output_tuple_name`` is set when outputs are a NamedTuple."""

    inputs: tuple[Variable, ...]
    outputs: tuple[Variable, ...]
    output_tuple_name: str = ""


# ------------------------------------------------------------------------------ task metadata
@record
class ResourceSpec:
    """Normalised quantities (``"500m"``, ``"2Gi"``); empty means unset."""

    cpu: str = ""
    memory: str = ""
    gpu: str = ""
    ephemeral_storage: str = ""


@record
class ResourceRequirements:
    requests: ResourceSpec = ResourceSpec()
    limits: ResourceSpec = ResourceSpec()


@record
class CacheSpec:
    enabled: bool
    version: str = ""
    serialize: bool = False
    ignored_inputs: tuple[str, ...] = ()
    salt: str = ""


@record
class SecretRequest:
    group: str = ""
    key: str = ""
    group_version: str = ""
    mount_requirement: str = "any"
    env_var: str = ""


@record
class ImageRef:
    """A container image: its name, and for an ``ImageSpec`` its fields (JSON) and tag."""

    uri: str
    spec: Opaque | None = None


@record
class Accelerator:
    device: str
    partition: str = ""


@record
class TaskMetadata:
    retries: int | None = None
    timeout: float | None = None
    interruptible: bool | None = None
    cache: CacheSpec | None = None
    deprecated: str = ""
    description: str = ""
    long_description: str = ""
    docs: Opaque | None = None
    enable_deck: bool | None = None
    deck_fields: tuple[str, ...] = ()
    accelerator: Accelerator | None = None
    node_dependency_hints: tuple[Identifier, ...] = ()


@record
class FunctionRef:
    """How to find the function: ``module:qualname`` or, when not importable, cloudpickle bytes."""

    module: str
    qualname: str
    pickled: bytes = b""


@record
class TaskTemplate:
    """``kind``: python, dynamic, eager, container, shell or reference."""

    id: Identifier
    kind: str
    interface: Interface
    metadata: TaskMetadata = TaskMetadata()
    function: FunctionRef | None = None
    resources: ResourceRequirements = ResourceRequirements()
    environment: tuple[tuple[str, str], ...] = ()
    secrets: tuple[SecretRequest, ...] = ()
    image: ImageRef | None = None
    pod_template: Opaque | None = None
    pod_template_name: str = ""
    task_config: Opaque | None = None
    custom: tuple[tuple[str, str], ...] = ()
    source: SourceLocation | None = None


# ------------------------------------------------------------------------------ bindings
@record
class PromiseRef:
    """An output of an upstream node (or a workflow input, node ``start-node``)."""

    node_id: str
    var: str
    attr_path: tuple[str | int, ...] = ()


@record
class Constant:
    value: Literal


@record
class CollectionBinding:
    items: tuple[BindingData, ...]


@record
class MapBinding:
    items: tuple[tuple[str, BindingData], ...]


BindingData = PromiseRef | Constant | CollectionBinding | MapBinding


@record
class Binding:
    var: str
    value: BindingData


# ------------------------------------------------------------------------------ conditions
@record
class Comparison:
    """``op`` is one of eq, ne, gt, ge, lt, le."""

    op: str
    left: PromiseRef | Constant
    right: PromiseRef | Constant


@record
class Conjunction:
    """``op`` is ``and`` or ``or``."""

    op: str
    left: BoolExpr
    right: BoolExpr


BoolExpr = Comparison | Conjunction


# ------------------------------------------------------------------------------ nodes
@record
class NodeOverrides:
    retries: int | None = None
    timeout: float | None = None
    interruptible: bool | None = None
    cache: CacheSpec | None = None
    resources: ResourceRequirements | None = None
    container_image: ImageRef | None = None
    accelerator: Accelerator | None = None
    task_config: Opaque | None = None


@record
class TaskNode:
    task: Identifier


@record
class WorkflowNode:
    """An embedded subworkflow: runs in the parent's execution."""

    workflow: Identifier


@record
class LaunchPlanNode:
    """A launch plan call: an independent execution with its own inputs merged."""

    launch_plan: Identifier


@record
class Case:
    """One case of a branch; ``condition`` is ``None`` for the else case."""

    condition: BoolExpr | None
    nodes: tuple[Node, ...]
    outputs: tuple[Binding, ...]


@record
class BranchNode:
    """``cases`` in order; ``error`` is the message of ``else_().fail(...)``."""

    name: str
    cases: tuple[Case, ...]
    outputs: tuple[Variable, ...]
    error: str = ""


@record
class ArrayNode:
    """A map over list inputs; ``target`` is a task or launch plan; inputs not in
    ``bound_inputs`` are lists mapped element-wise."""

    target: Identifier
    outputs: tuple[Variable, ...]
    bound_inputs: tuple[str, ...] = ()
    concurrency: int | None = None
    min_success_ratio: float = 1.0
    min_successes: int | None = None


@record
class GateNode:
    """``kind``: sleep, approve or signal."""

    kind: str
    duration: float | None = None
    signal: str = ""
    type: LiteralType | None = None


NodeTarget = TaskNode | WorkflowNode | LaunchPlanNode | BranchNode | ArrayNode | GateNode


@record
class Node:
    id: str
    target: NodeTarget
    inputs: tuple[Binding, ...] = ()
    upstream: tuple[str, ...] = ()
    name: str = ""
    overrides: NodeOverrides | None = None
    source: SourceLocation | None = None


# ------------------------------------------------------------------------------ workflows
@record
class WorkflowMetadata:
    failure_policy: str = "FAIL_IMMEDIATELY"
    interruptible: bool | None = None
    on_failure: Identifier | None = None
    description: str = ""
    long_description: str = ""
    docs: Opaque | None = None


@record
class WorkflowTemplate:
    id: Identifier
    interface: Interface
    nodes: tuple[Node, ...]
    outputs: tuple[Binding, ...]
    metadata: WorkflowMetadata = WorkflowMetadata()
    source: SourceLocation | None = None


# ------------------------------------------------------------------------------ launch plans
@record
class Schedule:
    """A cron expression or a fixed rate in seconds."""

    cron: str = ""
    rate_seconds: int = 0
    kickoff_time_input_arg: str = ""
    offset: str = ""


@record
class Notification:
    """``kind``: email, slack or pagerduty; ``phases`` are workflow phase names."""

    kind: str
    phases: tuple[str, ...]
    recipients: tuple[str, ...]


@record
class ConcurrencySpec:
    max_concurrency: int
    behavior: str = "SKIP"


@record
class LaunchPlanTemplate:
    """``interface`` is the workflow's minus fixed inputs, with the launch plan's defaults."""

    id: Identifier
    workflow: Identifier
    interface: Interface
    fixed_inputs: tuple[tuple[str, Literal], ...] = ()
    schedule: Schedule | None = None
    notifications: tuple[Notification, ...] = ()
    labels: tuple[tuple[str, str], ...] = ()
    annotations: tuple[tuple[str, str], ...] = ()
    max_parallelism: int | None = None
    concurrency: ConcurrencySpec | None = None
    overwrite_cache: bool | None = None
    auto_activate: bool = False
    raw_output_data_prefix: str = ""
    security_context: Opaque | None = None
    auth_role: Opaque | None = None
    trigger: Opaque | None = None


@record
class Closure:
    """An entity with everything it references, each listed once, dependencies first."""

    primary: Identifier
    tasks: tuple[TaskTemplate, ...] = ()
    workflows: tuple[WorkflowTemplate, ...] = ()
    launch_plans: tuple[LaunchPlanTemplate, ...] = ()
