"""Remote access, local.

- flytekit's management API: ``FlyteRemote`` (Union's ``UnionRemote``, the same class)
  executes, lists, inspects and terminates runs of the local engine and finds entities of this
  process by name. See ``flytelike.remote._remote`` for what each operation means locally.
- flyte 2's ``flyte.remote``: ``Task`` (tasks ``flytelike.deploy`` registered in the local
  store; ``flytelike.remote._task``), ``Run`` and ``Action`` (runs and actions of the local
  store; ``flytelike.remote._run``). flyte 2's names with no local meaning (apps, projects,
  users, secrets and settings of a cluster, uploads) raise ``ImportError`` saying what to use.
"""

from __future__ import annotations

from flytelike.remote._entities import StoredEntity
from flytelike.remote._errors import (
    EntityNotFoundError,
    ExecutionExistsError,
    FlyteTimeout,
    NotSupportedLocallyError,
    RemoteError,
)
from flytelike.remote._execution import (
    FlyteNodeExecution,
    FlyteTaskExecution,
    FlyteWorkflowExecution,
    Values,
)
from flytelike.remote._remote import ExecutionEvent, FlyteRemote, UnionRemote
from flytelike.remote._run import Action, ActionDetails, ActionInputs, Run, RunDetails
from flytelike.remote._task import LazyEntity, Task, TaskDetails

__all__ = [
    "Action",
    "ActionDetails",
    "ActionInputs",
    "ActionOutputs",
    "EntityNotFoundError",
    "ExecutionEvent",
    "ExecutionExistsError",
    "FlyteNodeExecution",
    "FlyteRemote",
    "FlyteTaskExecution",
    "FlyteTimeout",
    "FlyteWorkflowExecution",
    "LazyEntity",
    "NotSupportedLocallyError",
    "RemoteError",
    "Run",
    "RunDetails",
    "StoredEntity",
    "Task",
    "TaskDetails",
    "UnionRemote",
    "Values",
]

# flyte 2's ``flyte.remote`` names without a local meaning: importing one says what to use.
_NOT_LOCAL = {
    "App": "apps are served in this process: flytelike.serve(app_env) returns its handle",
    "Artifact": "artifacts need a cluster's catalog; pass a run's outputs "
    "(flytelike.remote.Run.get(name).outputs()) as inputs",
    "PartitionSchema": "artifacts need a cluster's catalog",
    "TriggerDetails": "triggers are carried on their tasks (TaskEnvironment.task(triggers=...)) "
    "and fire under `flytelike schedule serve`",
    "Condition": "conditions need a control plane; use flytelike.wait_for_input or approve",
    "Project": "projects are names here: flytelike runs list --project P lists a project's runs",
    "Secret": "secrets live in the local secret store: `flytelike secrets create/list/delete`",
    "SecretTypes": "secrets live in the local secret store: `flytelike secrets create`",
    "Settings": "settings are FLYTELIKE_* variables or [tool.flytelike] (docs/configuration.md)",
    "TimeFilter": "filter the runs of Run.listall(...) in Python",
    "Trigger": "triggers are carried on their tasks (TaskEnvironment.task(triggers=...))",
    "User": "there are no users locally",
    "auth_metadata": "there is no authentication locally",
    "upload_dir": "data stays local: pass the path (flytelike.io.Dir.from_local)",
    "upload_file": "data stays local: pass the path (flytelike.io.File.from_local)",
}


def __getattr__(name: str) -> object:
    if name == "ActionOutputs":
        from flytelike._v2.run import ActionOutputs

        return ActionOutputs
    reason = _NOT_LOCAL.get(name)
    if reason is not None:
        raise ImportError(f"flytelike.remote.{name} (flyte's) is not available: {reason}")
    raise AttributeError(f"module 'flytelike.remote' has no attribute {name!r}")
