"""flytekit 1.16 names flytelike does not provide, by module, with what to use instead.

``_aliases.not_provided`` reads this table: importing one of these names raises ``ImportError``
with the hint. Each is a name with no local meaning: flytekit's SDK internals (promise
plumbing, built-in transformers, serialisation helpers, its contexts' bookkeeping), whose work
flytelike does in its own compiler and type system, or a service of a Flyte cluster (the
artifact service, sensor agents, interactive debugging of pods). docs/guides/v1.md lists them
with the reason for each group.
"""

from __future__ import annotations

_TRANSFORMERS = (
    "flytekit's built-in transformer classes are internal; typesystem has its own for these "
    "types (TypeEngine.get_transformer(t) returns it); subclass TypeTransformer for new types"
)
_PROMISE = "flytekit's promise plumbing is internal; flytelike.compiler builds nodes (use Promise)"
_CONDITION = "flytekit's branch plumbing is internal; use flytelike.conditional(...)"
_SCHEMA = (
    "flytekit's schema reader/writer registry; FlyteSchema.open() reads and writes through "
    "the dataframe handlers (StructuredDatasetTransformerEngine.register for a new frame type)"
)
_ARTIFACT = (
    "artifacts live in a Flyte cluster's artifact service; pass values as workflow inputs and "
    "outputs (a past run's outputs: flytelike.engine.get_run(name).outputs())"
)
_RESOLVER = (
    "task resolvers load tasks inside a cluster's containers; flytelike runs the task objects "
    "of this process (subclass PythonTask or PythonInstanceTask for a task written as a class)"
)
_INTERNAL = "an internal flytekit module; flytelike's equivalents are its public names"


def _all(names: str, hint: str) -> dict[str, str]:
    return dict.fromkeys(names.split(), hint)


GAPS: dict[str, dict[str, str]] = {
    "flytelike": {
        **_all("Artifact", _ARTIFACT),
        **_all(
            "LOGGING_RICH_FMT_ENV_VAR",
            "the name of flytekit's environment variable for rich log formatting; flytelike "
            "prints errors with rich by default; log with flytelike.logger",
        ),
        **_all("SensorEngine", "locally a sensor task pokes itself; no agent is needed"),
        **_all(
            "new_context",
            "flytelike has no SDK context to create; use "
            "FlyteContextManager.with_context(ctx.with_execution_state(...))",
        ),
        **_all(
            "clients constants entry_points interaction interactive interfaces lazy_import "
            "lazy_module loggers tools utils",
            _INTERNAL,
        ),
    },
    "flytelike.extend": {
        **_all("DictTransformer", _TRANSFORMERS),
        **_all("ClassStorageTaskResolver TaskResolverMixin", _RESOLVER),
        **_all(
            "TaskPlugins",
            "task plugins register with entry points (flytelike.backends, "
            "typesystem plugins); see docs/guides",
        ),
        **_all(
            "ExecutableTemplateShimTask PythonCustomizedContainerTask ShimTaskExecutor",
            "a task run by flytekit's executor inside its own container image; flytelike runs "
            "class-based tasks in this process: subclass PythonTask (execute(**kwargs)), or use "
            "ContainerTask for a container",
        ),
        **_all(
            "get_serializable",
            "flytekit's serialisation to Flyte's protobufs; flytelike compiles an entity to its "
            "own IR (task.template(), workflow.template())",
        ),
        **_all(
            "backend",
            "flytekit's agent backend for a cluster's agent service; a local connector is a "
            "flytelike.connectors.AsyncConnector",
        ),
        # flyte 2's flyte.extend
        **_all(
            "ImageBuildEngine ImageBuilder ImageChecker",
            "flyte's image builders build and push images for a cluster; flytelike builds none "
            "(`flytelike image dockerfile` prints an Image's Dockerfile to build it yourself)",
        ),
        **_all(
            "download_code_bundle RuntimeTaskTemplate",
            "code bundles and the runtime task loader serve a cluster's containers; flytelike "
            "runs the task objects of this process",
        ),
        **_all(
            "get_proto_resources get_proto_extended_resources pod_spec_from_resources "
            "PRIMARY_CONTAINER_DEFAULT_NAME",
            "flyte's protobuf serialisers of resources and pods; flytelike carries Resources "
            "and PodTemplate into its own IR",
        ),
        **_all(
            "TaskPluginRegistry",
            "task plugins register with entry points (flytelike.backends, typesystem plugins); "
            "a task class subclasses flytelike.TaskTemplate",
        ),
        **_all("lazy_module", _INTERNAL),
    },
    # flyte 2's flyte.app.extras
    "flytelike.app.extras": {
        **_all(
            "FlyteWebhookAppEnvironment",
            "flyte's prebuilt app forwards HTTP calls to a Flyte control plane (run tasks, abort "
            "runs, manage apps and triggers); locally, serve your own FastAPIAppEnvironment "
            "whose endpoints call flytelike.run(...)",
        ),
        **_all(
            "FastAPIPassthroughAuthMiddleware",
            "it passes a request's credentials on to a Flyte control plane; flytelike has none "
            "to authenticate with",
        ),
    },
    "flytelike.core.context_manager": _all(
        "BranchEvalMode FlyteEntities OutputMetadata OutputMetadataTracker SerializableToString",
        "flytekit's SDK state; flytelike keeps no such state in a context",
    ),
    "flytelike.core.type_engine": {
        **_all(
            "AsyncTypeTransformer BinaryIOTransformer BoolTransformer DataclassTransformer "
            "DateTransformer DatetimeTransformer DictTransformer EnumTransformer "
            "FloatTransformer IntTransformer ListTransformer LiteralTypeTransformer "
            "NoneTransformer ProtobufTransformer RestrictedTypeTransformer SimpleTransformer "
            "StrTransformer TextIOTransformer TimedeltaTransformer UnionTransformer",
            _TRANSFORMERS,
        ),
        **_all(
            "CACHE_KEY_METADATA DEFINITIONS FLYTE_USE_OLD_DC_FORMAT MESSAGEPACK "
            "SERIALIZATION_FORMAT TITLE LiteralsResolver RestrictedTypeError "
            "convert_marshmallow_json_schema_to_python_class "
            "convert_mashumaro_json_schema_to_python_class dataclass_from_dict "
            "display_pickle_warning generate_attribute_list_from_dataclass_json "
            "generate_attribute_list_from_dataclass_json_mixin get_underlying_type "
            "is_annotated modify_literal_uris strict_type_hint_matching",
            "a flytekit type-engine internal; typesystem's TypeEngine and json_schema cover it",
        ),
    },
    "flytelike.core.task": {
        **_all(
            "FLYTE_ENABLE_VSCODE_KEY",
            "interactive debugging of cluster tasks; debug locally with a breakpoint in the task",
        ),
        **_all(
            "TaskPlugins",
            "task plugins register with entry points (flytelike.backends, "
            "typesystem plugins); see docs/guides",
        ),
        **_all(
            "decorate_function",
            "flytelike follows __wrapped__ of functools.wraps decorators itself",
        ),
    },
    "flytelike.core.workflow": {
        **_all(
            "WorkflowMetadata WorkflowMetadataDefaults",
            "pass failure_policy= and interruptible= to @workflow",
        ),
        **_all("construct_input_promises get_promise get_promise_map", _PROMISE),
    },
    "flytelike.core.base_task": {
        **_all(
            "Task", "subclass PythonTask (flytelike.core.base_task) for a task written as a class"
        ),
        **_all("TaskResolverMixin", _RESOLVER),
        **_all("DATA_CARD DYNAMIC_PARTITIONS MODEL_CARD UNSET_CARD", _ARTIFACT),
    },
    "flytelike.core.python_function_task": {
        **_all(
            "AsyncPythonFunctionTask EagerAsyncPythonFunctionTask EagerFailureHandlerTask "
            "EagerFailureTaskResolver CLEANUP_LOOP_DELAY_SECONDS EAGER_ROOT_ENV_NAME "
            "eager_failure_task_resolver",
            "flytelike's @task takes async functions and @eager makes eager workflows",
        ),
    },
    "flytelike.core.condition": _all(
        "BranchNode Case Condition ConditionalSection LocalExecutedConditionalSection "
        "SkippedConditionalSection create_branch_node_promise_var merge_promises "
        "to_branch_node to_case_block to_ifelse_block transform_to_boolexpr "
        "transform_to_comp_expr transform_to_conj_expr transform_to_operand",
        _CONDITION,
    ),
    "flytelike.core.promise": _all(
        "ComparisonExpression ComparisonOps ConjunctionExpression ConjunctionOps "
        "HasFlyteInterface LocallyExecutable NodeOutput SupportsNodeCreation VoidPromise "
        "async_flyte_entity_call_handler binding_data_from_python_std binding_from_python_std "
        "create_and_link_node create_and_link_node_from_remote create_native_named_tuple "
        "create_task_output extract_obj_name flyte_entity_call_handler get_primitive_val "
        "resolve_attr_path_in_dict resolve_attr_path_in_pb_struct resolve_attr_path_in_promise "
        "resolve_attr_path_recursively to_binding translate_inputs_to_literals "
        "translate_inputs_to_native",
        _PROMISE,
    ),
    "flytelike.core.resources": _all(
        "ResourceSpec SHARED_MEMORY_MOUNT_NAME SHARED_MEMORY_MOUNT_PATH "
        "construct_extended_resources convert_resources_to_resource_model "
        "pod_spec_from_resources",
        "flytelike carries Resources into the IR itself (pass requests=/limits=/"
        "shared_memory= to @task)",
    ),
    "flytelike.core.array_node_map_task": _all(
        "ArrayNodeMapTaskResolver", "map tasks run their items through flytelike's engine"
    ),
    "flytelike.core.reference_entity": _all(
        "ReferenceTemplate", "a reference's template is ReferenceEntity.template()"
    ),
    "flytelike.core.gate": _all(
        "DEFAULT_TIMEOUT Gate",
        "use wait_for_input, approve or sleep (a gate's timeout is their timeout= argument)",
    ),
    "flytelike.core.container_task": _all(
        "DOCKER_IMPORT_ERROR_MESSAGE", "ContainerTask runs through flytelike's backends"
    ),
    "flytelike.core.pod_template": _all(
        "PRIMARY_CONTAINER_DEFAULT_NAME serialize_pod_template",
        "PodTemplate is carried into the IR as given (primary_container_name=)",
    ),
    "flytelike.core.schedule": _all(
        "LaunchPlanTriggerBase OnSchedule",
        "pass schedule=CronSchedule(...)/FixedRate(...) to LaunchPlan.get_or_create",
    ),
    "flytelike.core.hash": _all(
        "HashOnReferenceMixin", "annotate the type with HashMethod(fn) (Annotated[T, ...])"
    ),
    "flytelike.core.artifact": _all(
        "Artifact ArtifactIDSpecification ArtifactQuery ArtifactSerializationHandler "
        "DefaultArtifactSerializationHandler Inputs InputsBase MAX_PARTITIONS Partition "
        "Partitions Serializer TIME_PARTITION_KWARG TimePartition",
        _ARTIFACT,
    ),
    "flytelike.core.data_persistence": _all(
        "azure_setup_args default_local_file_access_provider "
        "get_additional_fsspec_call_kwargs get_fsspec_storage_options s3_setup_args",
        "fsspec storage options are a DataContext's (typesystem.io.use_raw_data_prefix(prefix, "
        "storage_options=...)); use FlyteContextManager.current_context().file_access",
    ),
    "flytelike.core.interface": _all(
        "detect_artifact verify_outputs_artifact_bindings",
        "artifact bindings of outputs need a cluster's artifact service; " + _ARTIFACT,
    ),
    "flytelike.models.core.execution": _all(
        "TaskLog",
        "a link to an attempt's logs in a cluster's logging system; flytelike stores what an "
        "attempt prints with it: use Run.logs(action_id) or `flytelike runs logs RUN`",
    ),
    "flytelike.types.file": _all(
        "FileExt FlyteFilePathTransformer",
        "FlyteFile['csv'] makes a typed file; its "
        "transformer is TypeEngine.get_transformer(FlyteFile)",
    ),
    "flytelike.types.directory": _all(
        "FlyteDirToMultipartBlobTransformer",
        "its transformer is TypeEngine.get_transformer(FlyteDirectory)",
    ),
    "flytelike.types.structured": _all(
        "lazy_import_structured_dataset_handler register_arrow_handlers "
        "register_bigquery_handlers register_csv_handlers register_pandas_handlers "
        "register_snowflake_handlers",
        "dataframe handlers register from typesystem plugins on first use "
        "(StructuredDatasetTransformerEngine.register for your own)",
    ),
    "flytelike.types.schema": _all(
        "FlyteSchemaTransformer LocalIOSchemaReader LocalIOSchemaWriter SchemaEngine SchemaHandler",
        _SCHEMA,
    ),
    "flytelike.extras.sqlite3.task": _all(
        "SQLite3TaskExecutor unarchive_file", "SQLite3Task runs its query itself, locally"
    ),
    "flytelike.extras.pytorch": {
        **_all(
            "PyTorchTensorTransformer PyTorchModuleTransformer",
            "flytelike has no PyTorch transformers (torch is no flytelike extra: its wheels bring "
            "gigabytes of CUDA libraries); a torch.Tensor or nn.Module on a task travels by "
            "cloudpickle with a PickleFallbackWarning (declare FlytePickle[torch.Tensor] to "
            "pickle on purpose), or torch.save it into a FlyteFile",
        ),
        **_all(
            "PyTorchCheckpoint PyTorchCheckpointTransformer",
            "flytelike has no PyTorch transformers; torch.save({'module': m.state_dict(), "
            "'optimizer': opt.state_dict(), 'hyperparameters': h}) into a FlyteFile and return "
            "that, or use flytelike.current_context().checkpoint for intra-task checkpoints",
        ),
    },
    "flytelike.extras.tensorflow": _all(
        "TensorFlowRecordFileTransformer TensorFlowRecordsDirTransformer",
        "flytelike has no TensorFlow transformers (tensorflow is no flytelike extra); declare "
        "TFRecordFile / TFRecordsDirectory (flytelike.types.file, flytelike.types.directory) "
        "and read them in the task with tf.data.TFRecordDataset(path)",
    ),
    "flytelike.extras.accelerators": {
        **_all("V5E V5P V6E", "TPUs: use flytelike.TPU (flyte 2's device) in Resources(gpu=...)"),
        **_all(
            "MultiInstanceGPUAccelerator",
            "use GPUAccelerator(device, partition) or A100.partition_1g_5gb",
        ),
    },
    "flytelike.sensor": _all(
        "SensorEngine", "locally a sensor task pokes itself; no agent is needed"
    ),
    "flytelike.sensor.base_sensor": _all(
        "SensorConfig SensorMetadata",
        "pass sensor_config= (a dataclass) and timeout= to the sensor",
    ),
}
