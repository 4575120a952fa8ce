"""Failures that are not the task's own, as the engine's ``ExecutionError``: a misconfigured
backend (``RayBackendError``: the user's to fix, not retried) and what Ray reports instead of a
worker's answer (a dead worker, a cancelled task, a runtime_env that cannot be set up).

What does not live here: the error classes (``_errors``), errors of the task itself (they come
back from the worker in the outcome, ``_wire``).
"""

from __future__ import annotations

from flytelike.backends import SYSTEM, USER, ExecutionError
from flytelike_ray._errors import RayBackendError


def config_error(e: RayBackendError) -> ExecutionError:
    """The backend cannot run the action as configured: a ``USER`` error (not retried)."""
    cls = type(e)
    return ExecutionError(
        USER, f"{cls.__name__}: {e}", f"flytelike_ray.{cls.__name__}", exception=e
    )


def ray_failure(e: BaseException, task: str, where: str) -> ExecutionError:
    """A failure Ray reports instead of the worker's answer, as an ``ExecutionError``."""
    import ray.exceptions as rex

    name = type(e).__name__
    first = str(e).strip().splitlines()[0] if str(e).strip() else ""
    if isinstance(e, rex.RuntimeEnvSetupError):
        return ExecutionError(
            USER,
            f"task `{task}` ({where}): Ray could not set up the job's runtime_env on a worker "
            f"({name}: {first}); check the code root the backend ships (working_dir) and "
            "init_options['runtime_env']",
            f"ray.exceptions.{name}",
        )
    if isinstance(e, rex.WorkerCrashedError | rex.NodeDiedError | rex.LocalRayletDiedError):
        what = "the Ray worker running it died"
    elif isinstance(e, rex.OutOfMemoryError):
        what = "Ray killed its worker for lack of memory"
    elif isinstance(e, rex.TaskCancelledError):
        what = "Ray cancelled it"
    else:
        what = "Ray failed to run it"
    return ExecutionError(
        SYSTEM, f"task `{task}` ({where}): {what}: {name}: {first}", f"ray.exceptions.{name}"
    )
