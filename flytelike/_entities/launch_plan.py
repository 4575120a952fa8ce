"""``LaunchPlan``: a workflow with (partial) inputs, schedules and notifications.

Default inputs can be overridden when launching; fixed inputs cannot. Called inside a workflow a
launch plan becomes a launch-plan node (an independent execution); called anywhere else it runs
its workflow locally with the merged inputs. Launch plans are cached by name:
``get_or_create`` with the same name and arguments returns the same object, with different ones
it is an error.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, ClassVar

import typesystem
from flytelike._entities.task import DEFAULT_DOMAIN, DEFAULT_PROJECT
from flytelike._entities.workflow import WorkflowBase
from flytelike._settings.carried import Annotations, Labels
from flytelike._settings.opaque import to_opaque
from flytelike._settings.schedule import ConcurrencyPolicy, CronSchedule, FixedRate
from flytelike.compiler import SUBWORKFLOW_KEYS, Entity, PyInterface, call_entity
from flytelike.errors import LaunchPlanError
from flytelike.ir import (
    ConcurrencySpec,
    Identifier,
    LaunchPlanNode,
    LaunchPlanTemplate,
    ResourceType,
    with_version,
)

_PARAMS = (
    "default_inputs",
    "fixed_inputs",
    "schedule",
    "notifications",
    "labels",
    "annotations",
    "raw_output_data_config",
    "max_parallelism",
    "security_context",
    "auth_role",
    "trigger",
    "overwrite_cache",
    "auto_activate",
    "concurrency",
)


class LaunchPlan(Entity):
    """A named way to launch a workflow."""

    kind_label = "launch plan"
    override_keys = SUBWORKFLOW_KEYS
    CACHE: ClassVar[dict[str, LaunchPlan]] = {}

    def __init__(self, name: str, workflow: WorkflowBase, params: dict[str, Any]) -> None:
        if not isinstance(workflow, WorkflowBase):
            raise LaunchPlanError(
                f"launch plan {name!r}: launch plans wrap workflows, got {workflow!r} (tasks are "
                "launched directly)"
            )
        self.name = name
        self.workflow = workflow
        self.params = params
        wf_iface = workflow.python_interface
        where = f"launch plan {name!r} of workflow `{workflow.name}`"
        registry = typesystem.default_registry()
        self.fixed_inputs: dict[str, Any] = dict(params.get("fixed_inputs") or {})
        self.default_inputs: dict[str, Any] = dict(params.get("default_inputs") or {})
        for label, values in (
            ("fixed_inputs", self.fixed_inputs),
            ("default_inputs", self.default_inputs),
        ):
            for k, v in values.items():
                if k not in wf_iface.inputs:
                    raise LaunchPlanError(
                        f"{where}: {label} names {k!r}, which is not an input of the workflow; "
                        f"inputs are {', '.join(wf_iface.inputs)}"
                    )
                try:
                    registry.to_literal(v, wf_iface.inputs[k])
                except typesystem.TypeSystemError as e:
                    raise LaunchPlanError(
                        f"{where}: {label}[{k!r}] does not match its type: {e}"
                    ) from e
        both = set(self.fixed_inputs) & set(self.default_inputs)
        if both:
            raise LaunchPlanError(f"{where}: {sorted(both)} are both fixed and default inputs")
        schedule = params.get("schedule")
        if schedule is not None:
            if not isinstance(schedule, CronSchedule | FixedRate):
                raise LaunchPlanError(f"{where}: schedule must be a CronSchedule or a FixedRate")
            arg = schedule.kickoff_time_input_arg
            if arg:
                t = wf_iface.inputs.get(arg)
                if t is None or t is not _dt.datetime:
                    raise LaunchPlanError(
                        f"{where}: kickoff_time_input_arg {arg!r} must name a `datetime` input of "
                        "the workflow"
                    )
        concurrency = params.get("concurrency")
        if concurrency is not None and not isinstance(concurrency, ConcurrencyPolicy):
            raise LaunchPlanError(f"{where}: concurrency must be a ConcurrencyPolicy")
        mp = params.get("max_parallelism")
        if mp is not None and (not isinstance(mp, int) or mp < 0):
            raise LaunchPlanError(f"{where}: max_parallelism must be an int >= 0")
        inputs = {k: t for k, t in wf_iface.inputs.items() if k not in self.fixed_inputs}
        self.python_interface = PyInterface(
            inputs,
            dict(wf_iface.outputs),
            {k: wf_iface.input_types[k] for k in inputs},
            dict(wf_iface.output_types),
            output_tuple=wf_iface.output_tuple,
        )
        defaults = {k: v for k, v in wf_iface.defaults.items() if k in inputs}
        defaults.update(self.default_inputs)
        if defaults:
            from flytelike.compiler import set_defaults

            set_defaults(self.python_interface, defaults, where)
        self._template: LaunchPlanTemplate | None = None

    # ------------------------------------------------------------------------- flytekit's view
    # What was given, under flytekit's attribute names (``fixed_inputs``/``default_inputs`` are
    # the Python values, where flytekit's ``fixed_inputs`` is a literal map).
    @property
    def raw_fixed_inputs(self) -> dict[str, Any]:
        return dict(self.fixed_inputs)

    @property
    def saved_inputs(self) -> dict[str, Any]:
        """The default and fixed inputs together."""
        return {**self.default_inputs, **self.fixed_inputs}

    @property
    def schedule(self) -> CronSchedule | FixedRate | None:
        return self.params.get("schedule")

    @property
    def notifications(self) -> list[Any]:
        return list(self.params.get("notifications") or [])

    @property
    def labels(self) -> Labels | None:
        return self.params.get("labels")

    @property
    def annotations(self) -> Annotations | None:
        return self.params.get("annotations")

    @property
    def max_parallelism(self) -> int | None:
        return self.params.get("max_parallelism")

    @property
    def concurrency(self) -> ConcurrencyPolicy | None:
        return self.params.get("concurrency")

    @property
    def overwrite_cache(self) -> bool | None:
        return self.params.get("overwrite_cache")

    @property
    def raw_output_data_config(self) -> Any:
        return self.params.get("raw_output_data_config")

    @property
    def security_context(self) -> Any:
        return self.params.get("security_context")

    @property
    def trigger(self) -> Any:
        return self.params.get("trigger")

    @property
    def should_auto_activate(self) -> bool:
        return bool(self.params.get("auto_activate"))

    # ------------------------------------------------------------------------- construction
    @classmethod
    def get_or_create(
        cls, workflow: WorkflowBase, name: str | None = None, **params: Any
    ) -> LaunchPlan:
        unknown = set(params) - set(_PARAMS)
        if unknown:
            raise TypeError(
                f"LaunchPlan.get_or_create() got unexpected arguments {sorted(unknown)}"
            )
        given = {k: v for k, v in params.items() if v is not None and v is not False}
        if name is None:
            if given:
                raise LaunchPlanError(
                    "Only named launchplans can be created that have other properties; give "
                    f"name= (got {', '.join(sorted(given))} for workflow `{workflow.name}`)"
                )
            name = workflow.name
            given = _default_options(workflow)
        cached = cls.CACHE.get(name)
        if cached is not None and cached.workflow is not workflow and name == workflow.name:
            # the workflow was defined again (a notebook cell run twice, a test per case): it
            # gets a default launch plan of its own (flytekit hands back the first one's)
            cached = None
        if cached is not None:
            if cached.workflow is not workflow or cached.params != given:
                raise LaunchPlanError(
                    f"launch plan {name!r} already exists with a different workflow or different "
                    "parameters; choose another name"
                )
            return cached
        lp = cls(name, workflow, given)
        cls.CACHE[name] = lp
        return lp

    @classmethod
    def create(cls, name: str, workflow: WorkflowBase, **params: Any) -> LaunchPlan:
        return cls.get_or_create(workflow, name, **params)

    @classmethod
    def get_default_launch_plan(cls, ctx: Any, workflow: WorkflowBase) -> LaunchPlan:
        return cls.get_or_create(workflow)

    # ------------------------------------------------------------------------- IR
    def template(self) -> LaunchPlanTemplate:
        if self._template is None:
            p = self.params
            registry = typesystem.default_registry()
            wf_in = self.workflow.python_interface.inputs
            fixed = tuple(
                (k, registry.to_literal(v, wf_in[k])) for k, v in sorted(self.fixed_inputs.items())
            )
            labels = p.get("labels")
            annotations = p.get("annotations")
            concurrency = p.get("concurrency")
            raw = p.get("raw_output_data_config")
            iface = self.python_interface.to_ir()
            tmpl = LaunchPlanTemplate(
                id=Identifier(
                    ResourceType.LAUNCH_PLAN, DEFAULT_PROJECT, DEFAULT_DOMAIN, self.name, ""
                ),
                workflow=self.workflow.id,
                interface=iface,
                fixed_inputs=fixed,
                schedule=p["schedule"].to_ir() if p.get("schedule") else None,
                notifications=tuple(n.to_ir() for n in p.get("notifications") or ()),
                labels=_pairs(labels),
                annotations=_pairs(annotations),
                max_parallelism=p.get("max_parallelism"),
                concurrency=ConcurrencySpec(concurrency.max_concurrency, concurrency.behavior.value)
                if concurrency
                else None,
                overwrite_cache=p.get("overwrite_cache"),
                auto_activate=bool(p.get("auto_activate")),
                raw_output_data_prefix=getattr(raw, "output_location_prefix", raw or ""),
                security_context=to_opaque(p.get("security_context")),
                auth_role=to_opaque(p.get("auth_role")),
                trigger=to_opaque(p.get("trigger")),
            )
            self._template = with_version(tmpl)
        return self._template

    @property
    def id(self) -> Identifier:
        return self.template().id

    def node_target(self) -> LaunchPlanNode:
        return LaunchPlanNode(self.id)

    # ------------------------------------------------------------------------- calls
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return call_entity(self, args, kwargs)

    def local_call(self, kwargs: dict[str, Any]) -> Any:
        for k in kwargs:
            if k in self.fixed_inputs:
                raise LaunchPlanError(
                    f"launch plan {self.name!r}: input {k!r} is fixed to "
                    f"{self.fixed_inputs[k]!r} and cannot be overridden"
                )
        from flytelike._entities import calls

        return calls.local_call(self, kwargs, None)  # a run (a child action inside @eager)

    def __repr__(self) -> str:
        return f"<LaunchPlan {self.name} -> {self.workflow.name}>"


def _pairs(value: Any) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    data: Any = value.values if isinstance(value, Labels | Annotations) else value
    return tuple(sorted((str(k), str(v)) for k, v in dict(data or {}).items()))


def _default_options(workflow: WorkflowBase) -> dict[str, Any]:
    """The default launch plan's labels and annotations: the workflow's
    ``default_options`` (flytekit's ``@workflow(default_options=Options(...))``)."""
    options = getattr(workflow, "default_options", None)
    if options is None:
        return {}
    return {k: v for k in ("labels", "annotations") if (v := getattr(options, k)) is not None}
