"""flytelike: typed tasks and workflows in the style of Flyte.

Code written for flytekit runs with its import line changed to ``flytelike``. Importing this
package is cheap: no pandas, pyarrow, polars, grpc, ray, mashumaro or cloudpickle is loaded.
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
from flytelike._workflow import PythonFunctionWorkflow, WorkflowBase, workflow
from flytelike.compiler import NodeHandle, Outputs, Promise, conditional
from flytelike.errors import FlyteRecoverableException
from flytelike.extras.accelerators import GPUAccelerator

if TYPE_CHECKING:
    from typesystem import HashMethod, TypeEngine

map = map_task

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
    "Description",
    "Documentation",
    "DynamicTask",
    "EagerTask",
    "Email",
    "EmailNotification",
    "FixedRate",
    "FlyteRecoverableException",
    "GPUAccelerator",
    "HashMethod",
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
    "Secret",
    "SecurityContext",
    "ShellTask",
    "Slack",
    "SlackNotification",
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
    "dynamic",
    "eager",
    "errors",
    "kwtypes",
    "map",
    "map_task",
    "reference_launch_plan",
    "reference_task",
    "reference_workflow",
    "sleep",
    "task",
    "wait_for_input",
    "workflow",
]


def __getattr__(name: str) -> Any:
    # The type system's literal model loads on first use, not when flytelike is imported.
    if name in ("HashMethod", "TypeEngine"):
        import typesystem

        value = getattr(typesystem, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'flytelike' has no attribute {name!r}")
