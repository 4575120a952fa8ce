"""How ``FlyteRemote`` honours flytekit's ``Options`` (``flytelike._settings.options``): what
goes into the run's IR (through a launch plan that carries it) and what goes to the engine."""

from __future__ import annotations

from typing import Any

from flytelike._settings.options import Options

_CARRIED = ("labels", "annotations", "security_context", "notifications")


def with_options(
    entity: Any,
    options: Any,
    raw_data_path: str | None,
    max_parallelism: int | None,
    overwrite_cache: bool | None,
) -> tuple[Any, str | None, int | None, bool | None]:
    """``(entity to run, raw data path, max parallelism, overwrite cache)`` with ``options``
    applied; the explicit arguments win over the options' fields."""
    if not isinstance(options, Options):
        raise TypeError(
            f"options must be a flytelike.Options(...) (flytekit's Options), got "
            f"{type(options).__name__}"
        )
    raw = raw_data_path or options.raw_data_prefix
    mp = max_parallelism if max_parallelism is not None else options.max_parallelism
    oc = overwrite_cache if overwrite_cache is not None else options.overwrite_cache
    params = options.launch_plan_params()
    if not any(k in params for k in _CARRIED):
        return entity, raw, mp, oc
    return _carrying(entity, params), raw, mp, oc


def _carrying(entity: Any, params: dict[str, Any]) -> Any:
    """A launch plan that runs what ``entity`` runs and carries ``params`` (not cached: it
    stands for ``entity`` in this one run)."""
    from flytelike._entities.launch_plan import LaunchPlan
    from flytelike._entities.workflow import WorkflowBase

    if isinstance(entity, LaunchPlan):
        return LaunchPlan(entity.name, entity.workflow, {**entity.params, **params})
    if isinstance(entity, WorkflowBase):
        return LaunchPlan(entity.name, entity, params)
    carried = ", ".join(k for k in _CARRIED if k in params)
    raise ValueError(
        f"Options({carried}=...) are carried by a workflow's launch plan; "
        f"{getattr(entity, 'name', entity)!r} is not a workflow or launch plan defined in this "
        "process: execute a workflow that calls it, or drop those options"
    )
