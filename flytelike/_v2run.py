"""``run``, ``with_runcontext``, ``init`` and ``init_from_config`` (one ``run`` for both styles).

``run(entity, *args, **inputs)`` runs a v2 task, a v1 task, a workflow or a launch plan through
the engine and returns the engine's ``Run`` (``.name``, ``.phase``, ``.wait()``, ``.outputs()``:
the value itself for one output, a tuple - a NamedTuple when named - for several; ``.url``: the
run's local directory as a ``file://`` URI). Positional arguments map to inputs in signature
order. Inputs that cannot be converted raise at once (nothing runs); a failing task gives a
``Run`` in phase FAILED whose ``outputs()`` raises ``flytelike.engine.RunFailedError``. ``run``
works without ``init`` and from inside a running event loop (e.g. an ``async def`` pytest test).
Every task call made inside a running task of the run is a recorded child action (see
``run.actions()``), with the run's custom context and the caller's group.

``with_runcontext(custom_context=, raw_data_path=, overwrite_cache=, max_action_concurrency=,
env_vars=, name=, mode=, ...)`` returns a ``RunContext`` whose ``.run`` applies those settings.
``mode`` is ``"local"`` (the default) or ``"hybrid"`` (treated as local); ``"remote"`` raises,
as flytelike has no remote control plane. Upstream options that only matter to a remote backend
(``project``, ``domain``, ``labels``, ``annotations``, ``service_account``, ``version``,
``copy_style``, ``queue``, ...) are accepted and ignored; unknown keywords raise ``TypeError``.

``init(...)`` and ``init_from_config(...)`` accept flyte's arguments and do nothing: flytelike
always runs on the local engine configured by ``FLYTELIKE_*`` environment variables.
"""

from __future__ import annotations

from typing import Any

from flytelike.errors import ArgumentError

_IGNORED = frozenset(
    {
        "project", "domain", "labels", "annotations", "service_account", "version",
        "copy_style", "dry_run", "interactive_mode", "run_base_dir", "disable_run_cache",
        "cache_lookup_scope", "interruptible", "log_level", "log_format", "queue",
        "notifications", "preserve_original_types", "debug", "metadata_path",
    }
)  # fmt: skip


class RunContext:
    """Settings for runs started with ``.run(entity, *args, **inputs)``."""

    def __init__(
        self,
        *,
        mode: str | None = None,
        name: str | None = None,
        custom_context: dict[str, str] | None = None,
        raw_data_path: str | None = None,
        overwrite_cache: bool = False,
        max_action_concurrency: int | None = None,
        env_vars: dict[str, str] | None = None,
        **ignored: Any,
    ) -> None:
        unknown = set(ignored) - _IGNORED
        if unknown:
            raise TypeError(f"with_runcontext: unknown parameter(s) {', '.join(sorted(unknown))}")
        if mode not in (None, "local", "hybrid"):
            raise ValueError(
                f"with_runcontext(mode={mode!r}): flytelike runs locally; use mode='local' "
                "(or leave it unset)"
            )
        self.name = name
        self.custom_context = {str(k): str(v) for k, v in (custom_context or {}).items()}
        self.raw_data_path = raw_data_path
        self.overwrite_cache = overwrite_cache
        self.max_action_concurrency = max_action_concurrency
        self.env_vars = dict(env_vars or {})

    def run(self, entity: Any, /, *args: Any, **inputs: Any) -> Any:
        from flytelike._context import forget_run, set_run_context
        from flytelike._task import task_environment
        from flytelike.engine import default_engine
        from flytelike.engine._convert import inputs_to_literals
        from flytelike.engine._index import ClosureIndex, to_closure
        from flytelike.engine._run import new_run_name
        from flytelike.ir._model import LaunchPlanTemplate

        if args:
            if getattr(entity, "python_interface", None) is None:
                raise ArgumentError(
                    f"run: {entity!r} takes keyword inputs only", entity=repr(entity)
                )
            from flytelike.compiler._state import map_arguments

            inputs = map_arguments(entity, args, inputs)
        engine = default_engine()
        closure = to_closure(entity)
        primary = ClosureIndex(closure).primary()
        py_iface = getattr(entity, "python_interface", None)
        lp = primary if isinstance(primary, LaunchPlanTemplate) else None
        literals = inputs_to_literals(primary.id.name, primary.interface, py_iface, inputs, lp)
        name = self.name or new_run_name()
        if self.custom_context:
            set_run_context(name, self.custom_context)
        try:
            with task_environment(self.env_vars):
                return engine.run_literals(
                    closure,
                    literals,
                    name=name,
                    overwrite_cache=self.overwrite_cache or None,
                    raw_data_path=self.raw_data_path,
                    max_parallelism=self.max_action_concurrency,
                    py_iface=py_iface,
                )
        finally:
            forget_run(name)  # the run has ended (run_literals waits)


def with_runcontext(**settings: Any) -> RunContext:
    """``with_runcontext(custom_context={...}, ...).run(task, **inputs)``."""
    return RunContext(**settings)


def run(entity: Any, /, *args: Any, **inputs: Any) -> Any:
    """Run ``entity`` (v2 or v1 task, workflow, launch plan) locally; returns a ``Run``."""
    return RunContext().run(entity, *args, **inputs)


def init(*args: Any, **kwargs: Any) -> None:
    """Accepted for flyte compatibility; does nothing (flytelike always runs locally)."""


def init_from_config(*args: Any, **kwargs: Any) -> None:
    """Accepted for flyte compatibility; does nothing (configure with ``FLYTELIKE_*``)."""
