"""The public surface of ``flytelike`` is pinned, and importing it stays cheap."""

from __future__ import annotations

import subprocess
import sys

import flytelike

EXPECTED = [
    "Annotations", "AuthRole", "Cache", "CacheFunctionBody", "CachePolicy",
    "ConcurrencyLimitBehavior", "ConcurrencyPolicy", "ContainerTask", "CronSchedule",
    "Description", "Documentation", "DynamicTask", "EagerTask", "Email", "EmailNotification",
    "FixedRate", "FlyteRecoverableException", "GPUAccelerator", "HashMethod", "ImageSpec",
    "ImperativeWorkflow", "Labels", "LaunchPlan", "MapTask", "NodeHandle", "Notification",
    "OutputLocation", "Outputs", "PagerDuty", "PagerDutyNotification", "PodTemplate", "Promise",
    "PythonFunctionTask", "PythonFunctionWorkflow", "RawOutputDataConfig", "ReferenceEntity",
    "Resources", "Secret", "SecurityContext", "ShellTask", "Slack", "SlackNotification",
    "TaskMetadata", "TypeEngine", "VersionParameters", "Workflow", "WorkflowBase",
    "WorkflowExecutionPhase", "WorkflowFailurePolicy", "closure_of", "conditional",
    "create_node", "dynamic", "eager", "errors", "kwtypes", "logger", "map", "map_task", "approve",
    "sleep",
    "wait_for_input",
    "reference_launch_plan", "reference_task", "reference_workflow", "task", "workflow",
    # Flyte v2 names and flytekit's offloaded types (lazily loaded)
    "DataFrame", "Deck", "Dir", "Directory", "File", "FlyteDirectory", "FlyteFile", "Image",
    "RunContext", "StructuredDataset", "StructuredDatasetType", "TaskEnvironment",
    "current_context", "ctx", "custom_context", "get_custom_context", "group", "init",
    "init_from_config", "io", "report", "run", "trace", "with_runcontext",
    # Flyte v2 configuration objects (flytelike/_v2config.py)
    "Backoff", "Cron", "Device", "GPU", "Link", "RetryStrategy", "ReusePolicy", "SecretRequest",
    "TPU", "Timeout", "TimeoutType", "Trigger", "TriggerTime",
    # the local management API (flytelike/remote/)
    "FlyteRemote", "UnionRemote",
]  # fmt: skip


def test_all_is_pinned_and_sorted() -> None:
    names = [n for n in flytelike.__all__ if n in EXPECTED]
    assert names == sorted(names)
    assert set(EXPECTED) <= set(flytelike.__all__)
    for name in flytelike.__all__:
        assert hasattr(flytelike, name), name


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
