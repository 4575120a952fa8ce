"""flytelike: typed tasks and workflows in the style of Flyte.

Code written for flytekit (v1: ``@task``, ``@workflow``, ...) and for the Flyte v2 SDK
(``TaskEnvironment``, ``@env.task``, ``run``, ``map``, ``group``, ``trace``, ``custom_context``,
``report``, ``io``) runs with its import line changed to ``flytelike``. Importing this package is
cheap: no pandas, pyarrow, polars, grpc, ray, mashumaro, cloudpickle or asyncio is loaded; the v2
names and the offloaded types load on first use.
"""

from typing import TYPE_CHECKING, Any

# The one place the release version is written (pyproject.toml reads it from here).
__version__ = "0.1.0"

from flytelike._compat.absent import install as _install_absent_modules
from flytelike._compat.moved import install as _install_moved_paths

_install_moved_paths()  # old module paths (pickles in run stores written before 0.2) still load
_install_absent_modules()  # flyte 2 modules flytelike does not provide raise NotProvidedError

if TYPE_CHECKING:
    from builtins import str as StructuredDatasetFormat  # flytekit: a format is a str
    from collections.abc import Generator  # flytekit re-exports it

    from flytelike import (
        app,
        artifacts,
        configuration,
        core,
        deck,
        durable,
        errors,
        exceptions,
        extend,
        extras,
        git,
        image_spec,
        io,
        models,
        notify,
        remote,
        report,
        sensor,
        storage,
        types,
    )
    from flytelike._compat.plugins import load_implicit_plugins
    from flytelike._entities.container import (
        ContainerTask,
        OutputLocation,
        ShellTask,
        TaskMetadata,
        kwtypes,
    )
    from flytelike._entities.dynamic import DynamicTask, EagerTask, dynamic, eager
    from flytelike._entities.gates import approve, sleep, wait_for_input
    from flytelike._entities.imperative import ImperativeWorkflow, Workflow
    from flytelike._entities.launch_plan import LaunchPlan
    from flytelike._entities.map_task import MapTask, map_task
    from flytelike._entities.nodes import create_node
    from flytelike._entities.python_task import PythonInstanceTask, SQLTask
    from flytelike._entities.reference import (
        ReferenceEntity,
        reference_launch_plan,
        reference_task,
        reference_workflow,
    )
    from flytelike._entities.references import (
        LaunchPlanReference,
        TaskReference,
        WorkflowReference,
        get_reference_entity,
    )
    from flytelike._entities.task import PythonFunctionTask, task
    from flytelike._entities.workflow import PythonFunctionWorkflow, WorkflowBase, workflow
    from flytelike._remote_verbs.deploy import deploy
    from flytelike._remote_verbs.scripts import load_plugin_config, run_python_script
    from flytelike._settings.cache import (
        Cache,
        CacheFunctionBody,
        CachePolicy,
        CacheRequest,
        FunctionBodyPolicy,
        VersionParameters,
    )
    from flytelike._settings.carried import (
        Annotations,
        AuthRole,
        Description,
        Documentation,
        Labels,
        PodTemplate,
        RawOutputDataConfig,
        SecurityContext,
        WorkflowFailurePolicy,
    )
    from flytelike._settings.image import Image, ImageSpec
    from flytelike._settings.options import Options
    from flytelike._settings.resources import Resources
    from flytelike._settings.schedule import (
        ConcurrencyLimitBehavior,
        ConcurrencyPolicy,
        CronSchedule,
        Email,
        EmailNotification,
        FixedRate,
        Notification,
        PagerDuty,
        PagerDutyNotification,
        Slack,
        SlackNotification,
        WorkflowExecutionPhase,
    )
    from flytelike._settings.secret import Secret
    from flytelike._settings.source_code import SourceCode
    from flytelike._settings.triggers import OnArtifact, TriggeredArtifact, TriggeredPartition
    from flytelike._settings.v2config import (
        AMD_GPU,
        APPLE_SILICON,
        GPU,
        HABANA_GAUDI,
        TPU,
        Backoff,
        Cron,
        Device,
        DeviceClass,
        Link,
        Neuron,
        RetryStrategy,
        ReusePolicy,
        SecretRequest,
        Timeout,
        TimeoutType,
        Trigger,
        TriggerTime,
    )
    from flytelike._v2.conditions import ConditionWebhook, new_condition
    from flytelike._v2.context import ctx, custom_context, get_custom_context, group
    from flytelike._v2.env import Environment, TaskEnvironment
    from flytelike._v2.init import (
        current_domain,
        current_project,
        init,
        init_from_api_key,
        init_from_config,
        init_in_cluster,
        init_passthrough,
        is_control_plane_available,
    )
    from flytelike._v2.interactive import load_interactive_ctx
    from flytelike._v2.map import map
    from flytelike._v2.run import RunContext, run, with_runcontext
    from flytelike._v2.task import V2Task as AsyncFunctionTaskTemplate
    from flytelike._v2.task import V2Task as TaskTemplate
    from flytelike._v2.trace import trace
    from flytelike._v2.verbs import ImageBuild, build, build_images, rerun

    # (as _LAZY below: each name from the module that defines it)
    from flytelike.app._serve import AppHandle, serve, with_servecontext
    from flytelike.backends import ExecutionContext as ExecutionParameters
    from flytelike.backends import FlyteContext, FlyteContextManager, current_context

    # (flytekit's Checkpoint; the one on the backends' face is the runtime's)
    from flytelike.backends._checkpoint import BaseCheckpoint, Checkpoint, latest_checkpoint

    # (as _LAZY below: each name from the module that defines it)
    from flytelike.backends._logging import logger, system_logger
    from flytelike.compiler import NodeHandle, Outputs, Promise, closure_of, conditional
    from flytelike.configuration import Config
    from flytelike.engine import Deck
    from flytelike.errors import FlyteRecoverableException
    from flytelike.extras.accelerators import GPUAccelerator
    from flytelike.remote import FlyteRemote, UnionRemote
    from flytelike.types import directory, file, iterator
    from typesystem import BatchSize, HashMethod, TypeEngine

    # (flytekit's literal models; typesystem's face has its own Literal and the rest)
    from typesystem._kit import Blob, BlobMetadata, BlobType, Literal, LiteralType, Scalar
    from typesystem.io import (
        DataFrame,
        Dir,
        Directory,
        File,
        FlyteDirectory,
        FlyteFile,
        StructuredDataset,
        StructuredDatasetTransformerEngine,
        StructuredDatasetType,
    )

# Loaded on first use: name -> (module, attribute or "" for the module itself).
_LAZY = {
    "AMD_GPU": ("flytelike._settings.v2config", "AMD_GPU"),
    "APPLE_SILICON": ("flytelike._settings.v2config", "APPLE_SILICON"),
    "Annotations": ("flytelike._settings.carried", "Annotations"),
    "AppHandle": ("flytelike.app._serve", "AppHandle"),
    "AsyncFunctionTaskTemplate": ("flytelike._v2.task", "V2Task"),
    "AuthRole": ("flytelike._settings.carried", "AuthRole"),
    "Backoff": ("flytelike._settings.v2config", "Backoff"),
    "BatchSize": ("typesystem", "BatchSize"),
    "BaseCheckpoint": ("flytelike.backends._checkpoint", "BaseCheckpoint"),
    "Blob": ("typesystem._kit", "Blob"),
    "BlobMetadata": ("typesystem._kit", "BlobMetadata"),
    "BlobType": ("typesystem._kit", "BlobType"),
    "Cache": ("flytelike._settings.cache", "Cache"),
    "CacheFunctionBody": ("flytelike._settings.cache", "CacheFunctionBody"),
    "CachePolicy": ("flytelike._settings.cache", "CachePolicy"),
    "CacheRequest": ("flytelike._settings.cache", "CacheRequest"),
    "Checkpoint": ("flytelike.backends._checkpoint", "Checkpoint"),
    "ConcurrencyLimitBehavior": ("flytelike._settings.schedule", "ConcurrencyLimitBehavior"),
    "ConcurrencyPolicy": ("flytelike._settings.schedule", "ConcurrencyPolicy"),
    "ConditionWebhook": ("flytelike._v2.conditions", "ConditionWebhook"),
    "Config": ("flytelike.configuration", "Config"),
    "ContainerTask": ("flytelike._entities.container", "ContainerTask"),
    "Cron": ("flytelike._settings.v2config", "Cron"),
    "CronSchedule": ("flytelike._settings.schedule", "CronSchedule"),
    "DataFrame": ("typesystem.io", "DataFrame"),
    "Deck": ("flytelike.engine", "Deck"),
    "Description": ("flytelike._settings.carried", "Description"),
    "Device": ("flytelike._settings.v2config", "Device"),
    "DeviceClass": ("flytelike._settings.v2config", "DeviceClass"),
    "Dir": ("typesystem.io", "Dir"),
    "Directory": ("typesystem.io", "Directory"),
    "Documentation": ("flytelike._settings.carried", "Documentation"),
    "DynamicTask": ("flytelike._entities.dynamic", "DynamicTask"),
    "EagerTask": ("flytelike._entities.dynamic", "EagerTask"),
    "Email": ("flytelike._settings.schedule", "Email"),
    "EmailNotification": ("flytelike._settings.schedule", "EmailNotification"),
    "Environment": ("flytelike._v2.env", "Environment"),
    "ExecutionParameters": ("flytelike.backends", "ExecutionContext"),
    "File": ("typesystem.io", "File"),
    "FixedRate": ("flytelike._settings.schedule", "FixedRate"),
    "FlyteContext": ("flytelike.backends", "FlyteContext"),
    "FlyteContextManager": ("flytelike.backends", "FlyteContextManager"),
    "FlyteDirectory": ("typesystem.io", "FlyteDirectory"),
    "FlyteFile": ("typesystem.io", "FlyteFile"),
    "FlyteRecoverableException": ("flytelike.errors", "FlyteRecoverableException"),
    "FlyteRemote": ("flytelike.remote", "FlyteRemote"),
    "FunctionBodyPolicy": ("flytelike._settings.cache", "FunctionBodyPolicy"),
    "GPU": ("flytelike._settings.v2config", "GPU"),
    "GPUAccelerator": ("flytelike.extras.accelerators", "GPUAccelerator"),
    "Generator": ("collections.abc", "Generator"),
    "HABANA_GAUDI": ("flytelike._settings.v2config", "HABANA_GAUDI"),
    "HashMethod": ("typesystem", "HashMethod"),
    "Image": ("flytelike._settings.image", "Image"),
    "ImageBuild": ("flytelike._v2.verbs", "ImageBuild"),
    "ImageSpec": ("flytelike._settings.image", "ImageSpec"),
    "ImperativeWorkflow": ("flytelike._entities.imperative", "ImperativeWorkflow"),
    "Labels": ("flytelike._settings.carried", "Labels"),
    "LaunchPlan": ("flytelike._entities.launch_plan", "LaunchPlan"),
    "LaunchPlanReference": ("flytelike._entities.references", "LaunchPlanReference"),
    "Link": ("flytelike._settings.v2config", "Link"),
    "Literal": ("typesystem._kit", "Literal"),
    "LiteralType": ("typesystem._kit", "LiteralType"),
    "MapTask": ("flytelike._entities.map_task", "MapTask"),
    "Neuron": ("flytelike._settings.v2config", "Neuron"),
    "NodeHandle": ("flytelike.compiler", "NodeHandle"),
    "Notification": ("flytelike._settings.schedule", "Notification"),
    "OnArtifact": ("flytelike._settings.triggers", "OnArtifact"),
    "Options": ("flytelike._settings.options", "Options"),
    "OutputLocation": ("flytelike._entities.container", "OutputLocation"),
    "Outputs": ("flytelike.compiler", "Outputs"),
    "PagerDuty": ("flytelike._settings.schedule", "PagerDuty"),
    "PagerDutyNotification": ("flytelike._settings.schedule", "PagerDutyNotification"),
    "PodTemplate": ("flytelike._settings.carried", "PodTemplate"),
    "Promise": ("flytelike.compiler", "Promise"),
    "PythonFunctionTask": ("flytelike._entities.task", "PythonFunctionTask"),
    "PythonFunctionWorkflow": ("flytelike._entities.workflow", "PythonFunctionWorkflow"),
    "PythonInstanceTask": ("flytelike._entities.python_task", "PythonInstanceTask"),
    "RawOutputDataConfig": ("flytelike._settings.carried", "RawOutputDataConfig"),
    "ReferenceEntity": ("flytelike._entities.reference", "ReferenceEntity"),
    "Resources": ("flytelike._settings.resources", "Resources"),
    "RetryStrategy": ("flytelike._settings.v2config", "RetryStrategy"),
    "ReusePolicy": ("flytelike._settings.v2config", "ReusePolicy"),
    "RunContext": ("flytelike._v2.run", "RunContext"),
    "Scalar": ("typesystem._kit", "Scalar"),
    "Secret": ("flytelike._settings.secret", "Secret"),
    "SecretRequest": ("flytelike._settings.v2config", "SecretRequest"),
    "SecurityContext": ("flytelike._settings.carried", "SecurityContext"),
    "SQLTask": ("flytelike._entities.python_task", "SQLTask"),
    "ShellTask": ("flytelike._entities.container", "ShellTask"),
    "Slack": ("flytelike._settings.schedule", "Slack"),
    "SourceCode": ("flytelike._settings.source_code", "SourceCode"),
    "SlackNotification": ("flytelike._settings.schedule", "SlackNotification"),
    "StructuredDataset": ("typesystem.io", "StructuredDataset"),
    "StructuredDatasetFormat": ("builtins", "str"),
    "StructuredDatasetTransformerEngine": ("typesystem.io", "StructuredDatasetTransformerEngine"),
    "StructuredDatasetType": ("typesystem.io", "StructuredDatasetType"),
    "TPU": ("flytelike._settings.v2config", "TPU"),
    "TaskEnvironment": ("flytelike._v2.env", "TaskEnvironment"),
    "TaskMetadata": ("flytelike._entities.container", "TaskMetadata"),
    "TaskReference": ("flytelike._entities.references", "TaskReference"),
    "TaskTemplate": ("flytelike._v2.task", "V2Task"),
    "Timeout": ("flytelike._settings.v2config", "Timeout"),
    "TimeoutType": ("flytelike._settings.v2config", "TimeoutType"),
    "Trigger": ("flytelike._settings.v2config", "Trigger"),
    "TriggerTime": ("flytelike._settings.v2config", "TriggerTime"),
    "TriggeredArtifact": ("flytelike._settings.triggers", "TriggeredArtifact"),
    "TriggeredPartition": ("flytelike._settings.triggers", "TriggeredPartition"),
    "TypeEngine": ("typesystem", "TypeEngine"),
    "UnionRemote": ("flytelike.remote", "UnionRemote"),
    "VersionParameters": ("flytelike._settings.cache", "VersionParameters"),
    "Workflow": ("flytelike._entities.imperative", "Workflow"),
    "WorkflowBase": ("flytelike._entities.workflow", "WorkflowBase"),
    "WorkflowExecutionPhase": ("flytelike._settings.schedule", "WorkflowExecutionPhase"),
    "WorkflowFailurePolicy": ("flytelike._settings.carried", "WorkflowFailurePolicy"),
    "WorkflowReference": ("flytelike._entities.references", "WorkflowReference"),
    "app": ("flytelike.app", ""),
    "artifacts": ("flytelike.artifacts", ""),
    "approve": ("flytelike._entities.gates", "approve"),
    "build": ("flytelike._v2.verbs", "build"),
    "build_images": ("flytelike._v2.verbs", "build_images"),
    "closure_of": ("flytelike.compiler", "closure_of"),
    "conditional": ("flytelike.compiler", "conditional"),
    "configuration": ("flytelike.configuration", ""),
    "core": ("flytelike.core", ""),
    "create_node": ("flytelike._entities.nodes", "create_node"),
    "ctx": ("flytelike._v2.context", "ctx"),
    "current_context": ("flytelike.backends", "current_context"),
    "current_domain": ("flytelike._v2.init", "current_domain"),
    "current_project": ("flytelike._v2.init", "current_project"),
    "custom_context": ("flytelike._v2.context", "custom_context"),
    "deck": ("flytelike.deck", ""),
    "deploy": ("flytelike._remote_verbs.deploy", "deploy"),
    "durable": ("flytelike.durable", ""),
    "directory": ("flytelike.types", "directory"),
    "dynamic": ("flytelike._entities.dynamic", "dynamic"),
    "eager": ("flytelike._entities.dynamic", "eager"),
    "errors": ("flytelike.errors", ""),
    "exceptions": ("flytelike.exceptions", ""),
    "extend": ("flytelike.extend", ""),
    "extras": ("flytelike.extras", ""),
    "file": ("flytelike.types", "file"),
    "get_custom_context": ("flytelike._v2.context", "get_custom_context"),
    "get_reference_entity": ("flytelike._entities.references", "get_reference_entity"),
    "git": ("flytelike.git", ""),
    "group": ("flytelike._v2.context", "group"),
    "image_spec": ("flytelike.image_spec", ""),
    "init": ("flytelike._v2.init", "init"),
    "init_from_api_key": ("flytelike._v2.init", "init_from_api_key"),
    "init_from_config": ("flytelike._v2.init", "init_from_config"),
    "init_in_cluster": ("flytelike._v2.init", "init_in_cluster"),
    "init_passthrough": ("flytelike._v2.init", "init_passthrough"),
    "io": ("flytelike.io", ""),
    "is_control_plane_available": ("flytelike._v2.init", "is_control_plane_available"),
    "iterator": ("flytelike.types", "iterator"),
    "kwtypes": ("flytelike._entities.container", "kwtypes"),
    "latest_checkpoint": ("flytelike.backends._checkpoint", "latest_checkpoint"),
    "load_implicit_plugins": ("flytelike._compat.plugins", "load_implicit_plugins"),
    "load_interactive_ctx": ("flytelike._v2.interactive", "load_interactive_ctx"),
    "load_plugin_config": ("flytelike._remote_verbs.scripts", "load_plugin_config"),
    "logger": ("flytelike.backends._logging", "logger"),
    "map": ("flytelike._v2.map", "map"),
    "map_task": ("flytelike._entities.map_task", "map_task"),
    "models": ("flytelike.models", ""),
    "new_condition": ("flytelike._v2.conditions", "new_condition"),
    "notify": ("flytelike.notify", ""),
    "reference_launch_plan": ("flytelike._entities.reference", "reference_launch_plan"),
    "reference_task": ("flytelike._entities.reference", "reference_task"),
    "reference_workflow": ("flytelike._entities.reference", "reference_workflow"),
    "remote": ("flytelike.remote", ""),
    "report": ("flytelike.report", ""),
    "rerun": ("flytelike._v2.verbs", "rerun"),
    "run": ("flytelike._v2.run", "run"),
    "run_python_script": ("flytelike._remote_verbs.scripts", "run_python_script"),
    "sensor": ("flytelike.sensor", ""),
    "serve": ("flytelike.app._serve", "serve"),
    "sleep": ("flytelike._entities.gates", "sleep"),
    "storage": ("flytelike.storage", ""),
    "system_logger": ("flytelike.backends._logging", "system_logger"),
    "task": ("flytelike._entities.task", "task"),
    "trace": ("flytelike._v2.trace", "trace"),
    "types": ("flytelike.types", ""),
    "wait_for_input": ("flytelike._entities.gates", "wait_for_input"),
    "with_runcontext": ("flytelike._v2.run", "with_runcontext"),
    "with_servecontext": ("flytelike.app._serve", "with_servecontext"),
    "workflow": ("flytelike._entities.workflow", "workflow"),
}

__all__ = [
    "AMD_GPU",
    "APPLE_SILICON",
    "Annotations",
    "AppHandle",
    "AsyncFunctionTaskTemplate",
    "AuthRole",
    "Backoff",
    "BaseCheckpoint",
    "BatchSize",
    "Blob",
    "BlobMetadata",
    "BlobType",
    "Cache",
    "CacheFunctionBody",
    "CachePolicy",
    "CacheRequest",
    "Checkpoint",
    "ConcurrencyLimitBehavior",
    "ConcurrencyPolicy",
    "ConditionWebhook",
    "Config",
    "ContainerTask",
    "Cron",
    "CronSchedule",
    "DataFrame",
    "Deck",
    "Description",
    "Device",
    "DeviceClass",
    "Dir",
    "Directory",
    "Documentation",
    "DynamicTask",
    "EagerTask",
    "Email",
    "EmailNotification",
    "Environment",
    "ExecutionParameters",
    "File",
    "FixedRate",
    "FlyteContext",
    "FlyteContextManager",
    "FlyteDirectory",
    "FlyteFile",
    "FlyteRecoverableException",
    "FlyteRemote",
    "FunctionBodyPolicy",
    "GPU",
    "GPUAccelerator",
    "Generator",
    "HABANA_GAUDI",
    "HashMethod",
    "Image",
    "ImageBuild",
    "ImageSpec",
    "ImperativeWorkflow",
    "Labels",
    "LaunchPlan",
    "LaunchPlanReference",
    "Link",
    "Literal",
    "LiteralType",
    "MapTask",
    "Neuron",
    "NodeHandle",
    "Notification",
    "OnArtifact",
    "Options",
    "OutputLocation",
    "Outputs",
    "PagerDuty",
    "PagerDutyNotification",
    "PodTemplate",
    "Promise",
    "PythonFunctionTask",
    "PythonFunctionWorkflow",
    "PythonInstanceTask",
    "RawOutputDataConfig",
    "ReferenceEntity",
    "Resources",
    "RetryStrategy",
    "ReusePolicy",
    "RunContext",
    "SQLTask",
    "Scalar",
    "Secret",
    "SecretRequest",
    "SecurityContext",
    "ShellTask",
    "Slack",
    "SlackNotification",
    "SourceCode",
    "StructuredDataset",
    "StructuredDatasetFormat",
    "StructuredDatasetTransformerEngine",
    "StructuredDatasetType",
    "TPU",
    "TaskEnvironment",
    "TaskMetadata",
    "TaskReference",
    "TaskTemplate",
    "Timeout",
    "TimeoutType",
    "Trigger",
    "TriggerTime",
    "TriggeredArtifact",
    "TriggeredPartition",
    "TypeEngine",
    "UnionRemote",
    "VersionParameters",
    "Workflow",
    "WorkflowBase",
    "WorkflowExecutionPhase",
    "WorkflowFailurePolicy",
    "WorkflowReference",
    "app",
    "approve",
    "artifacts",
    "build",
    "build_images",
    "closure_of",
    "conditional",
    "configuration",
    "core",
    "create_node",
    "ctx",
    "current_context",
    "current_domain",
    "current_project",
    "custom_context",
    "deck",
    "deploy",
    "directory",
    "durable",
    "dynamic",
    "eager",
    "errors",
    "exceptions",
    "extend",
    "extras",
    "file",
    "get_custom_context",
    "get_reference_entity",
    "git",
    "group",
    "image_spec",
    "init",
    "init_from_api_key",
    "init_from_config",
    "init_in_cluster",
    "init_passthrough",
    "io",
    "is_control_plane_available",
    "iterator",
    "kwtypes",
    "latest_checkpoint",
    "load_implicit_plugins",
    "load_interactive_ctx",
    "load_plugin_config",
    "logger",
    "map",
    "map_task",
    "models",
    "new_condition",
    "notify",
    "reference_launch_plan",
    "reference_task",
    "reference_workflow",
    "remote",
    "report",
    "rerun",
    "run",
    "run_python_script",
    "sensor",
    "serve",
    "sleep",
    "storage",
    "system_logger",
    "task",
    "trace",
    "types",
    "version",
    "wait_for_input",
    "with_runcontext",
    "with_servecontext",
    "workflow",
]


def version() -> str:
    """The flytelike release (flyte's ``flyte.version()``)."""
    return __version__


def __getattr__(name: str) -> Any:
    # Every public name loads on first use, so `import flytelike` does no work.
    spec = _LAZY.get(name)
    if spec is None:
        from flytelike._compat.aliases import not_provided

        not_provided(__name__, name, {})  # flytekit's names without a local meaning say why
        raise AttributeError(f"module 'flytelike' has no attribute {name!r}")
    import importlib

    module = importlib.import_module(spec[0])
    value = getattr(module, spec[1]) if spec[1] else module
    globals()[name] = value
    return value
