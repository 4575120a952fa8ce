"""``flyte.ctx().group_data`` read as flyte code reads it (``group_data.name if group_data else
None``: the innermost group), while the whole path stays a tuple of names."""

from __future__ import annotations

import pytest

import flytelike as flyte

env = flyte.TaskEnvironment(name="groupdata")


@env.task
async def where() -> str:
    g = flyte.ctx().group_data
    return f"{g.name if g else None}|{'/'.join(g)}"


@env.task
async def root() -> list[str]:
    out = [await where()]
    with flyte.group("outer"):
        out.append(await where())
        with flyte.group("inner"):
            out.append(await where())
    return out


def test_group_data_reads_as_flytes_innermost_group() -> None:
    assert flyte.run(root).outputs() == ["None|", "outer|outer", "inner|outer/inner"]


def test_outside_a_group_it_is_empty_and_false() -> None:
    g = flyte.ctx().group_data
    assert not g and g == ()
    with pytest.raises(AttributeError, match="outside a group"):
        g.name  # noqa: B018
