"""How ``FlyteRemote`` honours flytekit's ``Options`` (``flytelike._settings.options``): what
goes into the run's IR (through a launch plan that carries it) and what goes to the engine, and
what ``register_*(..., options=)`` keeps (the launch plan they register carries them).

A task has no launch plan of its own. As Flyte's admin service does for a task executed
directly, a task run whose options carry labels, annotations, a security context or
notifications runs through a generated one-node workflow named ``.flytegen.<task name>`` (same
inputs, defaults and outputs as the task), launched by a launch plan named like the task that
carries them.
"""

from __future__ import annotations

from typing import Any

from flytelike._settings.options import Options

_CARRIED = ("labels", "annotations", "security_context", "notifications")
FLYTEGEN_PREFIX = ".flytegen."


def check_options(options: Any, where: str) -> Options:
    """``options`` when it is an ``Options``; a ``TypeError`` naming ``where`` otherwise."""
    if not isinstance(options, Options):
        raise TypeError(
            f"{where}: options must be a flytelike.Options(...) (flytekit's Options), got "
            f"{type(options).__name__}"
        )
    return options


def with_options(
    entity: Any,
    options: Any,
    raw_data_path: str | None,
    max_parallelism: int | None,
    overwrite_cache: bool | None,
) -> tuple[Any, str | None, int | None, bool | None]:
    """``(entity to run, raw data path, max parallelism, overwrite cache)`` with ``options``
    applied; the explicit arguments win over the options' fields."""
    options = check_options(options, "FlyteRemote.execute")
    raw = raw_data_path or options.raw_data_prefix
    mp = max_parallelism if max_parallelism is not None else options.max_parallelism
    oc = overwrite_cache if overwrite_cache is not None else options.overwrite_cache
    params = options.launch_plan_params()
    if not any(k in params for k in _CARRIED):
        return entity, raw, mp, oc
    return carrying(entity, params, "FlyteRemote.execute"), raw, mp, oc


def carrying(entity: Any, params: dict[str, Any], where: str) -> Any:
    """A launch plan that runs what ``entity`` runs and carries ``params`` (not cached: it
    stands for ``entity``): a launch plan's copy, a workflow's default launch plan, a task's
    launch plan over its ``.flytegen`` workflow."""
    from flytelike._entities.launch_plan import LaunchPlan
    from flytelike._entities.workflow import WorkflowBase

    if isinstance(entity, LaunchPlan):
        return LaunchPlan(entity.name, entity.workflow, {**entity.params, **params})
    if isinstance(entity, WorkflowBase):
        return LaunchPlan(entity.name, entity, params)
    if getattr(entity, "python_interface", None) is not None and callable(
        getattr(entity, "template", None)
    ):
        return LaunchPlan(entity.name, flytegen_workflow(entity), params)
    carried = ", ".join(k for k in _CARRIED if k in params)
    raise ValueError(
        f"{where}: Options({carried}=...) are carried by a launch plan, and "
        f"{getattr(entity, 'name', entity)!r} is not a task, workflow or launch plan defined in "
        "this process (an entity read back from the run store has none): import the module "
        "that defines it and execute that, or drop those options"
    )


def flytegen_workflow(task: Any) -> Any:
    """The one-node workflow ``.flytegen.<task name>`` that runs ``task`` with the workflow's
    inputs and returns the task's outputs under the task's output names."""
    from flytelike._entities.imperative import ImperativeWorkflow

    py = task.python_interface
    wf = ImperativeWorkflow(FLYTEGEN_PREFIX + task.name)
    promises = {name: wf.add_workflow_input(name, t) for name, t in py.inputs.items()}
    wf.python_interface.defaults.update(py.defaults)
    wf.python_interface.default_literals.update(py.default_literals)
    node = wf.add_entity(task, **promises)
    for name, t in py.outputs.items():
        wf.add_workflow_output(name, node.outputs[name], t)
    return wf
