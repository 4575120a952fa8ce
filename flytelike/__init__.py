"""flytelike: typed tasks and workflows in the style of Flyte.

Code written for flytekit (v1: ``@task``, ``@workflow``, ...) and for the Flyte v2 SDK
(``TaskEnvironment``, ``@env.task``, ``run``, ``map``, ``group``, ``trace``, ``custom_context``,
``report``, ``io``) runs with its import line changed to ``flytelike``. Importing this package is
cheap: no pandas, pyarrow, polars, grpc, ray, mashumaro, cloudpickle or asyncio is loaded; the v2
names and the offloaded types load on first use.
"""

from typing import TYPE_CHECKING, Any

from flytelike import errors
from flytelike._cache import Cache, CacheFunctionBody, CachePolicy, VersionParameters
from flytelike._carried import (
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
from flytelike._closure import closure_of
from flytelike._container import ContainerTask, OutputLocation, ShellTask, TaskMetadata, kwtypes
from flytelike._context import ctx, custom_context, get_custom_context, group
from flytelike._dynamic import DynamicTask, EagerTask, dynamic, eager
from flytelike._gates import approve, sleep, wait_for_input
from flytelike._image import ImageSpec
from flytelike._imperative import ImperativeWorkflow, Workflow
from flytelike._launch_plan import LaunchPlan
from flytelike._map import MapTask, map_task
from flytelike._nodes import create_node
from flytelike._reference import (
    ReferenceEntity,
    reference_launch_plan,
    reference_task,
    reference_workflow,
)
from flytelike._resources import Resources
from flytelike._schedule import (
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
from flytelike._secret import Secret
from flytelike._task import PythonFunctionTask, task
from flytelike._v2map import map
from flytelike._workflow import PythonFunctionWorkflow, WorkflowBase, workflow
from flytelike.compiler import NodeHandle, Outputs, Promise, conditional
from flytelike.errors import FlyteRecoverableException
from flytelike.extras.accelerators import GPUAccelerator

if TYPE_CHECKING:
    from flytelike import io, report
    from flytelike._env import TaskEnvironment
    from flytelike._image import Image
    from flytelike._trace import trace
    from flytelike._v2run import RunContext, init, init_from_config, run, with_runcontext
    from flytelike.backends._runtime import current_context
    from flytelike.engine import Deck
    from typesystem import HashMethod, TypeEngine
    from typesystem.io import (
        DataFrame,
        Dir,
        Directory,
        File,
        FlyteDirectory,
        FlyteFile,
        StructuredDataset,
        StructuredDatasetType,
    )

# Loaded on first use: name -> (module, attribute or "" for the module itself).
_LAZY = {
    "DataFrame": ("typesystem.io", "DataFrame"),
    "Deck": ("flytelike.engine", "Deck"),
    "Dir": ("typesystem.io", "Dir"),
    "Directory": ("typesystem.io", "Directory"),
    "File": ("typesystem.io", "File"),
    "FlyteDirectory": ("typesystem.io", "FlyteDirectory"),
    "FlyteFile": ("typesystem.io", "FlyteFile"),
    "HashMethod": ("typesystem", "HashMethod"),
    "Image": ("flytelike._image", "Image"),
    "RunContext": ("flytelike._v2run", "RunContext"),
    "StructuredDataset": ("typesystem.io", "StructuredDataset"),
    "StructuredDatasetType": ("typesystem.io", "StructuredDatasetType"),
    "TaskEnvironment": ("flytelike._env", "TaskEnvironment"),
    "TypeEngine": ("typesystem", "TypeEngine"),
    "current_context": ("flytelike.backends._runtime", "current_context"),
    "init": ("flytelike._v2run", "init"),
    "init_from_config": ("flytelike._v2run", "init_from_config"),
    "io": ("flytelike.io", ""),
    "report": ("flytelike.report", ""),
    "run": ("flytelike._v2run", "run"),
    "trace": ("flytelike._trace", "trace"),
    "with_runcontext": ("flytelike._v2run", "with_runcontext"),
}

__all__ = [
    "Annotations",
    "AuthRole",
    "Cache",
    "CacheFunctionBody",
    "CachePolicy",
    "ConcurrencyLimitBehavior",
    "ConcurrencyPolicy",
    "ContainerTask",
    "CronSchedule",
    "DataFrame",
    "Deck",
    "Description",
    "Dir",
    "Directory",
    "Documentation",
    "DynamicTask",
    "EagerTask",
    "Email",
    "EmailNotification",
    "File",
    "FixedRate",
    "FlyteDirectory",
    "FlyteFile",
    "FlyteRecoverableException",
    "GPUAccelerator",
    "HashMethod",
    "Image",
    "ImageSpec",
    "ImperativeWorkflow",
    "Labels",
    "LaunchPlan",
    "MapTask",
    "NodeHandle",
    "Notification",
    "OutputLocation",
    "Outputs",
    "PagerDuty",
    "PagerDutyNotification",
    "PodTemplate",
    "Promise",
    "PythonFunctionTask",
    "PythonFunctionWorkflow",
    "RawOutputDataConfig",
    "ReferenceEntity",
    "Resources",
    "RunContext",
    "Secret",
    "SecurityContext",
    "ShellTask",
    "Slack",
    "SlackNotification",
    "StructuredDataset",
    "StructuredDatasetType",
    "TaskEnvironment",
    "TaskMetadata",
    "TypeEngine",
    "VersionParameters",
    "Workflow",
    "WorkflowBase",
    "WorkflowExecutionPhase",
    "WorkflowFailurePolicy",
    "approve",
    "closure_of",
    "conditional",
    "create_node",
    "ctx",
    "current_context",
    "custom_context",
    "dynamic",
    "eager",
    "errors",
    "get_custom_context",
    "group",
    "init",
    "init_from_config",
    "io",
    "kwtypes",
    "map",
    "map_task",
    "reference_launch_plan",
    "reference_task",
    "reference_workflow",
    "report",
    "run",
    "sleep",
    "task",
    "trace",
    "wait_for_input",
    "with_runcontext",
    "workflow",
]


def __getattr__(name: str) -> Any:
    # The type system, the engine and the v2 surface load on first use, not at import.
    spec = _LAZY.get(name)
    if spec is None:
        raise AttributeError(f"module 'flytelike' has no attribute {name!r}")
    import importlib

    module = importlib.import_module(spec[0])
    value = getattr(module, spec[1]) if spec[1] else module
    globals()[name] = value
    return value
