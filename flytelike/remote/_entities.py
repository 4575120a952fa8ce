"""Registering and fetching entities by name, locally.

There is no remote registry: an entity "registered" is compiled (so definition errors surface)
and remembered in this process; "fetching" finds an entity of this process by its name
(``module.qualname``, e.g. ``workflows.example.wf``). ``find`` looks, in this order:

1. entities registered through ``FlyteRemote.register_*`` in this process (newest wins);
2. launch plans created in this process (``LaunchPlan.get_or_create``), for launch plans;
3. module-level entities of modules already imported (``__main__`` included, so a script's own
   entities are found without importing it twice);
4. the module named by the name's prefix, imported (``workflows.example`` for
   ``workflows.example.wf``);
5. the run store: the compiled closure of the newest run of an entity with that name (so
   entities run by another process can be executed again), as a ``StoredEntity``.

A workflow asked for as a launch plan gives its default launch plan (same name, as upstream).
"""

from __future__ import annotations

import importlib
import sys
import threading
from typing import Any

from flytelike.engine import Engine
from flytelike.ir import Closure, Identifier, Interface, ResourceType
from flytelike.remote._errors import EntityNotFoundError

_REGISTERED: dict[tuple[ResourceType, str], Any] = {}
_LOCK = threading.Lock()

_WHAT = {
    ResourceType.TASK: ("task", "register_task"),
    ResourceType.WORKFLOW: ("workflow", "register_workflow"),
    ResourceType.LAUNCH_PLAN: ("launch plan", "register_launch_plan"),
}


class StoredEntity:
    """An entity known only from the run store (its compiled closure); ``execute`` runs it with
    types guessed from its interface, as ``flytelike`` does for runs read back from the store."""

    def __init__(self, closure: Closure) -> None:
        from flytelike.engine import ClosureIndex

        self.closure = closure
        self.id: Identifier = closure.primary
        self.name = closure.primary.name
        self.interface: Interface = ClosureIndex(closure).primary().interface

    def __repr__(self) -> str:
        return f"StoredEntity({self.id.resource_type.value} {self.name!r})"


def compile_entity(entity: Any) -> Closure:
    """Compile ``entity`` (task, workflow, launch plan) to its closure, validating it."""
    from flytelike.engine import to_closure

    if isinstance(entity, StoredEntity):
        return entity.closure
    return to_closure(entity)


def kind_of(entity: Any) -> ResourceType:
    return compile_entity(entity).primary.resource_type


def register(entity: Any, expected: ResourceType | None = None) -> Any:
    """Compile ``entity`` and remember it under its name; returns it."""
    kind = kind_of(entity)
    if expected is not None and kind is not expected:
        raise TypeError(
            f"{_WHAT[expected][1]} was given a {_WHAT[kind][0]} ({_name(entity)}); use "
            f"{_WHAT[kind][1]}"
        )
    with _LOCK:
        _REGISTERED[(kind, _name(entity))] = entity
    return entity


def _name(entity: Any) -> str:
    name = getattr(entity, "name", None)
    return name if isinstance(name, str) else compile_entity(entity).primary.name


def find(kind: ResourceType, name: str, engine: Engine) -> Any:
    """The entity of ``kind`` named ``name``; raises ``EntityNotFoundError``."""
    hit = _REGISTERED.get((kind, name))
    if hit is not None:
        return hit
    if kind is ResourceType.LAUNCH_PLAN:
        from flytelike._entities.launch_plan import LaunchPlan

        lp = LaunchPlan.CACHE.get(name)
        if lp is not None:
            return lp
    for candidate in _in_code(name):
        k = kind_of(candidate)
        if k is kind:
            return candidate
        if kind is ResourceType.LAUNCH_PLAN and k is ResourceType.WORKFLOW:
            from flytelike._entities.launch_plan import LaunchPlan

            return LaunchPlan.get_or_create(candidate)
        raise EntityNotFoundError(
            f"{name!r} is a {_WHAT[k][0]}, not a {_WHAT[kind][0]}; fetch it with "
            f"fetch_{_WHAT[k][1].removeprefix('register_')}",
            entity=name,
        )
    stored = _in_store(kind, name, engine)
    if stored is not None:
        return stored
    module, _, attr = name.rpartition(".")
    raise EntityNotFoundError(
        f"no {_WHAT[kind][0]} named {name!r} in this process or in the run store "
        f"{engine.config.db_path}: import the module that defines it "
        f"(`from {module or 'my_module'} import {attr}`) or register it with "
        f"`remote.{_WHAT[kind][1]}(entity)`; flytelike has no remote registry to fetch from",
        entity=name,
    )


def _in_code(name: str) -> list[Any]:
    """Entities named ``name`` defined at module level in this process's code."""
    found: list[Any] = []
    main = sys.modules.get("__main__")
    qual = name.rpartition(".")[2]
    if main is not None:
        obj = getattr(main, qual, None)
        if obj is not None and getattr(obj, "name", None) == name:
            found.append(obj)
    parts = name.split(".")
    for i in range(len(parts) - 1, 0, -1):
        mod_name = ".".join(parts[:i])
        module = sys.modules.get(mod_name)
        if module is None:
            try:
                module = importlib.import_module(mod_name)
            except ImportError:
                continue
        obj = module
        for attr in parts[i:]:
            obj = getattr(obj, attr, None)
            if obj is None:
                break
        if obj is not None and obj is not module:
            found.append(obj)
        break
    return [o for o in found if _is_entity(o)]


def _is_entity(obj: Any) -> bool:
    try:
        compile_entity(obj)
    except Exception:
        return False
    return True


def _in_store(kind: ResourceType, name: str, engine: Engine) -> StoredEntity | None:
    for rec in engine.list_runs(20, None, name):
        closure = engine.store.run_closure(rec.name)
        if isinstance(closure, Closure) and closure.primary.resource_type is kind:
            return StoredEntity(closure)
    return None
