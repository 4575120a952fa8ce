"""A flyte 2 driver that hands local files and a folder to a run: each is made with from_local
while it is still being written (the writes reach the disk only when its `with` block closes),
so the run must see what the file holds when the run starts, not when from_local was called."""

import os
import tempfile

import flyte
from flyte.io import Dir, File

env = flyte.TaskEnvironment(name="deferred_upload")


@env.task
async def count_lines(parts: list[File]) -> int:
    total = 0
    for part in parts:
        async with part.open("rb") as fh:
            total += len((await fh.read()).splitlines())
    return total


@env.task
async def list_folder(folder: Dir) -> list[str]:
    return sorted([f.name async for f in folder.walk()])


@env.task
async def main(parts: list[File], folder: Dir) -> tuple[int, list[str]]:
    return await count_lines(parts), await list_folder(folder)


if __name__ == "__main__":
    flyte.init()
    parts = []
    for i in range(3):
        with tempfile.NamedTemporaryFile("w", suffix=f"_{i}.txt", delete=False) as fh:
            fh.write("".join(f"row {i}.{j}\n" for j in range(4)))
            parts.append(File.from_local_sync(fh.name))
    root = tempfile.mkdtemp()
    folder = Dir.from_local_sync(root)
    for name in ("b.csv", "a.csv"):
        with open(os.path.join(root, name), "w") as fh:
            fh.write("x\n")
    assert [p.name for p in parts] == [os.path.basename(p.path) for p in parts]
    run = flyte.with_runcontext(mode="local").run(main, parts, folder)
    lines, names = run.outputs()
    assert (lines, names) == (12, ["a.csv", "b.csv"]), (lines, names)
    print("OK")
