"""A task that moves data with flyte.storage: puts a local folder and a stream, checks what
exists, reads it back as a stream and through an async file; the driver initialises with
storage settings, as flyte programs written for a cluster do."""

import os

import flyte
import flyte.storage
from flyte.storage import S3

env = flyte.TaskEnvironment(name="storage_helpers")


@env.task
async def shuffle(n: int) -> str:
    folder = flyte.storage.get_random_local_directory()
    for i in range(n):
        (folder / f"part-{i}.txt").write_text(f"part {i}")
    remote_dir = await flyte.storage.put(str(folder), recursive=True)
    assert await flyte.storage.exists(flyte.storage.join(remote_dir, "part-0.txt"))
    blob = await flyte.storage.put_stream(b"hello storage", name="blob.bin")
    assert flyte.storage.exists_sync(blob)
    chunks = [c async for c in flyte.storage.get_stream(blob, chunk_size=4)]
    assert b"".join(chunks) == b"hello storage"
    local = await flyte.storage.get(blob)
    with open(local, "rb") as fh:
        assert fh.read() == b"hello storage"
    copy = await flyte.storage.get(
        remote_dir, str(flyte.storage.get_random_local_path("copy")), recursive=True
    )
    return ",".join(sorted(os.listdir(copy)))


if __name__ == "__main__":
    assert S3.auto(region="us-east-2").region == "us-east-2"
    assert not flyte.storage.is_remote("/tmp/x") and flyte.storage.is_remote("s3://b/k")
    flyte.init(storage=S3.auto(region="us-east-2"))
    run = flyte.run(shuffle, n=2)
    assert run.outputs()[0] == "part-0.txt,part-1.txt", run.outputs()
    print("OK")
