"""A flytekit 1.16 module with @eager tasks in the form flytekit 1.16 documents: a task called
in the eager body without `await`, its result passed straight on to the next call or returned
(one output, and a pair of outputs), and an eager task awaiting another eager task."""

import asyncio
import typing

from flytekit import eager, task


@task
def scale(v: int, by: int) -> int:
    return v * by


@task
def label(v: int) -> str:
    return f"item-{v}"


@eager
async def scaled_label(v: int) -> str:
    bigger = scale(v=v, by=10)
    return label(v=bigger)


@eager
async def both(v: int) -> typing.Tuple[int, str]:
    return scale(v=v, by=3), label(v=scale(v=v, by=2))


@eager
async def outer(v: int) -> str:
    inner = await scaled_label(v=v + 1)
    return inner.upper()


assert asyncio.run(scaled_label(v=4)) == "item-40"
n, s = asyncio.run(both(v=5))
assert (n, s) == (15, "item-10"), (n, s)
assert asyncio.run(outer(v=1)) == "ITEM-20"
print("OK")
