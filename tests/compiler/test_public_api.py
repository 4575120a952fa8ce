"""The public surface of ``flytelike`` is pinned, and importing it stays cheap."""

from __future__ import annotations

import subprocess
import sys

import flytelike

EXPECTED = [
    "AMD_GPU", "APPLE_SILICON", "Annotations", "AppHandle", "AsyncFunctionTaskTemplate", "AuthRole",
    "Backoff", "BaseCheckpoint", "BatchSize", "Blob", "BlobMetadata", "BlobType", "Cache",
    "CacheFunctionBody", "CachePolicy", "CacheRequest", "Checkpoint", "ConcurrencyLimitBehavior",
    "ConcurrencyPolicy", "ConditionWebhook", "Config", "ContainerTask", "Cron", "CronSchedule",
    "DataFrame", "Deck", "Description", "Device", "DeviceClass", "Dir", "Directory",
    "Documentation", "DynamicTask", "EagerTask", "Email", "EmailNotification", "Environment",
    "ExecutionParameters", "File", "FixedRate", "FlyteContext", "FlyteContextManager",
    "FlyteDirectory", "FlyteFile", "FlyteRecoverableException", "FlyteRemote", "FunctionBodyPolicy",
    "GPU", "GPUAccelerator", "Generator", "HABANA_GAUDI", "HashMethod", "Image", "ImageBuild",
    "ImageSpec", "ImperativeWorkflow", "Labels", "LaunchPlan", "LaunchPlanReference", "Link",
    "Literal", "LiteralType", "MapTask", "Neuron", "NodeHandle", "Notification", "OnArtifact",
    "Options", "OutputLocation", "Outputs", "PagerDuty", "PagerDutyNotification", "PodTemplate",
    "Promise", "PythonFunctionTask", "PythonFunctionWorkflow", "PythonInstanceTask",
    "RawOutputDataConfig", "ReferenceEntity", "Resources", "RetryStrategy", "ReusePolicy",
    "RunContext", "SQLTask", "Scalar", "Secret", "SecretRequest", "SecurityContext", "ShellTask",
    "Slack", "SlackNotification", "SourceCode", "StructuredDataset", "StructuredDatasetFormat",
    "StructuredDatasetTransformerEngine", "StructuredDatasetType", "TPU", "TaskEnvironment",
    "TaskMetadata", "TaskReference", "TaskTemplate", "Timeout", "TimeoutType", "Trigger",
    "TriggerTime", "TriggeredArtifact", "TriggeredPartition", "TypeEngine", "UnionRemote",
    "VersionParameters", "Workflow", "WorkflowBase", "WorkflowExecutionPhase",
    "WorkflowFailurePolicy", "WorkflowReference", "app", "approve", "artifacts", "build",
    "build_images",
    "closure_of", "conditional", "configuration", "core", "create_node", "ctx", "current_context",
    "current_domain", "current_project", "custom_context", "deck", "deploy", "directory", "durable",
    "dynamic",
    "eager", "errors", "exceptions", "extend", "extras", "file", "get_custom_context",
    "get_reference_entity", "git", "group", "image_spec", "init", "init_from_api_key",
    "init_from_config", "init_in_cluster", "init_passthrough", "io", "is_control_plane_available",
    "iterator", "kwtypes", "latest_checkpoint", "load_implicit_plugins", "load_interactive_ctx",
    "load_plugin_config", "logger", "map", "map_task", "models", "new_condition", "notify",
    "reference_launch_plan", "reference_task", "reference_workflow", "remote", "report", "rerun",
    "run", "run_python_script", "sensor", "serve", "sleep", "storage", "system_logger", "task",
    "trace",
    "types", "version", "wait_for_input", "with_runcontext", "with_servecontext", "workflow",
]  # fmt: skip


def test_all_is_pinned_and_sorted() -> None:
    assert flytelike.__all__ == sorted(flytelike.__all__)
    assert flytelike.__all__ == EXPECTED
    for name in flytelike.__all__:
        assert hasattr(flytelike, name), name


def test_one_table_lazy_names_type_checking_imports_and_all_agree() -> None:
    # `_LAZY` is the table; the TYPE_CHECKING imports (what type checkers see) must name the
    # same objects from the same modules, and `__all__` must list exactly those names (plus the
    # functions defined in the package itself).
    import ast
    from pathlib import Path

    tree = ast.parse(Path(flytelike.__file__).read_text())
    checked: dict[str, tuple[str, str]] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            for imp in ast.walk(node):
                if isinstance(imp, ast.ImportFrom):
                    for alias in imp.names:
                        mod = imp.module or ""
                        if mod == "flytelike":  # `from flytelike import io`: a submodule
                            checked[alias.asname or alias.name] = (f"flytelike.{alias.name}", "")
                        else:
                            checked[alias.asname or alias.name] = (mod, alias.name)
    lazy = flytelike._LAZY  # type: ignore[attr-defined]
    assert checked == lazy
    defined_here = {"version"}
    assert set(flytelike.__all__) == set(lazy) | defined_here


def test_flytekit_names_work_with_the_import_line_changed() -> None:
    from flytelike import map_task, task, workflow  # noqa: F401
    from flytelike.extras.accelerators import A100  # noqa: F401
    from flytelike.extras.tasks.shell import OutputLocation, ShellTask  # noqa: F401

    # one `map`: with no iterables it is flytekit's map_task, with iterables Flyte v2's map
    assert isinstance(flytelike.map(flytelike.task(_double)), flytelike.MapTask)


def _double(x: int) -> int:
    return 2 * x


def test_import_is_cheap() -> None:
    code = (
        "import sys, time; t = time.perf_counter(); import flytelike; "
        "print(time.perf_counter() - t); "
        "heavy = ('pandas', 'pyarrow', 'polars', 'grpc', 'ray', 'mashumaro', 'cloudpickle', "
        "'google.protobuf', 'click', 'asyncio', 'fsspec'); "
        "print(','.join(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    seconds, heavy = out.stdout.splitlines()
    assert heavy == ""
    assert float(seconds) < 0.5  # generous for loaded CI machines; target < 80 ms


def test_error_tree() -> None:
    from flytelike import errors

    assert issubclass(errors.ArgumentError, errors.CompileError)
    assert issubclass(errors.ArgumentError, TypeError)
    assert issubclass(errors.BindingTypeError, TypeError)
    assert issubclass(errors.PromiseUsageError, ValueError)
    assert issubclass(errors.InterfaceError, errors.DefinitionError)
    assert issubclass(errors.ResourceError, errors.DefinitionError)
    for name in ("DefinitionError", "CompileError", "LaunchPlanError", "IRDecodeError"):
        assert issubclass(getattr(errors, name), errors.FlytelikeError)
        assert name in errors.__doc__  # type: ignore[operator]


def test_v2_error_tree() -> None:
    from flytelike import errors
    from flytelike.engine import RunFailedError, TaskTimeoutError

    for name in (
        "TaskTimeoutError", "RetriesExhaustedError", "InlineIOMaxBytesBreached",
        "OnlyAsyncIOSupportedError", "NonRecoverableError", "TaskInterruptedError",
    ):  # fmt: skip
        cls = getattr(errors, name)
        assert issubclass(cls, errors.RuntimeUserError) and name in errors.__doc__  # type: ignore[operator]
        e = cls("it broke")
        assert (e.code, e.kind, e.root_cause_message) == (name, "user", "it broke")
    assert errors.RuntimeUnknownError("X", "m").kind == "unknown"
    # the engine's timeout error is both a RunFailedError and v2's TaskTimeoutError
    assert issubclass(TaskTimeoutError, RunFailedError)
    assert issubclass(TaskTimeoutError, errors.TaskTimeoutError)
    e = TaskTimeoutError("late", run_name="r1", node_id="n0")
    assert (e.run_name, e.node_id, e.phase, e.code) == ("r1", "n0", "TIMED_OUT", "TaskTimeoutError")
