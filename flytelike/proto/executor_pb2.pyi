from flytelike.proto import ir_pb2 as _ir_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class HealthCheckRequest(_message.Message):
    __slots__ = ("service",)
    SERVICE_FIELD_NUMBER: _ClassVar[int]
    service: str
    def __init__(self, service: _Optional[str] = ...) -> None: ...

class HealthCheckResponse(_message.Message):
    __slots__ = ("status",)
    class ServingStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        UNKNOWN: _ClassVar[HealthCheckResponse.ServingStatus]
        SERVING: _ClassVar[HealthCheckResponse.ServingStatus]
        NOT_SERVING: _ClassVar[HealthCheckResponse.ServingStatus]
        SERVICE_UNKNOWN: _ClassVar[HealthCheckResponse.ServingStatus]
    UNKNOWN: HealthCheckResponse.ServingStatus
    SERVING: HealthCheckResponse.ServingStatus
    NOT_SERVING: HealthCheckResponse.ServingStatus
    SERVICE_UNKNOWN: HealthCheckResponse.ServingStatus
    STATUS_FIELD_NUMBER: _ClassVar[int]
    status: HealthCheckResponse.ServingStatus
    def __init__(self, status: _Optional[_Union[HealthCheckResponse.ServingStatus, str]] = ...) -> None: ...

class DescribeRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ExecutorInfo(_message.Message):
    __slots__ = ("name", "version", "language", "task_kinds", "python_code", "items", "max_message_bytes", "capabilities")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    TASK_KINDS_FIELD_NUMBER: _ClassVar[int]
    PYTHON_CODE_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    MAX_MESSAGE_BYTES_FIELD_NUMBER: _ClassVar[int]
    CAPABILITIES_FIELD_NUMBER: _ClassVar[int]
    name: str
    version: str
    language: str
    task_kinds: _containers.RepeatedScalarFieldContainer[str]
    python_code: bool
    items: bool
    max_message_bytes: int
    capabilities: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, name: _Optional[str] = ..., version: _Optional[str] = ..., language: _Optional[str] = ..., task_kinds: _Optional[_Iterable[str]] = ..., python_code: _Optional[bool] = ..., items: _Optional[bool] = ..., max_message_bytes: _Optional[int] = ..., capabilities: _Optional[_Iterable[str]] = ...) -> None: ...

class ActionContext(_message.Message):
    __slots__ = ("run_name", "action_id", "attempt", "run_dir", "raw_data_prefix", "timeout", "enable_deck", "environment", "secrets_dir", "secrets_env_prefix", "project", "domain", "declared_artifacts", "produces_artifacts", "declared_task")
    RUN_NAME_FIELD_NUMBER: _ClassVar[int]
    ACTION_ID_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    RUN_DIR_FIELD_NUMBER: _ClassVar[int]
    RAW_DATA_PREFIX_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_FIELD_NUMBER: _ClassVar[int]
    ENABLE_DECK_FIELD_NUMBER: _ClassVar[int]
    ENVIRONMENT_FIELD_NUMBER: _ClassVar[int]
    SECRETS_DIR_FIELD_NUMBER: _ClassVar[int]
    SECRETS_ENV_PREFIX_FIELD_NUMBER: _ClassVar[int]
    PROJECT_FIELD_NUMBER: _ClassVar[int]
    DOMAIN_FIELD_NUMBER: _ClassVar[int]
    DECLARED_ARTIFACTS_FIELD_NUMBER: _ClassVar[int]
    PRODUCES_ARTIFACTS_FIELD_NUMBER: _ClassVar[int]
    DECLARED_TASK_FIELD_NUMBER: _ClassVar[int]
    run_name: str
    action_id: str
    attempt: int
    run_dir: str
    raw_data_prefix: str
    timeout: float
    enable_deck: bool
    environment: _containers.RepeatedCompositeFieldContainer[_ir_pb2.StringPair]
    secrets_dir: str
    secrets_env_prefix: str
    project: str
    domain: str
    declared_artifacts: _containers.RepeatedCompositeFieldContainer[ArtifactSpec]
    produces_artifacts: bool
    declared_task: str
    def __init__(self, run_name: _Optional[str] = ..., action_id: _Optional[str] = ..., attempt: _Optional[int] = ..., run_dir: _Optional[str] = ..., raw_data_prefix: _Optional[str] = ..., timeout: _Optional[float] = ..., enable_deck: _Optional[bool] = ..., environment: _Optional[_Iterable[_Union[_ir_pb2.StringPair, _Mapping]]] = ..., secrets_dir: _Optional[str] = ..., secrets_env_prefix: _Optional[str] = ..., project: _Optional[str] = ..., domain: _Optional[str] = ..., declared_artifacts: _Optional[_Iterable[_Union[ArtifactSpec, _Mapping]]] = ..., produces_artifacts: _Optional[bool] = ..., declared_task: _Optional[str] = ...) -> None: ...

class ArtifactSpec(_message.Message):
    __slots__ = ("output", "metadata_json")
    OUTPUT_FIELD_NUMBER: _ClassVar[int]
    METADATA_JSON_FIELD_NUMBER: _ClassVar[int]
    output: str
    metadata_json: str
    def __init__(self, output: _Optional[str] = ..., metadata_json: _Optional[str] = ...) -> None: ...

class Code(_message.Message):
    __slots__ = ("root", "python_only", "bundle_uri", "bundle_digest")
    ROOT_FIELD_NUMBER: _ClassVar[int]
    PYTHON_ONLY_FIELD_NUMBER: _ClassVar[int]
    BUNDLE_URI_FIELD_NUMBER: _ClassVar[int]
    BUNDLE_DIGEST_FIELD_NUMBER: _ClassVar[int]
    root: str
    python_only: bool
    bundle_uri: str
    bundle_digest: str
    def __init__(self, root: _Optional[str] = ..., python_only: _Optional[bool] = ..., bundle_uri: _Optional[str] = ..., bundle_digest: _Optional[str] = ...) -> None: ...

class ActionRequest(_message.Message):
    __slots__ = ("task", "inputs", "context", "code", "task_digest")
    TASK_FIELD_NUMBER: _ClassVar[int]
    INPUTS_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    TASK_DIGEST_FIELD_NUMBER: _ClassVar[int]
    task: _ir_pb2.TaskTemplate
    inputs: _containers.RepeatedCompositeFieldContainer[_ir_pb2.NamedLiteral]
    context: ActionContext
    code: Code
    task_digest: str
    def __init__(self, task: _Optional[_Union[_ir_pb2.TaskTemplate, _Mapping]] = ..., inputs: _Optional[_Iterable[_Union[_ir_pb2.NamedLiteral, _Mapping]]] = ..., context: _Optional[_Union[ActionContext, _Mapping]] = ..., code: _Optional[_Union[Code, _Mapping]] = ..., task_digest: _Optional[str] = ...) -> None: ...

class ExecutionError(_message.Message):
    __slots__ = ("kind", "message", "error_type", "traceback", "recoverable", "timed_out")
    KIND_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    ERROR_TYPE_FIELD_NUMBER: _ClassVar[int]
    TRACEBACK_FIELD_NUMBER: _ClassVar[int]
    RECOVERABLE_FIELD_NUMBER: _ClassVar[int]
    TIMED_OUT_FIELD_NUMBER: _ClassVar[int]
    kind: str
    message: str
    error_type: str
    traceback: str
    recoverable: bool
    timed_out: bool
    def __init__(self, kind: _Optional[str] = ..., message: _Optional[str] = ..., error_type: _Optional[str] = ..., traceback: _Optional[str] = ..., recoverable: _Optional[bool] = ..., timed_out: _Optional[bool] = ...) -> None: ...

class Deck(_message.Message):
    __slots__ = ("name", "uri")
    NAME_FIELD_NUMBER: _ClassVar[int]
    URI_FIELD_NUMBER: _ClassVar[int]
    name: str
    uri: str
    def __init__(self, name: _Optional[str] = ..., uri: _Optional[str] = ...) -> None: ...

class LogChunk(_message.Message):
    __slots__ = ("stream", "text")
    STREAM_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    stream: str
    text: str
    def __init__(self, stream: _Optional[str] = ..., text: _Optional[str] = ...) -> None: ...

class ActionLog(_message.Message):
    __slots__ = ("chunks", "dropped")
    CHUNKS_FIELD_NUMBER: _ClassVar[int]
    DROPPED_FIELD_NUMBER: _ClassVar[int]
    chunks: _containers.RepeatedCompositeFieldContainer[LogChunk]
    dropped: int
    def __init__(self, chunks: _Optional[_Iterable[_Union[LogChunk, _Mapping]]] = ..., dropped: _Optional[int] = ...) -> None: ...

class ActionOutcome(_message.Message):
    __slots__ = ("outputs", "error", "decks", "dynamic", "logs", "artifacts")
    OUTPUTS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    DECKS_FIELD_NUMBER: _ClassVar[int]
    DYNAMIC_FIELD_NUMBER: _ClassVar[int]
    LOGS_FIELD_NUMBER: _ClassVar[int]
    ARTIFACTS_FIELD_NUMBER: _ClassVar[int]
    outputs: _containers.RepeatedCompositeFieldContainer[_ir_pb2.NamedLiteral]
    error: ExecutionError
    decks: _containers.RepeatedCompositeFieldContainer[Deck]
    dynamic: _ir_pb2.Closure
    logs: ActionLog
    artifacts: _containers.RepeatedCompositeFieldContainer[ArtifactSpec]
    def __init__(self, outputs: _Optional[_Iterable[_Union[_ir_pb2.NamedLiteral, _Mapping]]] = ..., error: _Optional[_Union[ExecutionError, _Mapping]] = ..., decks: _Optional[_Iterable[_Union[Deck, _Mapping]]] = ..., dynamic: _Optional[_Union[_ir_pb2.Closure, _Mapping]] = ..., logs: _Optional[_Union[ActionLog, _Mapping]] = ..., artifacts: _Optional[_Iterable[_Union[ArtifactSpec, _Mapping]]] = ...) -> None: ...

class Item(_message.Message):
    __slots__ = ("action_id", "inputs", "attempt")
    ACTION_ID_FIELD_NUMBER: _ClassVar[int]
    INPUTS_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    action_id: str
    inputs: _containers.RepeatedCompositeFieldContainer[_ir_pb2.NamedLiteral]
    attempt: int
    def __init__(self, action_id: _Optional[str] = ..., inputs: _Optional[_Iterable[_Union[_ir_pb2.NamedLiteral, _Mapping]]] = ..., attempt: _Optional[int] = ...) -> None: ...

class ItemsRequest(_message.Message):
    __slots__ = ("task", "context", "items", "code", "task_digest")
    TASK_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    TASK_DIGEST_FIELD_NUMBER: _ClassVar[int]
    task: _ir_pb2.TaskTemplate
    context: ActionContext
    items: _containers.RepeatedCompositeFieldContainer[Item]
    code: Code
    task_digest: str
    def __init__(self, task: _Optional[_Union[_ir_pb2.TaskTemplate, _Mapping]] = ..., context: _Optional[_Union[ActionContext, _Mapping]] = ..., items: _Optional[_Iterable[_Union[Item, _Mapping]]] = ..., code: _Optional[_Union[Code, _Mapping]] = ..., task_digest: _Optional[str] = ...) -> None: ...

class ItemResult(_message.Message):
    __slots__ = ("outputs", "error")
    OUTPUTS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    outputs: _containers.RepeatedCompositeFieldContainer[_ir_pb2.NamedLiteral]
    error: ExecutionError
    def __init__(self, outputs: _Optional[_Iterable[_Union[_ir_pb2.NamedLiteral, _Mapping]]] = ..., error: _Optional[_Union[ExecutionError, _Mapping]] = ...) -> None: ...

class ItemsOutcome(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[ItemResult]
    def __init__(self, results: _Optional[_Iterable[_Union[ItemResult, _Mapping]]] = ...) -> None: ...

class CancelRequest(_message.Message):
    __slots__ = ("run_name", "action_id", "attempt")
    RUN_NAME_FIELD_NUMBER: _ClassVar[int]
    ACTION_ID_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    run_name: str
    action_id: str
    attempt: int
    def __init__(self, run_name: _Optional[str] = ..., action_id: _Optional[str] = ..., attempt: _Optional[int] = ...) -> None: ...

class CancelReply(_message.Message):
    __slots__ = ("found",)
    FOUND_FIELD_NUMBER: _ClassVar[int]
    found: bool
    def __init__(self, found: _Optional[bool] = ...) -> None: ...
