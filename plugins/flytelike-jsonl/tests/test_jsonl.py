"""JsonlFile and JsonlDir, through the public API, locally and on S3 (seed 003 "JSONL files")."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest
from flytelike_jsonl import JsonlDecodeError, JsonlDir, JsonlFile, register

from typesystem import BlobType, TypeRegistry
from typesystem.io import DataContext, Dir, File


def test_entry_point_registers_the_types() -> None:
    from importlib.metadata import entry_points

    (ep,) = [e for e in entry_points(group="flytelike.types") if e.name == "jsonl"]
    assert ep.load() is register
    registry = TypeRegistry()  # loads plugins on first lookup
    assert registry.literal_type(JsonlFile) == BlobType("jsonl", False)
    assert registry.registered_by(JsonlFile).startswith("plugin jsonl (flytelike-jsonl)")
    assert registry.guess_python_type(BlobType("jsonl", True)) is JsonlDir
    assert issubclass(JsonlFile, File) and issubclass(JsonlDir, Dir)


def test_write_and_read_records(store: DataContext) -> None:
    async def write_records() -> JsonlFile:
        out = JsonlFile.new_remote("results.jsonl")
        async with out.writer() as writer:
            for i in range(5_000):
                await writer.write({"id": i, "score": i * 0.1})
        return out

    async def read_records(data: JsonlFile) -> int:
        count = 0
        async for record in data.iter_records():
            assert record["id"] == count
            count += 1
        return count

    registry = TypeRegistry(plugins=False)
    register(registry)
    out = asyncio.run(write_records())
    received = registry.to_python(registry.to_literal(out, JsonlFile), JsonlFile)
    assert isinstance(received, JsonlFile)
    assert asyncio.run(read_records(received)) == 5_000
    assert sum(1 for _ in received.iter_records_sync()) == 5_000


def test_zstd_by_extension(store: DataContext, tmp_path: Path) -> None:
    async def write_compressed() -> JsonlFile:
        out = JsonlFile.new_remote("results.jsonl.zst")
        async with out.writer(compression_level=3) as writer:
            for i in range(2_000):
                await writer.write({"id": i, "compressed": True})
        return out

    out = asyncio.run(write_compressed())
    local = out.download()
    raw = Path(local).read_bytes()
    assert raw[:4] == b"\x28\xb5\x2f\xfd"  # zstd magic
    assert [r["id"] for r in out.iter_records()] == list(range(2_000))


def test_sync_writer_and_batches(store: DataContext) -> None:
    f = JsonlFile.new_remote("b.jsonl")
    with f.writer_sync() as w:
        for i in range(2_500):
            w.write({"index": i, "value": i * i})
    sizes = [len(b) for b in f.iter_batches_sync(batch_size=1000)]
    assert sizes == [1000, 1000, 500]

    async def batch_count() -> int:
        total = 0
        async for batch in f.iter_batches(batch_size=1000):
            total += len(batch)
        return total

    assert asyncio.run(batch_count()) == 2_500


def test_arrow_batches(store: DataContext) -> None:
    pa = pytest.importorskip("pyarrow")
    f = JsonlFile.new_remote("a.jsonl")
    with f.writer() as w:
        for i in range(100):
            w.write({"value": float(i)})

    async def analyze() -> float:
        batches = []
        async for batch in f.iter_arrow_batches(batch_size=30):
            batches.append(batch)
        assert [b.num_rows for b in batches] == [30, 30, 30, 10]
        table = pa.Table.from_batches(batches)
        values = table.column("value").to_pylist()
        return sum(values) / len(values)

    assert asyncio.run(analyze()) == 49.5


def _corrupt(f: JsonlFile) -> None:
    with f.open("wb") as fh:
        fh.write(b'{"a": 1}\nnot json\n{"a": 2}\n\n{"a": \n{"a": 3}\n')


def test_on_error_modes(store: DataContext, caplog: pytest.LogCaptureFixture) -> None:
    f = JsonlFile.new_remote("bad.jsonl")
    _corrupt(f)
    with pytest.raises(JsonlDecodeError, match="line 2 is not valid JSON") as info:
        list(f.iter_records())
    assert info.value.line_number == 2 and info.value.raw_line == b"not json"
    with caplog.at_level(logging.WARNING, logger="flytelike_jsonl"):
        assert [r["a"] for r in f.iter_records(on_error="skip")] == [1, 2, 3]
    assert "skipping line 2" in caplog.text
    errors: list[dict[str, Any]] = []

    def on_error(line_number: int, raw_line: bytes, exc: Exception) -> None:
        errors.append({"line": line_number, "raw": raw_line})

    assert len(list(f.iter_records(on_error=on_error))) == 3
    assert errors == [{"line": 2, "raw": b"not json"}, {"line": 5, "raw": b'{"a": '}]
    with pytest.raises(ValueError, match="on_error must be"):
        list(f.iter_records(on_error="ignore"))  # type: ignore[arg-type]


def test_sharded_dir(store: DataContext) -> None:
    async def write_large_dataset() -> JsonlDir:
        out = JsonlDir.new_remote("dataset/")
        async with out.writer(
            max_records_per_shard=1_000, max_bytes_per_shard=256 * 1024 * 1024
        ) as w:
            for i in range(3_500):
                await w.write({"index": i, "value": i * i})
        return out

    async def sum_values(dataset: JsonlDir) -> int:
        total = 0
        async for record in dataset.iter_records():
            total += record["value"]
        return total

    registry = TypeRegistry(plugins=False)
    register(registry)
    out = asyncio.run(write_large_dataset())
    back = registry.to_python(registry.to_literal(out, JsonlDir), JsonlDir)
    assert [s.name for s in back.shards()] == [f"part-0000{i}.jsonl" for i in range(4)]
    assert asyncio.run(sum_values(back)) == sum(i * i for i in range(3_500))
    assert [len(b) for b in back.iter_batches_sync(batch_size=2_000)] == [2_000, 1_500]


def test_byte_rotation_compression_and_append(store: DataContext) -> None:
    d = JsonlDir.new_remote("bytes")
    with d.writer_sync(max_bytes_per_shard=2_000, shard_extension=".jsonl.zst") as w:
        for i in range(300):
            w.write({"id": i, "data": f"payload-{i}"})
    first = d.shards()
    assert len(first) > 3 and all(s.name.endswith(".jsonl.zst") for s in first)
    with d.writer_sync(max_records_per_shard=50) as w:  # plain shards after the compressed ones
        for i in range(300, 400):
            w.write({"id": i, "data": f"payload-{i}"})
    names = [s.name for s in d.shards()]
    assert names[len(first) :] == [
        f"part-{len(first):05d}.jsonl",
        f"part-{len(first) + 1:05d}.jsonl",
    ]
    assert [r["id"] for r in d.iter_records()] == list(range(400))


def test_empty_dir_reads_nothing(store: DataContext) -> None:
    assert list(JsonlDir.new_remote("empty").iter_records()) == []
