from google.protobuf import struct_pb2 as _struct_pb2
from flytelike.proto import ir_pb2 as _ir_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Phase(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    UNDEFINED: _ClassVar[Phase]
    QUEUED: _ClassVar[Phase]
    RUNNING: _ClassVar[Phase]
    SUCCEEDED: _ClassVar[Phase]
    ABORTED: _ClassVar[Phase]
    FAILED: _ClassVar[Phase]
    INITIALIZING: _ClassVar[Phase]
    WAITING_FOR_RESOURCES: _ClassVar[Phase]
    RETRYABLE_FAILED: _ClassVar[Phase]
UNDEFINED: Phase
QUEUED: Phase
RUNNING: Phase
SUCCEEDED: Phase
ABORTED: Phase
FAILED: Phase
INITIALIZING: Phase
WAITING_FOR_RESOURCES: Phase
RETRYABLE_FAILED: Phase

class TaskCategory(_message.Message):
    __slots__ = ("name", "version")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    name: str
    version: int
    def __init__(self, name: _Optional[str] = ..., version: _Optional[int] = ...) -> None: ...

class Sql(_message.Message):
    __slots__ = ("statement", "dialect")
    STATEMENT_FIELD_NUMBER: _ClassVar[int]
    DIALECT_FIELD_NUMBER: _ClassVar[int]
    statement: str
    dialect: str
    def __init__(self, statement: _Optional[str] = ..., dialect: _Optional[str] = ...) -> None: ...

class TaskTemplate(_message.Message):
    __slots__ = ("type", "task_type_version", "custom", "sql", "template")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    TASK_TYPE_VERSION_FIELD_NUMBER: _ClassVar[int]
    CUSTOM_FIELD_NUMBER: _ClassVar[int]
    SQL_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    type: str
    task_type_version: int
    custom: _struct_pb2.Struct
    sql: Sql
    template: _ir_pb2.TaskTemplate
    def __init__(self, type: _Optional[str] = ..., task_type_version: _Optional[int] = ..., custom: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., sql: _Optional[_Union[Sql, _Mapping]] = ..., template: _Optional[_Union[_ir_pb2.TaskTemplate, _Mapping]] = ...) -> None: ...

class CreateTaskRequest(_message.Message):
    __slots__ = ("template", "inputs", "output_prefix", "secrets")
    class SecretsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    INPUTS_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_PREFIX_FIELD_NUMBER: _ClassVar[int]
    SECRETS_FIELD_NUMBER: _ClassVar[int]
    template: TaskTemplate
    inputs: _containers.RepeatedCompositeFieldContainer[_ir_pb2.NamedLiteral]
    output_prefix: str
    secrets: _containers.ScalarMap[str, str]
    def __init__(self, template: _Optional[_Union[TaskTemplate, _Mapping]] = ..., inputs: _Optional[_Iterable[_Union[_ir_pb2.NamedLiteral, _Mapping]]] = ..., output_prefix: _Optional[str] = ..., secrets: _Optional[_Mapping[str, str]] = ...) -> None: ...

class CreateTaskResponse(_message.Message):
    __slots__ = ("resource_meta",)
    RESOURCE_META_FIELD_NUMBER: _ClassVar[int]
    resource_meta: bytes
    def __init__(self, resource_meta: _Optional[bytes] = ...) -> None: ...

class GetTaskRequest(_message.Message):
    __slots__ = ("task_category", "resource_meta", "secrets")
    class SecretsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    TASK_CATEGORY_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_META_FIELD_NUMBER: _ClassVar[int]
    SECRETS_FIELD_NUMBER: _ClassVar[int]
    task_category: TaskCategory
    resource_meta: bytes
    secrets: _containers.ScalarMap[str, str]
    def __init__(self, task_category: _Optional[_Union[TaskCategory, _Mapping]] = ..., resource_meta: _Optional[bytes] = ..., secrets: _Optional[_Mapping[str, str]] = ...) -> None: ...

class TaskLog(_message.Message):
    __slots__ = ("name", "uri")
    NAME_FIELD_NUMBER: _ClassVar[int]
    URI_FIELD_NUMBER: _ClassVar[int]
    name: str
    uri: str
    def __init__(self, name: _Optional[str] = ..., uri: _Optional[str] = ...) -> None: ...

class Resource(_message.Message):
    __slots__ = ("phase", "message", "log_links", "outputs", "custom_info")
    PHASE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    LOG_LINKS_FIELD_NUMBER: _ClassVar[int]
    OUTPUTS_FIELD_NUMBER: _ClassVar[int]
    CUSTOM_INFO_FIELD_NUMBER: _ClassVar[int]
    phase: Phase
    message: str
    log_links: _containers.RepeatedCompositeFieldContainer[TaskLog]
    outputs: _containers.RepeatedCompositeFieldContainer[_ir_pb2.NamedLiteral]
    custom_info: _struct_pb2.Struct
    def __init__(self, phase: _Optional[_Union[Phase, str]] = ..., message: _Optional[str] = ..., log_links: _Optional[_Iterable[_Union[TaskLog, _Mapping]]] = ..., outputs: _Optional[_Iterable[_Union[_ir_pb2.NamedLiteral, _Mapping]]] = ..., custom_info: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class GetTaskResponse(_message.Message):
    __slots__ = ("resource",)
    RESOURCE_FIELD_NUMBER: _ClassVar[int]
    resource: Resource
    def __init__(self, resource: _Optional[_Union[Resource, _Mapping]] = ...) -> None: ...

class DeleteTaskRequest(_message.Message):
    __slots__ = ("task_category", "resource_meta", "secrets")
    class SecretsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    TASK_CATEGORY_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_META_FIELD_NUMBER: _ClassVar[int]
    SECRETS_FIELD_NUMBER: _ClassVar[int]
    task_category: TaskCategory
    resource_meta: bytes
    secrets: _containers.ScalarMap[str, str]
    def __init__(self, task_category: _Optional[_Union[TaskCategory, _Mapping]] = ..., resource_meta: _Optional[bytes] = ..., secrets: _Optional[_Mapping[str, str]] = ...) -> None: ...

class DeleteTaskResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Connector(_message.Message):
    __slots__ = ("name", "supported_task_categories")
    NAME_FIELD_NUMBER: _ClassVar[int]
    SUPPORTED_TASK_CATEGORIES_FIELD_NUMBER: _ClassVar[int]
    name: str
    supported_task_categories: _containers.RepeatedCompositeFieldContainer[TaskCategory]
    def __init__(self, name: _Optional[str] = ..., supported_task_categories: _Optional[_Iterable[_Union[TaskCategory, _Mapping]]] = ...) -> None: ...

class ListConnectorsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListConnectorsResponse(_message.Message):
    __slots__ = ("connectors",)
    CONNECTORS_FIELD_NUMBER: _ClassVar[int]
    connectors: _containers.RepeatedCompositeFieldContainer[Connector]
    def __init__(self, connectors: _Optional[_Iterable[_Union[Connector, _Mapping]]] = ...) -> None: ...
