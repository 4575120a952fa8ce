"""``flytelike.group`` is recorded on the actions of the calls made inside it
(``ActionRecord.group``, nested groups joined with ``/``)."""

from __future__ import annotations

import asyncio

import flytelike as flyte
from flytelike.engine import Run

env = flyte.TaskEnvironment("groups")


@env.task
async def leaf(x: int) -> int:
    return x + 1


@env.task
def sync_leaf(x: int) -> int:
    return x * 2


@env.task
async def grouped_root(x: int) -> list[int]:
    out = [await leaf(x)]
    with flyte.group("outer"):
        out.append(await leaf(x))
        with flyte.group("inner"):
            out += await asyncio.gather(leaf(x), leaf(x + 1), sync_leaf.aio(x))
        out.append(await leaf(x))
    out.append(await sync_middle.aio(x))
    return out


@env.task
def sync_middle(x: int) -> int:
    with flyte.group("sync"):
        return sync_leaf(x)


def _groups(r: Run) -> dict[str, tuple[str, str]]:
    return {a.action_id: (a.name, a.group) for a in r.actions()}


def test_nested_groups_and_gather_are_recorded_on_actions() -> None:
    r = flyte.run(grouped_root, 1)
    assert r.outputs() == [2, 2, 2, 3, 2, 2, 2]
    root = "groups.grouped_root"
    assert _groups(r) == {
        root: (root, ""),
        f"{root}/c0": ("groups.leaf", ""),
        f"{root}/c1": ("groups.leaf", "outer"),
        f"{root}/c2": ("groups.leaf", "outer/inner"),
        f"{root}/c3": ("groups.leaf", "outer/inner"),
        f"{root}/c4": ("groups.sync_leaf", "outer/inner"),
        f"{root}/c5": ("groups.leaf", "outer"),
        f"{root}/c6": ("groups.sync_middle", ""),
        f"{root}/c6/c0": ("groups.sync_leaf", "sync"),
    }


@env.task
async def inherits(x: int) -> int:
    with flyte.group("g"):
        return await forwards(x)


@env.task
async def forwards(x: int) -> int:
    return await leaf(x)  # no group here: the call starts in its caller's group


def test_a_childs_calls_start_in_its_callers_group() -> None:
    r = flyte.run(inherits, 1)
    assert r.outputs() == 2
    assert [a.group for a in r.actions()] == ["", "g", "g"]


@env.task
async def mapped(n: int) -> list[int]:
    return [v async for v in flyte.map.aio(leaf, range(n), group_name="batch")]


def test_map_group_name_is_recorded() -> None:
    r = flyte.run(mapped, 2)
    assert r.outputs() == [1, 2]
    assert sorted(a.group for a in r.actions()) == ["", "batch", "batch"]
