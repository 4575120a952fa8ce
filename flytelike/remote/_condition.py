"""flyte 2's ``flyte.remote.Condition``: the conditions of runs in the local store.

- ``Condition.listall(run_name, action_name=None, limit=100)``: the conditions of a run
  (``flytelike.new_condition``), in creation order, optionally only those created by action
  ``action_name`` (``limit`` is flyte's page size; every condition is listed, as there);
  ``Condition.get(name, /, run_name, action_name=None)``: one by name, or
  ``None``. A run that does not exist raises ``RunNotFoundError``.
- A ``Condition``: ``name``, ``action_name`` (the condition's action id), ``run_name``,
  ``phase`` (flyte's wire name of the phase: ``"ACTION_PHASE_RUNNING"`` while it waits,
  ``"ACTION_PHASE_SUCCEEDED"``, ``"ACTION_PHASE_TIMED_OUT"``, ...), ``expected_type``
  (``bool``/``int``/``float``/``str``), ``parent`` (the action that created it), ``prompt``,
  ``prompt_type``, ``description``, ``value`` (what it was signalled with, ``None`` before),
  ``to_dict()``/``to_json()``.
- ``signal(payload)``: ``bool``, ``int``, ``float`` or ``str`` (``TypeError`` else, as flyte);
  converted to the condition's type as every signal is (``SignalError`` when it does not
  convert or the condition no longer waits).

Every method also has ``.aio`` (``await Condition.get.aio(...)``; ``async for c in
Condition.listall.aio(run_name)``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from flytelike.remote._sync import class_listing, class_sync_and_aio, sync_and_aio


def _engine() -> Any:
    from flytelike.engine import default_engine

    return default_engine()


class Condition:
    """A condition of a run of the local store; see the module docstring."""

    def __init__(self, engine: Any, record: Any, data_type: type | None) -> None:
        self._engine = engine
        self.pb2 = record  # (the condition action's record, where flyte keeps its proto)
        self._type = data_type

    name = property(lambda self: self.pb2.name)
    action_name = property(lambda self: self.pb2.action_id)
    run_name = property(lambda self: self.pb2.run_name)
    parent = property(lambda self: self.pb2.parent)
    expected_type = property(lambda self: self._type)

    @property
    def phase(self) -> str:
        """The phase of the condition's action by its flyte wire name, as flyte's
        ``Condition.phase`` gives it: ``"ACTION_PHASE_RUNNING"`` while it waits,
        ``"ACTION_PHASE_SUCCEEDED"``, ``"ACTION_PHASE_TIMED_OUT"``, ..."""
        from flytelike.ir import ActionPhase

        return f"ACTION_PHASE_{ActionPhase.from_engine_phase(self.pb2.phase).name}"

    def _inputs(self) -> dict[str, Any]:
        import typesystem

        lits = self._engine.store.action_literals(self.run_name, self.action_name, "inputs")
        return {k: typesystem.literal_to_json(v) for k, v in (lits or {}).items()}

    prompt = property(lambda self: self._inputs().get("prompt", ""))
    prompt_type = property(lambda self: self._inputs().get("prompt_type", "text"))
    description = property(lambda self: self._inputs().get("description", ""))

    @property
    def value(self) -> Any:
        """The value the condition was signalled with (``None`` until it was)."""
        import typesystem

        lits = self._engine.store.action_literals(self.run_name, self.action_name, "outputs")
        if not lits or "o0" not in lits:
            return None
        return typesystem.literal_to_json(lits["o0"])

    def to_dict(self) -> dict[str, Any]:
        t = self.expected_type
        return {
            "name": self.name,
            "action": self.action_name,
            "run": self.run_name,
            "phase": self.phase,
            "type": t.__name__ if t is not None else None,
            "parent": self.parent,
            "prompt": self.prompt,
            "description": self.description,
            "value": self.value,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict())

    def __repr__(self) -> str:
        t = self.expected_type
        kind = f", type={t.__name__}" if t is not None else ""
        return (
            f"Condition(name={self.name!r}, action={self.action_name!r}, run={self.run_name!r}, "
            f"phase={self.phase!r}{kind})"
        )

    # ------------------------------------------------------------------ reading
    @class_listing
    def listall(
        cls, run_name: str, action_name: str | None = None, limit: int = 100
    ) -> Iterator[Condition]:
        """The conditions of run ``run_name`` (of action ``action_name`` only, when given).
        ``limit`` is flyte's page size: the local store is read in one go, so every condition
        is listed, as flyte lists every page."""
        if not isinstance(limit, int) or isinstance(limit, bool) or limit <= 0:
            raise ValueError(f"Condition.listall(limit={limit!r}): a positive page size")
        return iter(list(cls._of_run(_engine(), run_name, action_name)))

    @classmethod
    def _of_run(cls, engine: Any, run_name: str, action_name: str | None) -> Iterator[Condition]:
        from flytelike.engine import CONDITION_KIND as KIND
        from flytelike.engine import condition_python_type as python_type
        from flytelike.engine.errors import RunNotFoundError

        store = engine.store
        store.flush()
        if store.get_run(run_name) is None:
            raise RunNotFoundError(f"no run named {run_name!r}")
        types = {g[0]: python_type(g[3]) for g in store.gates(run_name) if g[2] == KIND}
        for rec in store.actions(run_name):
            if rec.kind == KIND and (action_name is None or rec.parent == action_name):
                yield cls(engine, rec, types.get(rec.action_id))

    @class_sync_and_aio
    def get(cls, name: str, /, run_name: str, action_name: str | None = None) -> Condition | None:
        """Condition ``name`` of run ``run_name``, or ``None`` when it has none of that name."""
        return next(
            (c for c in cls._of_run(_engine(), run_name, action_name) if c.name == name), None
        )

    # ------------------------------------------------------------------ signalling
    @sync_and_aio
    def signal(self, payload: bool | int | float | str) -> None:
        """Signal the condition with ``payload`` (bool, int, float or str)."""
        if not isinstance(payload, bool | int | float | str):
            raise TypeError(
                f"payload must be bool, int, float, or str, got {type(payload).__name__}"
            )
        self._engine.signal(self.run_name, self.name, payload)
