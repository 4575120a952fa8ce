"""A flyte 2 program that gives files a precomputed cache key (hash_method="<key>") and reads
them in a cached task."""

import os
import tempfile

import flyte
from flyte.io import File

env = flyte.TaskEnvironment(name="preset_hash")


@env.task(cache="auto")
async def count_lines(f: File) -> int:
    async with f.open("rb") as fh:
        data = await fh.read()
    return len(data.splitlines())


@env.task
async def main() -> tuple[str, str, int]:
    folder = tempfile.mkdtemp()
    a, b = os.path.join(folder, "a.txt"), os.path.join(folder, "b.txt")
    with open(a, "w") as fh:
        fh.write("1\n2\n3\n")
    with open(b, "w") as fh:
        fh.write("x\n")
    fa = await File.from_local(a, hash_method="lines-v1")
    fb = await File.from_local(b, hash_method="lines-v2")
    return fa.hash, fb.hash, await count_lines(fa)


if __name__ == "__main__":
    flyte.init()
    ha, hb, n = flyte.run(main).outputs()
    assert (ha, hb, n) == ("lines-v1", "lines-v2", 3), (ha, hb, n)
    print("OK")
