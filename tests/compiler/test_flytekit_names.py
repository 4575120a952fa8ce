"""flytekit 1.16's public names resolve on ``flytelike`` with the import path's ``flytekit``
replaced by ``flytelike``: each to an object with its local meaning, or (``NOT_LOCAL``) to an
``ImportError`` that says what to use instead.

The names are written here as data (the test needs no flytekit): ``dir(flytekit)`` of flytekit
1.16.31 without underscores (less ``os``, ``sys`` and ``traceback``, modules flytekit imports),
and for the submodules its user guide imports (``core.*``, ``types.*``, ``exceptions.*``,
``extras.*``, ``models.*``, ``deck``, ``testing``, ``sensor``) each module's ``__all__`` or else
the public classes, functions and constants defined in it (type variables left out; for
``extras.pytorch``/``sklearn``/``tensorflow`` and ``types.numpy``, the names their ``__init__``
imports when the library is installed); for
``core.interface``, the class and functions flytekit 1.16's API reference lists (the type
variable ``T`` left out); for ``extend``, its ``dir()`` without underscores (``T`` left out).
docs/guides/v1.md ("flytekit names") lists which names are local and which are not.
"""

from __future__ import annotations

import importlib

import pytest

FLYTEKIT_1_16_NAMES: dict[str, tuple[str, ...]] = {
    "flytekit": (
        "Annotations", "Artifact", "AuthRole", "BatchSize", "Blob", "BlobMetadata", "BlobType",
        "Cache", "CachePolicy", "Checkpoint", "ConcurrencyLimitBehavior", "ConcurrencyPolicy",
        "Config", "ContainerTask", "CronSchedule", "Deck", "Description", "Documentation",
        "Email", "Environment", "ExecutionParameters", "FixedRate", "FlyteContext",
        "FlyteContextManager", "FlyteDirectory", "FlyteFile", "FlyteRemote", "Generator",
        "HashMethod", "ImageSpec", "LOGGING_RICH_FMT_ENV_VAR", "Labels", "LaunchPlan",
        "LaunchPlanReference", "Literal", "LiteralType", "Options", "PagerDuty", "PodTemplate",
        "PythonFunctionTask", "PythonInstanceTask", "Resources", "SQLTask", "Scalar", "Secret",
        "SecurityContext", "SensorEngine", "Slack", "SourceCode", "StructuredDataset",
        "StructuredDatasetFormat", "StructuredDatasetTransformerEngine", "StructuredDatasetType",
        "TaskMetadata", "TaskReference", "VersionParameters", "Workflow",
        "WorkflowExecutionPhase", "WorkflowFailurePolicy", "WorkflowReference", "approve",
        "clients", "conditional", "configuration", "constants", "core", "current_context", "deck",
        "directory", "dynamic", "eager", "entry_points", "exceptions", "extend", "extras", "file",
        "get_reference_entity", "image_spec", "interaction", "interactive", "interfaces",
        "iterator", "kwtypes", "lazy_import", "lazy_module", "load_implicit_plugins", "logger",
        "loggers", "map_task", "models", "new_context", "reference_launch_plan", "reference_task",
        "reference_workflow", "remote", "sensor", "sleep", "task", "tools", "types", "utils",
        "wait_for_input", "workflow",
    ),
    "flytekit.core.context_manager": (
        "BranchEvalMode", "CompilationState", "ExecutionParameters", "ExecutionState",
        "FlyteContext", "FlyteContextManager", "FlyteEntities", "OutputMetadata",
        "OutputMetadataTracker", "SecretsManager", "SerializableToString",
    ),
    "flytekit.core.type_engine": (
        "AsyncTypeTransformer", "BatchSize", "BinaryIOTransformer", "BoolTransformer",
        "CACHE_KEY_METADATA", "DEFINITIONS", "DataclassTransformer", "DateTransformer",
        "DatetimeTransformer", "DictTransformer", "EnumTransformer", "FLYTE_USE_OLD_DC_FORMAT",
        "FloatTransformer", "IntTransformer", "ListTransformer", "LiteralTypeTransformer",
        "LiteralsResolver", "MESSAGEPACK", "NoneTransformer", "ProtobufTransformer",
        "RestrictedTypeError", "RestrictedTypeTransformer", "SERIALIZATION_FORMAT",
        "SimpleTransformer", "StrTransformer", "TITLE", "TextIOTransformer",
        "TimedeltaTransformer", "TypeEngine", "TypeTransformer", "TypeTransformerFailedError",
        "UnionTransformer", "convert_marshmallow_json_schema_to_python_class",
        "convert_mashumaro_json_schema_to_python_class", "dataclass_from_dict",
        "display_pickle_warning", "generate_attribute_list_from_dataclass_json",
        "generate_attribute_list_from_dataclass_json_mixin", "get_batch_size",
        "get_underlying_type", "is_annotated", "modify_literal_uris", "strict_type_hint_matching",
    ),
    "flytekit.core.task": (
        "Echo", "FLYTE_ENABLE_VSCODE_KEY", "ReferenceTask", "TaskPlugins", "decorate_function",
        "eager", "reference_task", "task",
    ),
    "flytekit.core.workflow": (
        "ImperativeWorkflow", "PythonFunctionWorkflow", "ReferenceWorkflow", "WorkflowBase",
        "WorkflowFailurePolicy", "WorkflowMetadata", "WorkflowMetadataDefaults",
        "construct_input_promises", "get_promise", "get_promise_map", "reference_workflow",
        "workflow",
    ),
    "flytekit.core.launch_plan": (
        "LaunchPlan", "ReferenceLaunchPlan", "reference_launch_plan",
    ),
    "flytekit.core.base_task": (
        "DATA_CARD", "DYNAMIC_PARTITIONS", "IgnoreOutputs", "MODEL_CARD", "PythonTask", "Task",
        "TaskMetadata", "TaskResolverMixin", "UNSET_CARD", "kwtypes",
    ),
    "flytekit.core.python_function_task": (
        "AsyncPythonFunctionTask", "CLEANUP_LOOP_DELAY_SECONDS", "EAGER_ROOT_ENV_NAME",
        "EagerAsyncPythonFunctionTask", "EagerFailureHandlerTask", "EagerFailureTaskResolver",
        "PythonFunctionTask", "PythonInstanceTask", "eager_failure_task_resolver",
    ),
    "flytekit.core.condition": (
        "BranchNode", "Case", "Condition", "ConditionalSection",
        "LocalExecutedConditionalSection", "SkippedConditionalSection", "conditional",
        "create_branch_node_promise_var", "merge_promises", "to_branch_node", "to_case_block",
        "to_ifelse_block", "transform_to_boolexpr", "transform_to_comp_expr",
        "transform_to_conj_expr", "transform_to_operand",
    ),
    "flytekit.core.node_creation": (
        "create_node",
    ),
    "flytekit.core.promise": (
        "ComparisonExpression", "ComparisonOps", "ConjunctionExpression", "ConjunctionOps",
        "HasFlyteInterface", "LocallyExecutable", "NodeOutput", "Promise", "SupportsNodeCreation",
        "VoidPromise", "async_flyte_entity_call_handler", "binding_data_from_python_std",
        "binding_from_python_std", "create_and_link_node", "create_and_link_node_from_remote",
        "create_native_named_tuple", "create_task_output", "extract_obj_name",
        "flyte_entity_call_handler", "get_primitive_val", "resolve_attr_path_in_dict",
        "resolve_attr_path_in_pb_struct", "resolve_attr_path_in_promise",
        "resolve_attr_path_recursively", "to_binding", "translate_inputs_to_literals",
        "translate_inputs_to_native",
    ),
    "flytekit.core.resources": (
        "ResourceSpec", "Resources", "SHARED_MEMORY_MOUNT_NAME", "SHARED_MEMORY_MOUNT_PATH",
        "construct_extended_resources", "convert_resources_to_resource_model",
        "pod_spec_from_resources",
    ),
    "flytekit.core.checkpointer": (
        "Checkpoint", "SyncCheckpoint",
    ),
    "flytekit.core.reference_entity": (
        "LaunchPlanReference", "Reference", "ReferenceEntity", "ReferenceSpec",
        "ReferenceTemplate", "TaskReference", "WorkflowReference",
    ),
    "flytekit.core.reference": (
        "get_reference_entity",
    ),
    "flytekit.core.gate": (
        "DEFAULT_TIMEOUT", "Gate", "approve", "sleep", "wait_for_input",
    ),
    "flytekit.core.array_node_map_task": (
        "ArrayNodeMapTask", "ArrayNodeMapTaskResolver", "array_node_map_task", "map_task",
    ),
    "flytekit.core.container_task": (
        "ContainerTask", "DOCKER_IMPORT_ERROR_MESSAGE",
    ),
    "flytekit.core.pod_template": (
        "PRIMARY_CONTAINER_DEFAULT_NAME", "PodTemplate", "serialize_pod_template",
    ),
    "flytekit.core.schedule": (
        "CronSchedule", "FixedRate", "LaunchPlanTriggerBase", "OnSchedule",
    ),
    "flytekit.core.notification": (
        "Email", "Notification", "PagerDuty", "Slack",
    ),
    "flytekit.core.hash": (
        "HashMethod", "HashOnReferenceMixin",
    ),
    "flytekit.core.cache": (
        "Cache", "CachePolicy", "VersionParameters",
    ),
    "flytekit.core.testing": (
        "patch", "task_mock",
    ),
    "flytekit.core.artifact": (
        "Artifact", "ArtifactIDSpecification", "ArtifactQuery", "ArtifactSerializationHandler",
        "DefaultArtifactSerializationHandler", "Inputs", "InputsBase", "MAX_PARTITIONS",
        "Partition", "Partitions", "Serializer", "TIME_PARTITION_KWARG", "TimePartition",
    ),
    "flytekit.core.data_persistence": (
        "FileAccessProvider", "azure_setup_args", "default_local_file_access_provider",
        "get_additional_fsspec_call_kwargs", "get_fsspec_storage_options", "s3_setup_args",
    ),
    "flytekit.core.base_sql_task": (
        "SQLTask",
    ),
    "flytekit.core.options": (
        "Options",
    ),
    "flytekit.core.interface": (
        "Interface", "default_output_name", "detect_artifact", "extract_return_annotation",
        "output_name_generator", "remap_shared_output_descriptions", "repr_kv",
        "repr_type_signature", "transform_function_to_interface",
        "transform_inputs_to_parameters", "transform_interface_to_list_interface",
        "transform_interface_to_typed_interface", "transform_type",
        "transform_types_to_list_of_type", "transform_variable_map",
        "verify_outputs_artifact_bindings",
    ),
    "flytekit.types.file": (
        "CSVFile", "FileExt", "FlyteFile", "FlyteFilePathTransformer", "HDF5EncodedFile",
        "HTMLPage", "JPEGImageFile", "JSONLFile", "JoblibSerializedFile", "ONNXFile", "PDFFile",
        "PNGImageFile", "PythonNotebook", "PythonPickledFile", "SVGImageFile", "TFRecordFile",
    ),
    "flytekit.types.directory": (
        "FlyteDirToMultipartBlobTransformer", "FlyteDirectory", "TFRecordsDirectory",
        "TensorboardLogs",
    ),
    "flytekit.types.structured": (
        "DuplicateHandlerError", "StructuredDataset", "StructuredDatasetDecoder",
        "StructuredDatasetEncoder", "StructuredDatasetTransformerEngine",
        "lazy_import_structured_dataset_handler", "register_arrow_handlers",
        "register_bigquery_handlers", "register_csv_handlers", "register_pandas_handlers",
        "register_snowflake_handlers",
    ),
    "flytekit.types.pickle": (
        "FlytePickle",
    ),
    "flytekit.types.error": (
        "FlyteError",
    ),
    "flytekit.extend": (
        "ClassStorageTaskResolver", "DictTransformer", "ExecutableTemplateShimTask",
        "ExecutionState", "FileAccessProvider", "IgnoreOutputs", "Image", "ImageConfig",
        "Interface", "Promise", "PythonCustomizedContainerTask", "PythonTask", "SQLTask",
        "SecretsManager", "SerializationSettings", "ShimTaskExecutor", "TaskPlugins",
        "TaskResolverMixin", "TypeEngine", "TypeTransformer", "backend", "context_manager",
        "get_serializable",
    ),
    "flytekit.types.schema": (
        "FlyteSchema", "FlyteSchemaTransformer", "LocalIOSchemaReader", "LocalIOSchemaWriter",
        "SchemaEngine", "SchemaFormat", "SchemaHandler", "SchemaOpenMode", "SchemaReader",
        "SchemaWriter",
    ),
    "flytekit.types.iterator": (
        "FlyteIterator", "JSON",
    ),
    "flytekit.exceptions.user": (
        "FlyteAssertion", "FlyteAuthenticationException", "FlyteCompilationException",
        "FlyteDataNotFoundException", "FlyteDisapprovalException",
        "FlyteEntityAlreadyExistsException", "FlyteEntityNotExistException",
        "FlyteEntityNotFoundException", "FlyteFailureNodeInputMismatchException",
        "FlyteInvalidInputException", "FlyteMissingReturnValueException",
        "FlyteMissingTypeException", "FlytePromiseAttributeResolveException",
        "FlyteRecoverableException", "FlyteTimeout", "FlyteTypeException", "FlyteUserException",
        "FlyteUserRuntimeException", "FlyteValidationException", "FlyteValueException",
    ),
    "flytekit.exceptions.system": (
        "FlyteAgentNotFound", "FlyteConnectorNotFound", "FlyteDownloadDataException",
        "FlyteEntrypointNotLoadable", "FlyteNonRecoverableSystemException",
        "FlyteNotImplementedException", "FlyteSystemAssertion", "FlyteSystemException",
        "FlyteSystemUnavailableException", "FlyteUploadDataException",
    ),
    "flytekit.exceptions.eager": (
        "EagerException",
    ),
    "flytekit.exceptions.base": (
        "FlyteException", "FlyteRecoverableException",
    ),
    "flytekit.extras.tasks.shell": (
        "AttrDict", "OutputLocation", "ProcessResult", "RawShellTask", "ShellTask",
        "get_raw_shell_task", "subproc_execute",
    ),
    "flytekit.extras.sqlite3.task": (
        "SQLite3Config", "SQLite3Task", "SQLite3TaskExecutor", "unarchive_file",
    ),
    "flytekit.extras.accelerators": (
        "A100", "A100_80GB", "A10G", "BaseAccelerator", "GPUAccelerator", "H100", "H200", "K80",
        "L4", "L40S", "L4_VWS", "M60", "MultiInstanceGPUAccelerator", "P100", "P4",
        "RTX_PRO_6000", "T4", "V100", "V5E", "V5P", "V6E",
    ),
    "flytekit.extras.pytorch": (
        "PyTorchCheckpoint", "PyTorchCheckpointTransformer", "PyTorchModuleTransformer",
        "PyTorchTensorTransformer",
    ),
    "flytekit.extras.sklearn": (
        "SklearnEstimatorTransformer",
    ),
    "flytekit.extras.tensorflow": (
        "TensorFlowRecordFileTransformer", "TensorFlowRecordsDirTransformer",
    ),
    "flytekit.types.numpy": (
        "NumpyArrayTransformer",
    ),
    "flytekit.models.literals": (
        "Binary", "Binding", "BindingData", "BindingDataCollection", "BindingDataMap", "Blob",
        "BlobMetadata", "Literal", "LiteralCollection", "LiteralMap", "LiteralOffloadedMetadata",
        "Primitive", "RetryStrategy", "Scalar", "Schema", "StructuredDataset",
        "StructuredDatasetMetadata", "Union", "Void",
    ),
    "flytekit.models.types": (
        "Error", "LiteralType", "OutputReference", "SchemaType", "SimpleType",
        "StructuredDatasetType", "TypeStructure", "UnionType",
    ),
    "flytekit.models.common": (
        "Annotations", "AuthRole", "EmailNotification", "Envs", "FlyteABCMeta",
        "FlyteCustomIdlEntity", "FlyteIdlEntity", "FlyteType", "Labels", "NamedEntityIdentifier",
        "Notification", "PagerDutyNotification", "RawOutputDataConfig", "SlackNotification",
        "UrlBlob",
    ),
    "flytekit.models.core.execution": (
        "ExecutionError", "NodeExecutionPhase", "TaskExecutionPhase", "TaskLog",
        "WorkflowExecutionPhase",
    ),
    "flytekit.models.core.types": (
        "BlobType", "EnumType",
    ),
    "flytekit.deck": (
        "Deck", "DeckField", "MarkdownRenderer", "SourceCodeRenderer", "TopFrameRenderer",
    ),
    "flytekit.deck.renderer": (
        "ArrowRenderer", "DEFAULT_MAX_COLS", "DEFAULT_MAX_ROWS", "MarkdownRenderer",
        "PythonDependencyRenderer", "Renderable", "SourceCodeRenderer", "TopFrameRenderer",
    ),
    "flytekit.sensor": (
        "BaseSensor", "FileSensor", "SensorEngine",
    ),
    "flytekit.sensor.file_sensor": (
        "FileSensor",
    ),
    "flytekit.sensor.base_sensor": (
        "BaseSensor", "SensorConfig", "SensorMetadata",
    ),
    "flytekit.testing": (
        "SecretsManager", "patch", "task_mock",
    ),
    "flytekit.core.dynamic_workflow_task": (
        "dynamic",
    ),
}  # fmt: skip

# Names that raise ImportError saying what to use: flytekit internals whose work flytelike does
# elsewhere, cluster-only features, and features not available yet (their hint says so).
NOT_LOCAL: dict[str, tuple[str, ...]] = {
    "flytekit": (
        "Artifact", "LOGGING_RICH_FMT_ENV_VAR", "SensorEngine", "clients", "constants",
        "entry_points", "interaction", "interactive", "interfaces", "lazy_import", "lazy_module",
        "loggers", "new_context", "tools", "utils",
    ),
    "flytekit.core.context_manager": (
        "BranchEvalMode", "FlyteEntities", "OutputMetadata", "OutputMetadataTracker",
        "SerializableToString",
    ),
    "flytekit.core.type_engine": (
        "AsyncTypeTransformer", "BinaryIOTransformer", "BoolTransformer",
        "CACHE_KEY_METADATA", "DEFINITIONS", "DataclassTransformer", "DateTransformer",
        "DatetimeTransformer", "DictTransformer", "EnumTransformer", "FLYTE_USE_OLD_DC_FORMAT",
        "FloatTransformer", "IntTransformer", "ListTransformer", "LiteralTypeTransformer",
        "LiteralsResolver", "MESSAGEPACK", "NoneTransformer", "ProtobufTransformer",
        "RestrictedTypeError", "RestrictedTypeTransformer", "SERIALIZATION_FORMAT",
        "SimpleTransformer", "StrTransformer", "TITLE", "TextIOTransformer",
        "TimedeltaTransformer", "UnionTransformer",
        "convert_marshmallow_json_schema_to_python_class",
        "convert_mashumaro_json_schema_to_python_class", "dataclass_from_dict",
        "display_pickle_warning", "generate_attribute_list_from_dataclass_json",
        "generate_attribute_list_from_dataclass_json_mixin", "get_underlying_type",
        "is_annotated", "modify_literal_uris", "strict_type_hint_matching",
    ),
    "flytekit.core.task": (
        "FLYTE_ENABLE_VSCODE_KEY", "TaskPlugins", "decorate_function",
    ),
    "flytekit.core.workflow": (
        "WorkflowMetadata", "WorkflowMetadataDefaults", "construct_input_promises", "get_promise",
        "get_promise_map",
    ),
    "flytekit.core.base_task": (
        "DATA_CARD", "DYNAMIC_PARTITIONS", "MODEL_CARD", "Task", "TaskResolverMixin",
        "UNSET_CARD",
    ),
    "flytekit.core.python_function_task": (
        "AsyncPythonFunctionTask", "CLEANUP_LOOP_DELAY_SECONDS", "EAGER_ROOT_ENV_NAME",
        "EagerAsyncPythonFunctionTask", "EagerFailureHandlerTask", "EagerFailureTaskResolver",
        "eager_failure_task_resolver",
    ),
    "flytekit.core.condition": (
        "BranchNode", "Case", "Condition", "ConditionalSection",
        "LocalExecutedConditionalSection", "SkippedConditionalSection",
        "create_branch_node_promise_var", "merge_promises", "to_branch_node", "to_case_block",
        "to_ifelse_block", "transform_to_boolexpr", "transform_to_comp_expr",
        "transform_to_conj_expr", "transform_to_operand",
    ),
    "flytekit.core.promise": (
        "ComparisonExpression", "ComparisonOps", "ConjunctionExpression", "ConjunctionOps",
        "HasFlyteInterface", "LocallyExecutable", "NodeOutput", "SupportsNodeCreation",
        "VoidPromise", "async_flyte_entity_call_handler", "binding_data_from_python_std",
        "binding_from_python_std", "create_and_link_node", "create_and_link_node_from_remote",
        "create_native_named_tuple", "create_task_output", "extract_obj_name",
        "flyte_entity_call_handler", "get_primitive_val", "resolve_attr_path_in_dict",
        "resolve_attr_path_in_pb_struct", "resolve_attr_path_in_promise",
        "resolve_attr_path_recursively", "to_binding", "translate_inputs_to_literals",
        "translate_inputs_to_native",
    ),
    "flytekit.core.resources": (
        "ResourceSpec", "SHARED_MEMORY_MOUNT_NAME", "SHARED_MEMORY_MOUNT_PATH",
        "construct_extended_resources", "convert_resources_to_resource_model",
        "pod_spec_from_resources",
    ),
    "flytekit.core.reference_entity": (
        "ReferenceTemplate",
    ),
    "flytekit.core.gate": (
        "DEFAULT_TIMEOUT", "Gate",
    ),
    "flytekit.core.array_node_map_task": (
        "ArrayNodeMapTaskResolver",
    ),
    "flytekit.core.container_task": (
        "DOCKER_IMPORT_ERROR_MESSAGE",
    ),
    "flytekit.core.pod_template": (
        "PRIMARY_CONTAINER_DEFAULT_NAME", "serialize_pod_template",
    ),
    "flytekit.core.schedule": (
        "LaunchPlanTriggerBase", "OnSchedule",
    ),
    "flytekit.core.hash": (
        "HashOnReferenceMixin",
    ),
    "flytekit.core.artifact": (
        "Artifact", "ArtifactIDSpecification", "ArtifactQuery", "ArtifactSerializationHandler",
        "DefaultArtifactSerializationHandler", "Inputs", "InputsBase", "MAX_PARTITIONS",
        "Partition", "Partitions", "Serializer", "TIME_PARTITION_KWARG", "TimePartition",
    ),
    "flytekit.core.data_persistence": (
        "azure_setup_args", "default_local_file_access_provider",
        "get_additional_fsspec_call_kwargs", "get_fsspec_storage_options", "s3_setup_args",
    ),
    "flytekit.types.file": (
        "FileExt", "FlyteFilePathTransformer",
    ),
    "flytekit.types.directory": (
        "FlyteDirToMultipartBlobTransformer",
    ),
    "flytekit.types.structured": (
        "register_bigquery_handlers", "register_snowflake_handlers",
    ),
    "flytekit.extend": (
        "ClassStorageTaskResolver", "DictTransformer", "ExecutableTemplateShimTask",
        "PythonCustomizedContainerTask", "ShimTaskExecutor", "TaskPlugins", "TaskResolverMixin",
        "backend", "get_serializable",
    ),
    "flytekit.types.schema": (
        "FlyteSchemaTransformer", "LocalIOSchemaReader", "LocalIOSchemaWriter", "SchemaEngine",
        "SchemaHandler",
    ),
    "flytekit.core.interface": (
        "detect_artifact", "verify_outputs_artifact_bindings",
    ),
    "flytekit.extras.sqlite3.task": (
        "SQLite3TaskExecutor", "unarchive_file",
    ),
    "flytekit.extras.accelerators": (
        "MultiInstanceGPUAccelerator", "V5E", "V5P", "V6E",
    ),
    "flytekit.extras.pytorch": (
        "PyTorchCheckpoint", "PyTorchCheckpointTransformer", "PyTorchModuleTransformer",
        "PyTorchTensorTransformer",
    ),
    "flytekit.extras.tensorflow": (
        "TensorFlowRecordFileTransformer", "TensorFlowRecordsDirTransformer",
    ),
    "flytekit.models.literals": (
        "Binding", "BindingData", "BindingDataCollection", "BindingDataMap",
        "LiteralOffloadedMetadata", "RetryStrategy", "Schema",
    ),
    "flytekit.models.types": (
        "Error", "OutputReference", "SchemaType",
    ),
    "flytekit.models.common": (
        "Envs", "FlyteABCMeta", "FlyteCustomIdlEntity", "FlyteIdlEntity", "FlyteType",
        "NamedEntityIdentifier", "Notification", "UrlBlob",
    ),
    "flytekit.models.core.execution": (
        "TaskLog",
    ),
    "flytekit.sensor": (
        "SensorEngine",
    ),
    "flytekit.sensor.base_sensor": (
        "SensorConfig", "SensorMetadata",
    ),
}  # fmt: skip

CASES = [(m, n) for m, names in FLYTEKIT_1_16_NAMES.items() for n in names]


def _local(module: str) -> str:
    return "flytelike" + module.removeprefix("flytekit")


def test_the_data() -> None:
    assert len(CASES) == len(set(CASES)) == 540
    assert len(FLYTEKIT_1_16_NAMES["flytekit"]) == 103
    for module, names in NOT_LOCAL.items():
        assert set(names) <= set(FLYTEKIT_1_16_NAMES[module]), module


@pytest.mark.parametrize(("module", "name"), CASES)
def test_name_resolves(module: str, name: str) -> None:
    mod = importlib.import_module(_local(module))
    if name in NOT_LOCAL.get(module, ()):
        with pytest.raises(ImportError) as info:
            exec(f"from {_local(module)} import {name}", {})
        message = str(info.value)
        assert name in message
        assert any(w in message for w in ("use", "not available", "pass", "flytelike")), message
    else:
        assert getattr(mod, name) is not None


def test_local_names_are_the_documented_objects() -> None:
    import flytelike
    from flytelike.core.context_manager import FlyteContextManager, SecretsManager
    from flytelike.exceptions.base import FlyteException
    from flytelike.exceptions.system import FlyteSystemException
    from flytelike.exceptions.user import FlyteRecoverableException, FlyteValueException

    assert flytelike.FlyteContextManager is FlyteContextManager
    assert flytelike.testing.SecretsManager is SecretsManager
    assert issubclass(FlyteValueException, ValueError)
    assert issubclass(FlyteValueException, FlyteException)
    # system exceptions are retried: they derive from the recoverable exception, as in flytekit
    assert issubclass(FlyteSystemException, FlyteRecoverableException)
    assert flytelike.StructuredDatasetFormat is str
    assert flytelike.directory.FlyteDirectory is flytelike.FlyteDirectory
