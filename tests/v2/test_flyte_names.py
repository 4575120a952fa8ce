"""flyte 2.12's public names (``flyte.__all__`` of flyte 2.12.1 and those of its submodules
``app``, ``artifacts``, ``connectors``, ``errors``, ``extras``, ``git``, ``io``, ``models``,
``notify``, ``remote``, ``report``, written here as data: the test needs no flyte) resolve on ``flytelike``: each top-level name to
a local meaning; a submodule's name to one, or, for those with none, to an ``ImportError`` that
says what to use instead."""

from __future__ import annotations

import importlib

import pytest

import flytelike

FLYTE_2_12_NAMES = (
    "AMD_GPU", "APPLE_SILICON", "AppHandle", "AsyncFunctionTaskTemplate", "Backoff",
    "BaseCheckpoint", "Cache", "CachePolicy", "CacheRequest", "Checkpoint", "ConditionWebhook",
    "Cron", "Device", "DeviceClass", "Documentation", "Environment", "FixedRate", "GPU",
    "HABANA_GAUDI", "Image", "ImageBuild", "Link", "Neuron", "OnArtifact", "PodTemplate",
    "Resources", "RetryStrategy", "ReusePolicy", "Secret", "SecretRequest", "TPU",
    "TaskEnvironment", "TaskTemplate", "Timeout", "TimeoutType", "Trigger", "TriggerTime",
    "TriggeredArtifact", "TriggeredPartition", "__version__", "build", "build_images", "ctx",
    "current_domain", "current_project", "custom_context", "deploy", "get_custom_context",
    "group", "init", "init_from_api_key", "init_from_config", "init_in_cluster",
    "init_passthrough", "is_control_plane_available", "latest_checkpoint",
    "load_interactive_ctx", "load_plugin_config", "logger", "map", "new_condition", "rerun",
    "run", "run_python_script", "serve", "system_logger", "trace", "version",
    "with_runcontext", "with_servecontext",
)  # fmt: skip

# Submodules flyte code imports as ``flyte.<name>`` after ``import flyte``.
FLYTE_SUBMODULES = (
    "app", "artifacts", "errors", "extras", "git", "io", "models", "notify", "remote", "report",
)  # fmt: skip

# Submodules flyte code imports itself (``from flyte.connectors import ...``): ``import flyte``
# does not load them.
FLYTE_IMPORTED_SUBMODULES = ("connectors",)

# flyte 2.12.1's public names of each submodule (its ``__all__``; for ``errors`` and ``models``,
# which have none, the public names they define), and those of them without a local meaning:
# these raise ImportError saying what to use.
FLYTE_MODULE_NAMES: dict[str, tuple[tuple[str, ...], set[str]]] = {
    "app": (
        (
            "AppEndpoint", "AppEnvironment", "ArtifactValue", "ConnectorEnvironment",
            "DeployedAppEnvironment", "Domain", "Link", "Parameter", "Port", "RunOutput",
            "Scaling", "Subdomain", "Timeouts", "ctx", "get_parameter",
        ),
        set(),
    ),
    "artifacts": (
        (
            "KIND_KEY", "MAX_PARENTS", "Artifact", "ArtifactKey", "ArtifactVersionId", "Card",
            "CardFormat", "CardType", "Granularity", "Kind", "Metadata", "TimePartition", "new",
            "produces",
        ),
        set(),
    ),
    "connectors": (
        (
            "AsyncConnector", "AsyncConnectorExecutorMixin", "ConnectorRegistry",
            "ConnectorService", "Resource", "ResourceMeta",
        ),
        set(),
    ),
    "errors": (
        (
            "APPLE_SILICON_ERRORS_BY_CODE", "ActionAbortedError", "ActionNotFoundError",
            "AppleSiliconBridgeUnreachableError", "AppleSiliconDaemonOOMError",
            "AppleSiliconDaemonStartFailedError", "AppleSiliconError",
            "AppleSiliconHostExecFailedError", "AppleSiliconModelNotFoundError",
            "AppleSiliconNotAvailableError", "BaseRuntimeError", "CodeBundleError",
            "ConditionAlreadyExistsError", "ConditionFailedError", "ConditionNotFoundError",
            "ConditionTimedoutError", "CustomError", "DeadlineExceededError", "DeploymentError",
            "GPUFaultError", "GPUFaultSystemError", "GPUFaultUserError", "GPU_FAULT_CODES",
            "ImageBuildError", "ImagePullBackOffError", "InitializationError",
            "InlineIOMaxBytesBreached", "InvalidImageNameError", "InvalidPackageError",
            "LogsNotYetAvailableError", "MaxQueuedTimeExceededError", "MaxRuntimeExceededError",
            "ModuleLoadError", "NonRecoverableError", "NotInTaskContextError", "OOMError",
            "OnlyAsyncIOSupportedError", "ParameterMaterializationError",
            "PrimaryContainerNotFoundError", "RemoteTaskNotFoundError", "RemoteTaskUsageError",
            "ResourceExhaustedError", "RestrictedTypeError", "RetriesExhaustedError",
            "RuntimeDataValidationError", "RuntimeSystemError", "RuntimeUnknownError",
            "RuntimeUserError", "SlowDownError", "SyncTaskCallInAsyncContextError",
            "TaskInterruptedError", "TaskTimeoutError", "TraceDoesNotAllowNestedTasksError",
            "UnionRpcError", "silence_polling_error",
        ),
        set(),
    ),
    "extras": (
        (
            "BatchStats", "ContainerTask", "CostEstimator", "DynamicBatcher", "Prompt", "Sleep",
            "SleepTask", "TokenBatcher", "TokenEstimator", "model_streamer", "serialize",
            "serialize_env", "shell", "webhooks",
        ),
        set(),
    ),
    "git": (("GitStatus", "config_from_root"), set()),
    "io": (("DataFrame", "Dir", "EmptyDir", "File", "HashFunction", "PARQUET"), set()),
    "models": (
        (
            "ActionID", "ActionPhase", "CallCounter", "CheckpointPaths", "CodeBundle",
            "Docstring", "GroupData", "NULL_TASK_CONTEXT", "NativeInterface", "PathRewrite",
            "RawDataPath", "SerializationContext", "TaskContext", "extract_return_annotation",
            "generate_random_name", "is_clustered_worker_env", "literal_to_enum",
        ),
        set(),
    ),
    "notify": (
        ("Email", "NamedDelivery", "NamedRule", "Notification", "Slack", "Teams", "Webhook"),
        set(),
    ),
    "remote": (
        (
            "Action", "ActionDetails", "ActionInputs", "ActionOutputs", "App", "Artifact",
            "Condition", "PartitionSchema", "Project", "Run", "RunDetails", "Secret",
            "SecretTypes", "Settings", "Task", "TaskDetails", "TimeFilter", "Trigger",
            "TriggerDetails", "User", "auth_metadata", "upload_dir", "upload_file",
        ),
        set(),
    ),
    "report": (
        (
            "Report", "Timeline", "abbreviate", "current_report", "duration_ms", "flush",
            "get_tab", "log", "replace",
        ),
        set(),
    ),
}  # fmt: skip


def test_the_list_is_flyte_2_12s() -> None:
    assert len(FLYTE_2_12_NAMES) == 70 and len(set(FLYTE_2_12_NAMES)) == 70


@pytest.mark.parametrize("name", sorted(FLYTE_2_12_NAMES))
def test_name_resolves(name: str) -> None:
    value = getattr(flytelike, name)
    assert value is not None
    assert name in flytelike.__all__ or name == "__version__"
    exec(f"from flytelike import {name}", {})


@pytest.mark.parametrize("module", FLYTE_SUBMODULES)
def test_submodules_resolve(module: str) -> None:
    assert getattr(flytelike, module) is importlib.import_module(f"flytelike.{module}")


def test_unknown_names_are_attribute_errors() -> None:
    with pytest.raises(AttributeError):
        flytelike.no_such_name  # type: ignore[attr-defined]  # noqa: B018


def test_version_and_loggers() -> None:
    assert flytelike.version() == flytelike.__version__
    assert (
        flytelike.system_logger.name == "flytelike.system" and flytelike.logger.name == "flytelike"
    )


def test_every_submodule_is_listed() -> None:
    assert sorted(FLYTE_MODULE_NAMES) == sorted(FLYTE_SUBMODULES + FLYTE_IMPORTED_SUBMODULES)
    for names, not_local in FLYTE_MODULE_NAMES.values():
        assert len(set(names)) == len(names) and not_local <= set(names)


@pytest.mark.parametrize(
    ("module", "name", "local"),
    [
        (module, name, name not in not_local)
        for module, (names, not_local) in sorted(FLYTE_MODULE_NAMES.items())
        for name in names
    ],
)
def test_submodule_names(module: str, name: str, local: bool) -> None:
    mod = importlib.import_module(f"flytelike.{module}")
    if local:
        assert getattr(mod, name) is not None
        exec(f"from flytelike.{module} import {name}", {})
    else:
        with pytest.raises(ImportError, match=rf"flytelike\.{module}\.{name} .*not available: "):
            getattr(mod, name)
        with pytest.raises(ImportError):
            exec(f"from flytelike.{module} import {name}", {})


def test_fastapi_app_environment_resolves() -> None:
    from flytelike.app.extras import FastAPIAppEnvironment

    assert issubclass(FastAPIAppEnvironment, flytelike.app.AppEnvironment)
