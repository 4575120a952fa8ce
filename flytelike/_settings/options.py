"""``Options``: flytekit's per-execution settings (``flytekit.core.options``).

flytekit takes ``Options`` where it launches or registers a workflow
(``FlyteRemote.execute(..., options=)``, ``register_workflow(..., options=)``,
``register_script(..., options=)``). Here ``FlyteRemote.execute`` honours them: ``labels``,
``annotations``, ``security_context``, ``notifications`` and ``disable_notifications`` are
carried into the IR of the run (the workflow or launch plan runs through a launch plan that
carries them, named like the one it stands for), ``raw_output_data_config`` sets the run's raw
data prefix, ``max_parallelism`` its parallelism and ``overwrite_cache`` its cache use. A
task run directly takes the prefix, parallelism and cache setting; when its options carry
labels, annotations, a security context or notifications it runs, as in Flyte, through a
generated one-node workflow ``.flytegen.<task name>`` launched by a launch plan carrying them
(``flytelike.remote._options``). ``register_workflow(..., options=)`` (and ``register_script``,
``fast_register_workflow``) register the workflow's default launch plan carrying them, and
``register_launch_plan(..., options=)`` a copy of the launch plan carrying them;
``register_task(..., options=)`` raises ``TypeError`` (flytekit's takes none), naming
``execute(task, options=...)``. Not here: the launch plan itself (``_entities.launch_plan``).
"""

from __future__ import annotations

from typing import Any

from flytelike._settings.carried import Annotations, Labels, RawOutputDataConfig, SecurityContext
from flytelike.ir import record

# Options field -> LaunchPlan.get_or_create parameter it is carried as.
LAUNCH_PLAN_FIELDS = {
    "labels": "labels",
    "annotations": "annotations",
    "raw_output_data_config": "raw_output_data_config",
    "max_parallelism": "max_parallelism",
    "security_context": "security_context",
    "notifications": "notifications",
    "overwrite_cache": "overwrite_cache",
}


@record
class Options:
    """Settings for one execution (see the module docstring for where each one goes)."""

    labels: Labels | None = None
    annotations: Annotations | None = None
    raw_output_data_config: RawOutputDataConfig | None = None
    security_context: SecurityContext | None = None
    max_parallelism: int | None = None
    notifications: Any = None
    disable_notifications: bool | None = None
    overwrite_cache: bool | None = None

    @classmethod
    def default_from(
        cls, k8s_service_account: str | None = None, raw_data_prefix: str | None = None
    ) -> Options:
        """Options with a service account (carried in ``security_context``) and a raw data
        prefix."""
        sc = None
        if k8s_service_account:
            sc = SecurityContext(run_as={"k8s_service_account": k8s_service_account})
        raw = RawOutputDataConfig(raw_data_prefix) if raw_data_prefix else None
        return cls(security_context=sc, raw_output_data_config=raw)

    def launch_plan_params(self) -> dict[str, Any]:
        """The set fields as ``LaunchPlan`` parameters (``disable_notifications`` drops the
        notifications)."""
        params = {lp: getattr(self, f) for f, lp in LAUNCH_PLAN_FIELDS.items() if getattr(self, f)}
        if self.disable_notifications:
            params.pop("notifications", None)
        return params

    @property
    def raw_data_prefix(self) -> str | None:
        raw = self.raw_output_data_config
        return (getattr(raw, "output_location_prefix", None) or None) if raw else None
