"""A flyte 2 program with Literal types: plain string and int choices, and a Literal that mixes an
enum member with other values (flyte takes that one as Any), passed through echo tasks."""

import asyncio
import enum
from typing import Literal

import flyte

env = flyte.TaskEnvironment(name="literals")


class Shade(enum.Enum):
    DARK = "dark"
    LIGHT = "light"


Size = Literal["s", "m", "l"]
Level = Literal[1, 2, 3]
Mixed = Literal[Shade.DARK, "auto", 0]


@env.task
async def echo(size: Size, level: Level, mixed: Mixed) -> tuple[Size, Level, Mixed]:
    return size, level, mixed


@env.task
async def label(size: Size, level: Level, mixed: Mixed) -> str:
    shown = mixed.value if isinstance(mixed, Shade) else mixed
    return f"{size}{level}:{shown}"


@env.task
async def main() -> list[str]:
    async def pipe(args: tuple) -> str:
        return await label(*(await echo(*args)))

    return list(
        await asyncio.gather(
            pipe(("s", 1, Shade.DARK)), pipe(("l", 3, "auto")), pipe(("m", 2, Shade.LIGHT))
        )
    )


if __name__ == "__main__":
    flyte.init()
    assert flyte.run(main).outputs()[0] == ["s1:dark", "l3:auto", "m2:light"]
    print("OK")
