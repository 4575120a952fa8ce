"""Remote access, local.

- flytekit's management API: ``FlyteRemote`` (Union's ``UnionRemote``, the same class)
  executes, lists, inspects and terminates runs of the local engine and finds entities of this
  process by name. See ``flytelike.remote._remote`` for what each operation means locally.
- flyte 2's ``flyte.remote``: ``Task`` (tasks ``flytelike.deploy`` registered in the local
  store; ``flytelike.remote._task``), ``Run`` and ``Action`` (runs and actions of the local
  store; ``flytelike.remote._run``), ``App`` (the apps this process served;
  ``flytelike.remote._app``), ``Project`` (the projects the run store records), ``User`` (this
  process's user), ``upload_file``/``upload_dir`` (copies into the raw data prefix;
  ``flytelike.remote._platform``), ``Secret`` (the local secret store; ``_secret``),
  ``Trigger``/``TriggerDetails`` (the triggers of the deployed tasks, with their schedule, next
  firing times and state; ``_trigger``), ``Condition`` (the conditions of a run,
  ``flytelike.new_condition``; list, read and signal them; ``_condition``), ``TimeFilter``
  (``Run.listall``/``Action.listall`` by creation or update time; ``_filters``),
  ``auth_metadata`` (pairs kept for a block; nothing is sent locally; ``_auth``), ``Settings``
  (scoped settings in the local settings store, some of which local runs take; ``_settings``),
  ``Artifact``/``ArtifactGroup``/``PartitionSchema`` (a local artifact catalog next to the run
  store: typed, partitioned, versioned values; ``_artifact``).
"""

from __future__ import annotations

from flytelike._v2.run_view import ActionDetails, RunDetails  # (the run views' classes, as flyte)
from flytelike.remote._app import App
from flytelike.remote._artifact import (
    Artifact,
    ArtifactGroup,
    ArtifactKey,
    ArtifactVersionId,
    PartitionSchema,
)
from flytelike.remote._artifact_partitions import ArtifactError
from flytelike.remote._auth import auth_metadata
from flytelike.remote._condition import Condition
from flytelike.remote._entities import StoredEntity
from flytelike.remote._errors import (
    EntityNotFoundError,
    ExecutionExistsError,
    FlyteTimeout,
    NotSupportedLocallyError,
    RemoteError,
    UploadError,
)
from flytelike.remote._execution import (
    FlyteNodeExecution,
    FlyteTaskExecution,
    FlyteWorkflowExecution,
    Values,
)
from flytelike.remote._filters import TimeFilter
from flytelike.remote._platform import Project, User, upload_dir, upload_file
from flytelike.remote._remote import ExecutionEvent, FlyteRemote, UnionRemote
from flytelike.remote._run import Action, ActionInputs, Run
from flytelike.remote._secret import Secret, SecretTypes
from flytelike.remote._settings import Settings
from flytelike.remote._task import LazyEntity, Task, TaskDetails
from flytelike.remote._trigger import Trigger, TriggerDetails

__all__ = [
    "Action",
    "ActionDetails",
    "ActionInputs",
    "ActionOutputs",
    "App",
    "Artifact",
    "ArtifactError",
    "ArtifactGroup",
    "ArtifactKey",
    "ArtifactVersionId",
    "Condition",
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
    "PartitionSchema",
    "Project",
    "RemoteError",
    "Run",
    "RunDetails",
    "Secret",
    "SecretTypes",
    "Settings",
    "StoredEntity",
    "Task",
    "TaskDetails",
    "TimeFilter",
    "Trigger",
    "TriggerDetails",
    "UnionRemote",
    "UploadError",
    "User",
    "Values",
    "auth_metadata",
    "upload_dir",
    "upload_file",
]


def __getattr__(name: str) -> object:
    if name == "ActionOutputs":
        from flytelike._v2.run import ActionOutputs

        return ActionOutputs
    raise AttributeError(f"module 'flytelike.remote' has no attribute {name!r}")
