from typesystem.proto import literals_pb2 as _literals_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ResourceType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RESOURCE_TYPE_UNSPECIFIED: _ClassVar[ResourceType]
    RESOURCE_TYPE_TASK: _ClassVar[ResourceType]
    RESOURCE_TYPE_WORKFLOW: _ClassVar[ResourceType]
    RESOURCE_TYPE_LAUNCH_PLAN: _ClassVar[ResourceType]
RESOURCE_TYPE_UNSPECIFIED: ResourceType
RESOURCE_TYPE_TASK: ResourceType
RESOURCE_TYPE_WORKFLOW: ResourceType
RESOURCE_TYPE_LAUNCH_PLAN: ResourceType

class Identifier(_message.Message):
    __slots__ = ("resource_type", "project", "domain", "name", "version")
    RESOURCE_TYPE_FIELD_NUMBER: _ClassVar[int]
    PROJECT_FIELD_NUMBER: _ClassVar[int]
    DOMAIN_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    resource_type: ResourceType
    project: str
    domain: str
    name: str
    version: str
    def __init__(self, resource_type: _Optional[_Union[ResourceType, str]] = ..., project: _Optional[str] = ..., domain: _Optional[str] = ..., name: _Optional[str] = ..., version: _Optional[str] = ...) -> None: ...

class SourceLocation(_message.Message):
    __slots__ = ("file", "line")
    FILE_FIELD_NUMBER: _ClassVar[int]
    LINE_FIELD_NUMBER: _ClassVar[int]
    file: str
    line: int
    def __init__(self, file: _Optional[str] = ..., line: _Optional[int] = ...) -> None: ...

class Opaque(_message.Message):
    __slots__ = ("type_name", "json")
    TYPE_NAME_FIELD_NUMBER: _ClassVar[int]
    JSON_FIELD_NUMBER: _ClassVar[int]
    type_name: str
    json: str
    def __init__(self, type_name: _Optional[str] = ..., json: _Optional[str] = ...) -> None: ...

class StringPair(_message.Message):
    __slots__ = ("key", "value")
    KEY_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    key: str
    value: str
    def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...

class Variable(_message.Message):
    __slots__ = ("name", "type", "description", "default")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_FIELD_NUMBER: _ClassVar[int]
    name: str
    type: _literals_pb2.LiteralType
    description: str
    default: _literals_pb2.Literal
    def __init__(self, name: _Optional[str] = ..., type: _Optional[_Union[_literals_pb2.LiteralType, _Mapping]] = ..., description: _Optional[str] = ..., default: _Optional[_Union[_literals_pb2.Literal, _Mapping]] = ...) -> None: ...

class Interface(_message.Message):
    __slots__ = ("inputs", "outputs", "output_tuple_name")
    INPUTS_FIELD_NUMBER: _ClassVar[int]
    OUTPUTS_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_TUPLE_NAME_FIELD_NUMBER: _ClassVar[int]
    inputs: _containers.RepeatedCompositeFieldContainer[Variable]
    outputs: _containers.RepeatedCompositeFieldContainer[Variable]
    output_tuple_name: str
    def __init__(self, inputs: _Optional[_Iterable[_Union[Variable, _Mapping]]] = ..., outputs: _Optional[_Iterable[_Union[Variable, _Mapping]]] = ..., output_tuple_name: _Optional[str] = ...) -> None: ...

class ResourceSpec(_message.Message):
    __slots__ = ("cpu", "memory", "gpu", "ephemeral_storage")
    CPU_FIELD_NUMBER: _ClassVar[int]
    MEMORY_FIELD_NUMBER: _ClassVar[int]
    GPU_FIELD_NUMBER: _ClassVar[int]
    EPHEMERAL_STORAGE_FIELD_NUMBER: _ClassVar[int]
    cpu: str
    memory: str
    gpu: str
    ephemeral_storage: str
    def __init__(self, cpu: _Optional[str] = ..., memory: _Optional[str] = ..., gpu: _Optional[str] = ..., ephemeral_storage: _Optional[str] = ...) -> None: ...

class ResourceRequirements(_message.Message):
    __slots__ = ("requests", "limits")
    REQUESTS_FIELD_NUMBER: _ClassVar[int]
    LIMITS_FIELD_NUMBER: _ClassVar[int]
    requests: ResourceSpec
    limits: ResourceSpec
    def __init__(self, requests: _Optional[_Union[ResourceSpec, _Mapping]] = ..., limits: _Optional[_Union[ResourceSpec, _Mapping]] = ...) -> None: ...

class CacheSpec(_message.Message):
    __slots__ = ("enabled", "version", "serialize", "ignored_inputs", "salt")
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    SERIALIZE_FIELD_NUMBER: _ClassVar[int]
    IGNORED_INPUTS_FIELD_NUMBER: _ClassVar[int]
    SALT_FIELD_NUMBER: _ClassVar[int]
    enabled: bool
    version: str
    serialize: bool
    ignored_inputs: _containers.RepeatedScalarFieldContainer[str]
    salt: str
    def __init__(self, enabled: _Optional[bool] = ..., version: _Optional[str] = ..., serialize: _Optional[bool] = ..., ignored_inputs: _Optional[_Iterable[str]] = ..., salt: _Optional[str] = ...) -> None: ...

class SecretRequest(_message.Message):
    __slots__ = ("group", "key", "group_version", "mount_requirement", "env_var")
    GROUP_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    GROUP_VERSION_FIELD_NUMBER: _ClassVar[int]
    MOUNT_REQUIREMENT_FIELD_NUMBER: _ClassVar[int]
    ENV_VAR_FIELD_NUMBER: _ClassVar[int]
    group: str
    key: str
    group_version: str
    mount_requirement: str
    env_var: str
    def __init__(self, group: _Optional[str] = ..., key: _Optional[str] = ..., group_version: _Optional[str] = ..., mount_requirement: _Optional[str] = ..., env_var: _Optional[str] = ...) -> None: ...

class ImageRef(_message.Message):
    __slots__ = ("uri", "spec")
    URI_FIELD_NUMBER: _ClassVar[int]
    SPEC_FIELD_NUMBER: _ClassVar[int]
    uri: str
    spec: Opaque
    def __init__(self, uri: _Optional[str] = ..., spec: _Optional[_Union[Opaque, _Mapping]] = ...) -> None: ...

class Accelerator(_message.Message):
    __slots__ = ("device", "partition")
    DEVICE_FIELD_NUMBER: _ClassVar[int]
    PARTITION_FIELD_NUMBER: _ClassVar[int]
    device: str
    partition: str
    def __init__(self, device: _Optional[str] = ..., partition: _Optional[str] = ...) -> None: ...

class TaskMetadata(_message.Message):
    __slots__ = ("retries", "timeout", "interruptible", "cache", "deprecated", "description", "long_description", "docs", "enable_deck", "deck_fields", "accelerator", "node_dependency_hints")
    RETRIES_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_FIELD_NUMBER: _ClassVar[int]
    INTERRUPTIBLE_FIELD_NUMBER: _ClassVar[int]
    CACHE_FIELD_NUMBER: _ClassVar[int]
    DEPRECATED_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    LONG_DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    DOCS_FIELD_NUMBER: _ClassVar[int]
    ENABLE_DECK_FIELD_NUMBER: _ClassVar[int]
    DECK_FIELDS_FIELD_NUMBER: _ClassVar[int]
    ACCELERATOR_FIELD_NUMBER: _ClassVar[int]
    NODE_DEPENDENCY_HINTS_FIELD_NUMBER: _ClassVar[int]
    retries: int
    timeout: float
    interruptible: bool
    cache: CacheSpec
    deprecated: str
    description: str
    long_description: str
    docs: Opaque
    enable_deck: bool
    deck_fields: _containers.RepeatedScalarFieldContainer[str]
    accelerator: Accelerator
    node_dependency_hints: _containers.RepeatedCompositeFieldContainer[Identifier]
    def __init__(self, retries: _Optional[int] = ..., timeout: _Optional[float] = ..., interruptible: _Optional[bool] = ..., cache: _Optional[_Union[CacheSpec, _Mapping]] = ..., deprecated: _Optional[str] = ..., description: _Optional[str] = ..., long_description: _Optional[str] = ..., docs: _Optional[_Union[Opaque, _Mapping]] = ..., enable_deck: _Optional[bool] = ..., deck_fields: _Optional[_Iterable[str]] = ..., accelerator: _Optional[_Union[Accelerator, _Mapping]] = ..., node_dependency_hints: _Optional[_Iterable[_Union[Identifier, _Mapping]]] = ...) -> None: ...

class FunctionRef(_message.Message):
    __slots__ = ("module", "qualname", "pickled")
    MODULE_FIELD_NUMBER: _ClassVar[int]
    QUALNAME_FIELD_NUMBER: _ClassVar[int]
    PICKLED_FIELD_NUMBER: _ClassVar[int]
    module: str
    qualname: str
    pickled: bytes
    def __init__(self, module: _Optional[str] = ..., qualname: _Optional[str] = ..., pickled: _Optional[bytes] = ...) -> None: ...

class TaskTemplate(_message.Message):
    __slots__ = ("id", "kind", "interface", "metadata", "function", "resources", "environment", "secrets", "image", "pod_template", "pod_template_name", "task_config", "custom", "source")
    ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    INTERFACE_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    FUNCTION_FIELD_NUMBER: _ClassVar[int]
    RESOURCES_FIELD_NUMBER: _ClassVar[int]
    ENVIRONMENT_FIELD_NUMBER: _ClassVar[int]
    SECRETS_FIELD_NUMBER: _ClassVar[int]
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    POD_TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    POD_TEMPLATE_NAME_FIELD_NUMBER: _ClassVar[int]
    TASK_CONFIG_FIELD_NUMBER: _ClassVar[int]
    CUSTOM_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    id: Identifier
    kind: str
    interface: Interface
    metadata: TaskMetadata
    function: FunctionRef
    resources: ResourceRequirements
    environment: _containers.RepeatedCompositeFieldContainer[StringPair]
    secrets: _containers.RepeatedCompositeFieldContainer[SecretRequest]
    image: ImageRef
    pod_template: Opaque
    pod_template_name: str
    task_config: Opaque
    custom: _containers.RepeatedCompositeFieldContainer[StringPair]
    source: SourceLocation
    def __init__(self, id: _Optional[_Union[Identifier, _Mapping]] = ..., kind: _Optional[str] = ..., interface: _Optional[_Union[Interface, _Mapping]] = ..., metadata: _Optional[_Union[TaskMetadata, _Mapping]] = ..., function: _Optional[_Union[FunctionRef, _Mapping]] = ..., resources: _Optional[_Union[ResourceRequirements, _Mapping]] = ..., environment: _Optional[_Iterable[_Union[StringPair, _Mapping]]] = ..., secrets: _Optional[_Iterable[_Union[SecretRequest, _Mapping]]] = ..., image: _Optional[_Union[ImageRef, _Mapping]] = ..., pod_template: _Optional[_Union[Opaque, _Mapping]] = ..., pod_template_name: _Optional[str] = ..., task_config: _Optional[_Union[Opaque, _Mapping]] = ..., custom: _Optional[_Iterable[_Union[StringPair, _Mapping]]] = ..., source: _Optional[_Union[SourceLocation, _Mapping]] = ...) -> None: ...

class AttrKey(_message.Message):
    __slots__ = ("name", "index")
    NAME_FIELD_NUMBER: _ClassVar[int]
    INDEX_FIELD_NUMBER: _ClassVar[int]
    name: str
    index: int
    def __init__(self, name: _Optional[str] = ..., index: _Optional[int] = ...) -> None: ...

class PromiseRef(_message.Message):
    __slots__ = ("node_id", "var", "attr_path")
    NODE_ID_FIELD_NUMBER: _ClassVar[int]
    VAR_FIELD_NUMBER: _ClassVar[int]
    ATTR_PATH_FIELD_NUMBER: _ClassVar[int]
    node_id: str
    var: str
    attr_path: _containers.RepeatedCompositeFieldContainer[AttrKey]
    def __init__(self, node_id: _Optional[str] = ..., var: _Optional[str] = ..., attr_path: _Optional[_Iterable[_Union[AttrKey, _Mapping]]] = ...) -> None: ...

class BindingCollection(_message.Message):
    __slots__ = ("items",)
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[BindingData]
    def __init__(self, items: _Optional[_Iterable[_Union[BindingData, _Mapping]]] = ...) -> None: ...

class BindingMapEntry(_message.Message):
    __slots__ = ("key", "value")
    KEY_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    key: str
    value: BindingData
    def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[BindingData, _Mapping]] = ...) -> None: ...

class BindingMap(_message.Message):
    __slots__ = ("items",)
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[BindingMapEntry]
    def __init__(self, items: _Optional[_Iterable[_Union[BindingMapEntry, _Mapping]]] = ...) -> None: ...

class BindingData(_message.Message):
    __slots__ = ("promise", "constant", "collection", "map")
    PROMISE_FIELD_NUMBER: _ClassVar[int]
    CONSTANT_FIELD_NUMBER: _ClassVar[int]
    COLLECTION_FIELD_NUMBER: _ClassVar[int]
    MAP_FIELD_NUMBER: _ClassVar[int]
    promise: PromiseRef
    constant: _literals_pb2.Literal
    collection: BindingCollection
    map: BindingMap
    def __init__(self, promise: _Optional[_Union[PromiseRef, _Mapping]] = ..., constant: _Optional[_Union[_literals_pb2.Literal, _Mapping]] = ..., collection: _Optional[_Union[BindingCollection, _Mapping]] = ..., map: _Optional[_Union[BindingMap, _Mapping]] = ...) -> None: ...

class Binding(_message.Message):
    __slots__ = ("var", "value")
    VAR_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    var: str
    value: BindingData
    def __init__(self, var: _Optional[str] = ..., value: _Optional[_Union[BindingData, _Mapping]] = ...) -> None: ...

class Operand(_message.Message):
    __slots__ = ("promise", "constant")
    PROMISE_FIELD_NUMBER: _ClassVar[int]
    CONSTANT_FIELD_NUMBER: _ClassVar[int]
    promise: PromiseRef
    constant: _literals_pb2.Literal
    def __init__(self, promise: _Optional[_Union[PromiseRef, _Mapping]] = ..., constant: _Optional[_Union[_literals_pb2.Literal, _Mapping]] = ...) -> None: ...

class Comparison(_message.Message):
    __slots__ = ("op", "left", "right")
    OP_FIELD_NUMBER: _ClassVar[int]
    LEFT_FIELD_NUMBER: _ClassVar[int]
    RIGHT_FIELD_NUMBER: _ClassVar[int]
    op: str
    left: Operand
    right: Operand
    def __init__(self, op: _Optional[str] = ..., left: _Optional[_Union[Operand, _Mapping]] = ..., right: _Optional[_Union[Operand, _Mapping]] = ...) -> None: ...

class Conjunction(_message.Message):
    __slots__ = ("op", "left", "right")
    OP_FIELD_NUMBER: _ClassVar[int]
    LEFT_FIELD_NUMBER: _ClassVar[int]
    RIGHT_FIELD_NUMBER: _ClassVar[int]
    op: str
    left: BoolExpr
    right: BoolExpr
    def __init__(self, op: _Optional[str] = ..., left: _Optional[_Union[BoolExpr, _Mapping]] = ..., right: _Optional[_Union[BoolExpr, _Mapping]] = ...) -> None: ...

class BoolExpr(_message.Message):
    __slots__ = ("comparison", "conjunction")
    COMPARISON_FIELD_NUMBER: _ClassVar[int]
    CONJUNCTION_FIELD_NUMBER: _ClassVar[int]
    comparison: Comparison
    conjunction: Conjunction
    def __init__(self, comparison: _Optional[_Union[Comparison, _Mapping]] = ..., conjunction: _Optional[_Union[Conjunction, _Mapping]] = ...) -> None: ...

class NodeOverrides(_message.Message):
    __slots__ = ("retries", "timeout", "interruptible", "cache", "resources", "container_image", "accelerator", "task_config")
    RETRIES_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_FIELD_NUMBER: _ClassVar[int]
    INTERRUPTIBLE_FIELD_NUMBER: _ClassVar[int]
    CACHE_FIELD_NUMBER: _ClassVar[int]
    RESOURCES_FIELD_NUMBER: _ClassVar[int]
    CONTAINER_IMAGE_FIELD_NUMBER: _ClassVar[int]
    ACCELERATOR_FIELD_NUMBER: _ClassVar[int]
    TASK_CONFIG_FIELD_NUMBER: _ClassVar[int]
    retries: int
    timeout: float
    interruptible: bool
    cache: CacheSpec
    resources: ResourceRequirements
    container_image: ImageRef
    accelerator: Accelerator
    task_config: Opaque
    def __init__(self, retries: _Optional[int] = ..., timeout: _Optional[float] = ..., interruptible: _Optional[bool] = ..., cache: _Optional[_Union[CacheSpec, _Mapping]] = ..., resources: _Optional[_Union[ResourceRequirements, _Mapping]] = ..., container_image: _Optional[_Union[ImageRef, _Mapping]] = ..., accelerator: _Optional[_Union[Accelerator, _Mapping]] = ..., task_config: _Optional[_Union[Opaque, _Mapping]] = ...) -> None: ...

class TaskNode(_message.Message):
    __slots__ = ("task",)
    TASK_FIELD_NUMBER: _ClassVar[int]
    task: Identifier
    def __init__(self, task: _Optional[_Union[Identifier, _Mapping]] = ...) -> None: ...

class WorkflowNode(_message.Message):
    __slots__ = ("workflow",)
    WORKFLOW_FIELD_NUMBER: _ClassVar[int]
    workflow: Identifier
    def __init__(self, workflow: _Optional[_Union[Identifier, _Mapping]] = ...) -> None: ...

class LaunchPlanNode(_message.Message):
    __slots__ = ("launch_plan",)
    LAUNCH_PLAN_FIELD_NUMBER: _ClassVar[int]
    launch_plan: Identifier
    def __init__(self, launch_plan: _Optional[_Union[Identifier, _Mapping]] = ...) -> None: ...

class Case(_message.Message):
    __slots__ = ("condition", "nodes", "outputs")
    CONDITION_FIELD_NUMBER: _ClassVar[int]
    NODES_FIELD_NUMBER: _ClassVar[int]
    OUTPUTS_FIELD_NUMBER: _ClassVar[int]
    condition: BoolExpr
    nodes: _containers.RepeatedCompositeFieldContainer[Node]
    outputs: _containers.RepeatedCompositeFieldContainer[Binding]
    def __init__(self, condition: _Optional[_Union[BoolExpr, _Mapping]] = ..., nodes: _Optional[_Iterable[_Union[Node, _Mapping]]] = ..., outputs: _Optional[_Iterable[_Union[Binding, _Mapping]]] = ...) -> None: ...

class BranchNode(_message.Message):
    __slots__ = ("name", "cases", "outputs", "error")
    NAME_FIELD_NUMBER: _ClassVar[int]
    CASES_FIELD_NUMBER: _ClassVar[int]
    OUTPUTS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    name: str
    cases: _containers.RepeatedCompositeFieldContainer[Case]
    outputs: _containers.RepeatedCompositeFieldContainer[Variable]
    error: str
    def __init__(self, name: _Optional[str] = ..., cases: _Optional[_Iterable[_Union[Case, _Mapping]]] = ..., outputs: _Optional[_Iterable[_Union[Variable, _Mapping]]] = ..., error: _Optional[str] = ...) -> None: ...

class ArrayNode(_message.Message):
    __slots__ = ("target", "outputs", "bound_inputs", "concurrency", "min_success_ratio", "min_successes")
    TARGET_FIELD_NUMBER: _ClassVar[int]
    OUTPUTS_FIELD_NUMBER: _ClassVar[int]
    BOUND_INPUTS_FIELD_NUMBER: _ClassVar[int]
    CONCURRENCY_FIELD_NUMBER: _ClassVar[int]
    MIN_SUCCESS_RATIO_FIELD_NUMBER: _ClassVar[int]
    MIN_SUCCESSES_FIELD_NUMBER: _ClassVar[int]
    target: Identifier
    outputs: _containers.RepeatedCompositeFieldContainer[Variable]
    bound_inputs: _containers.RepeatedScalarFieldContainer[str]
    concurrency: int
    min_success_ratio: float
    min_successes: int
    def __init__(self, target: _Optional[_Union[Identifier, _Mapping]] = ..., outputs: _Optional[_Iterable[_Union[Variable, _Mapping]]] = ..., bound_inputs: _Optional[_Iterable[str]] = ..., concurrency: _Optional[int] = ..., min_success_ratio: _Optional[float] = ..., min_successes: _Optional[int] = ...) -> None: ...

class GateNode(_message.Message):
    __slots__ = ("kind", "duration", "signal", "type")
    KIND_FIELD_NUMBER: _ClassVar[int]
    DURATION_FIELD_NUMBER: _ClassVar[int]
    SIGNAL_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    kind: str
    duration: float
    signal: str
    type: _literals_pb2.LiteralType
    def __init__(self, kind: _Optional[str] = ..., duration: _Optional[float] = ..., signal: _Optional[str] = ..., type: _Optional[_Union[_literals_pb2.LiteralType, _Mapping]] = ...) -> None: ...

class Node(_message.Message):
    __slots__ = ("id", "task", "workflow", "launch_plan", "branch", "array", "gate", "inputs", "upstream", "name", "overrides", "source")
    ID_FIELD_NUMBER: _ClassVar[int]
    TASK_FIELD_NUMBER: _ClassVar[int]
    WORKFLOW_FIELD_NUMBER: _ClassVar[int]
    LAUNCH_PLAN_FIELD_NUMBER: _ClassVar[int]
    BRANCH_FIELD_NUMBER: _ClassVar[int]
    ARRAY_FIELD_NUMBER: _ClassVar[int]
    GATE_FIELD_NUMBER: _ClassVar[int]
    INPUTS_FIELD_NUMBER: _ClassVar[int]
    UPSTREAM_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    OVERRIDES_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    id: str
    task: TaskNode
    workflow: WorkflowNode
    launch_plan: LaunchPlanNode
    branch: BranchNode
    array: ArrayNode
    gate: GateNode
    inputs: _containers.RepeatedCompositeFieldContainer[Binding]
    upstream: _containers.RepeatedScalarFieldContainer[str]
    name: str
    overrides: NodeOverrides
    source: SourceLocation
    def __init__(self, id: _Optional[str] = ..., task: _Optional[_Union[TaskNode, _Mapping]] = ..., workflow: _Optional[_Union[WorkflowNode, _Mapping]] = ..., launch_plan: _Optional[_Union[LaunchPlanNode, _Mapping]] = ..., branch: _Optional[_Union[BranchNode, _Mapping]] = ..., array: _Optional[_Union[ArrayNode, _Mapping]] = ..., gate: _Optional[_Union[GateNode, _Mapping]] = ..., inputs: _Optional[_Iterable[_Union[Binding, _Mapping]]] = ..., upstream: _Optional[_Iterable[str]] = ..., name: _Optional[str] = ..., overrides: _Optional[_Union[NodeOverrides, _Mapping]] = ..., source: _Optional[_Union[SourceLocation, _Mapping]] = ...) -> None: ...

class WorkflowMetadata(_message.Message):
    __slots__ = ("failure_policy", "interruptible", "on_failure", "description", "long_description", "docs")
    FAILURE_POLICY_FIELD_NUMBER: _ClassVar[int]
    INTERRUPTIBLE_FIELD_NUMBER: _ClassVar[int]
    ON_FAILURE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    LONG_DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    DOCS_FIELD_NUMBER: _ClassVar[int]
    failure_policy: str
    interruptible: bool
    on_failure: Identifier
    description: str
    long_description: str
    docs: Opaque
    def __init__(self, failure_policy: _Optional[str] = ..., interruptible: _Optional[bool] = ..., on_failure: _Optional[_Union[Identifier, _Mapping]] = ..., description: _Optional[str] = ..., long_description: _Optional[str] = ..., docs: _Optional[_Union[Opaque, _Mapping]] = ...) -> None: ...

class WorkflowTemplate(_message.Message):
    __slots__ = ("id", "interface", "nodes", "outputs", "metadata", "source")
    ID_FIELD_NUMBER: _ClassVar[int]
    INTERFACE_FIELD_NUMBER: _ClassVar[int]
    NODES_FIELD_NUMBER: _ClassVar[int]
    OUTPUTS_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    id: Identifier
    interface: Interface
    nodes: _containers.RepeatedCompositeFieldContainer[Node]
    outputs: _containers.RepeatedCompositeFieldContainer[Binding]
    metadata: WorkflowMetadata
    source: SourceLocation
    def __init__(self, id: _Optional[_Union[Identifier, _Mapping]] = ..., interface: _Optional[_Union[Interface, _Mapping]] = ..., nodes: _Optional[_Iterable[_Union[Node, _Mapping]]] = ..., outputs: _Optional[_Iterable[_Union[Binding, _Mapping]]] = ..., metadata: _Optional[_Union[WorkflowMetadata, _Mapping]] = ..., source: _Optional[_Union[SourceLocation, _Mapping]] = ...) -> None: ...

class Schedule(_message.Message):
    __slots__ = ("cron", "rate_seconds", "kickoff_time_input_arg", "offset")
    CRON_FIELD_NUMBER: _ClassVar[int]
    RATE_SECONDS_FIELD_NUMBER: _ClassVar[int]
    KICKOFF_TIME_INPUT_ARG_FIELD_NUMBER: _ClassVar[int]
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    cron: str
    rate_seconds: int
    kickoff_time_input_arg: str
    offset: str
    def __init__(self, cron: _Optional[str] = ..., rate_seconds: _Optional[int] = ..., kickoff_time_input_arg: _Optional[str] = ..., offset: _Optional[str] = ...) -> None: ...

class Notification(_message.Message):
    __slots__ = ("kind", "phases", "recipients")
    KIND_FIELD_NUMBER: _ClassVar[int]
    PHASES_FIELD_NUMBER: _ClassVar[int]
    RECIPIENTS_FIELD_NUMBER: _ClassVar[int]
    kind: str
    phases: _containers.RepeatedScalarFieldContainer[str]
    recipients: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, kind: _Optional[str] = ..., phases: _Optional[_Iterable[str]] = ..., recipients: _Optional[_Iterable[str]] = ...) -> None: ...

class ConcurrencySpec(_message.Message):
    __slots__ = ("max_concurrency", "behavior")
    MAX_CONCURRENCY_FIELD_NUMBER: _ClassVar[int]
    BEHAVIOR_FIELD_NUMBER: _ClassVar[int]
    max_concurrency: int
    behavior: str
    def __init__(self, max_concurrency: _Optional[int] = ..., behavior: _Optional[str] = ...) -> None: ...

class NamedLiteral(_message.Message):
    __slots__ = ("name", "value")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    name: str
    value: _literals_pb2.Literal
    def __init__(self, name: _Optional[str] = ..., value: _Optional[_Union[_literals_pb2.Literal, _Mapping]] = ...) -> None: ...

class LaunchPlanTemplate(_message.Message):
    __slots__ = ("id", "workflow", "interface", "fixed_inputs", "schedule", "notifications", "labels", "annotations", "max_parallelism", "concurrency", "overwrite_cache", "auto_activate", "raw_output_data_prefix", "security_context", "auth_role", "trigger")
    ID_FIELD_NUMBER: _ClassVar[int]
    WORKFLOW_FIELD_NUMBER: _ClassVar[int]
    INTERFACE_FIELD_NUMBER: _ClassVar[int]
    FIXED_INPUTS_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    NOTIFICATIONS_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    ANNOTATIONS_FIELD_NUMBER: _ClassVar[int]
    MAX_PARALLELISM_FIELD_NUMBER: _ClassVar[int]
    CONCURRENCY_FIELD_NUMBER: _ClassVar[int]
    OVERWRITE_CACHE_FIELD_NUMBER: _ClassVar[int]
    AUTO_ACTIVATE_FIELD_NUMBER: _ClassVar[int]
    RAW_OUTPUT_DATA_PREFIX_FIELD_NUMBER: _ClassVar[int]
    SECURITY_CONTEXT_FIELD_NUMBER: _ClassVar[int]
    AUTH_ROLE_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_FIELD_NUMBER: _ClassVar[int]
    id: Identifier
    workflow: Identifier
    interface: Interface
    fixed_inputs: _containers.RepeatedCompositeFieldContainer[NamedLiteral]
    schedule: Schedule
    notifications: _containers.RepeatedCompositeFieldContainer[Notification]
    labels: _containers.RepeatedCompositeFieldContainer[StringPair]
    annotations: _containers.RepeatedCompositeFieldContainer[StringPair]
    max_parallelism: int
    concurrency: ConcurrencySpec
    overwrite_cache: bool
    auto_activate: bool
    raw_output_data_prefix: str
    security_context: Opaque
    auth_role: Opaque
    trigger: Opaque
    def __init__(self, id: _Optional[_Union[Identifier, _Mapping]] = ..., workflow: _Optional[_Union[Identifier, _Mapping]] = ..., interface: _Optional[_Union[Interface, _Mapping]] = ..., fixed_inputs: _Optional[_Iterable[_Union[NamedLiteral, _Mapping]]] = ..., schedule: _Optional[_Union[Schedule, _Mapping]] = ..., notifications: _Optional[_Iterable[_Union[Notification, _Mapping]]] = ..., labels: _Optional[_Iterable[_Union[StringPair, _Mapping]]] = ..., annotations: _Optional[_Iterable[_Union[StringPair, _Mapping]]] = ..., max_parallelism: _Optional[int] = ..., concurrency: _Optional[_Union[ConcurrencySpec, _Mapping]] = ..., overwrite_cache: _Optional[bool] = ..., auto_activate: _Optional[bool] = ..., raw_output_data_prefix: _Optional[str] = ..., security_context: _Optional[_Union[Opaque, _Mapping]] = ..., auth_role: _Optional[_Union[Opaque, _Mapping]] = ..., trigger: _Optional[_Union[Opaque, _Mapping]] = ...) -> None: ...

class Closure(_message.Message):
    __slots__ = ("primary", "tasks", "workflows", "launch_plans")
    PRIMARY_FIELD_NUMBER: _ClassVar[int]
    TASKS_FIELD_NUMBER: _ClassVar[int]
    WORKFLOWS_FIELD_NUMBER: _ClassVar[int]
    LAUNCH_PLANS_FIELD_NUMBER: _ClassVar[int]
    primary: Identifier
    tasks: _containers.RepeatedCompositeFieldContainer[TaskTemplate]
    workflows: _containers.RepeatedCompositeFieldContainer[WorkflowTemplate]
    launch_plans: _containers.RepeatedCompositeFieldContainer[LaunchPlanTemplate]
    def __init__(self, primary: _Optional[_Union[Identifier, _Mapping]] = ..., tasks: _Optional[_Iterable[_Union[TaskTemplate, _Mapping]]] = ..., workflows: _Optional[_Iterable[_Union[WorkflowTemplate, _Mapping]]] = ..., launch_plans: _Optional[_Iterable[_Union[LaunchPlanTemplate, _Mapping]]] = ...) -> None: ...
