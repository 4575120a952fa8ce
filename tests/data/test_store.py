"""The data store, the data context and retries."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from typesystem.io import (
    DataContext,
    DataStore,
    StorageError,
    _paths,
    current_data_context,
    current_store,
    is_transient,
    use_data_context,
    use_raw_data_prefix,
    with_retries,
)


def test_importing_typesystem_loads_no_heavy_modules() -> None:
    code = (
        "import sys, typesystem, typesystem.io\n"
        "r = typesystem.TypeRegistry(plugins=False)\n"
        "from typesystem.io import File, Dir, DataFrame\n"
        "r.get_transformer(File); r.get_transformer(Dir); r.get_transformer(DataFrame)\n"
        "bad = [m for m in ('fsspec', 'pandas', 'pyarrow', 'polars') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_context_defaults_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLYTELIKE_HOME", "/tmp/somewhere")
    monkeypatch.delenv("FLYTELIKE_RAW_DATA_PREFIX", raising=False)
    assert DataContext.from_env().raw_data_prefix == "file:///tmp/somewhere/data"
    monkeypatch.setenv("FLYTELIKE_RAW_DATA_PREFIX", "s3://bucket/raw")
    assert DataContext.from_env().raw_data_prefix == "s3://bucket/raw"


def test_use_raw_data_prefix_nests_and_restores(tmp_path: Path) -> None:
    outer = current_data_context()
    with use_raw_data_prefix(str(tmp_path / "a")) as a:
        assert current_data_context() is a
        with use_raw_data_prefix("memory://b", storage_options={"s3": {"anon": True}}) as b:
            assert current_store().raw_data_prefix == "memory://b"
            assert b.options_for("s3") == {"anon": True}
            assert b.options_for("s3a") == {"anon": True}
        assert current_data_context() is a
    assert current_data_context() is outer


def test_context_follows_asyncio_tasks(tmp_path: Path) -> None:
    import asyncio

    async def prefix() -> str:
        return await asyncio.to_thread(lambda: current_store().raw_data_prefix)

    async def main() -> str:
        return await asyncio.create_task(prefix())

    with use_raw_data_prefix(str(tmp_path)):
        assert asyncio.run(main()) == str(tmp_path)


def test_paths() -> None:
    assert _paths.protocol_of("s3://b/k") == "s3"
    assert _paths.protocol_of("/tmp/x") == "file"
    assert _paths.protocol_of("file:///tmp/x") == "file"
    assert _paths.local_path("file:///tmp/x") == "/tmp/x"
    assert _paths.join("s3://b/", "k/", "/f") == "s3://b/k/f"
    assert _paths.basename("s3://b/k/f.txt") == "f.txt"
    assert _paths.basename("s3://b") == "b"
    assert _paths.is_under("s3://b/raw/x", "s3://b/raw/")
    assert not _paths.is_under("s3://b/rawx", "s3://b/raw")
    assert _paths.is_under("/tmp/a/b", "file:///tmp/a")
    key = _paths.new_key()
    assert len(key) == 33 and key[2] == "/"


def test_store_file_operations(store: DataContext, tmp_path: Path) -> None:
    s = current_store()
    uri = s.new_uri("hello.txt")
    assert s.contains(uri) and uri.endswith("/hello.txt")
    with s.open(uri, "wb") as fh:
        fh.write(b"hello")
    assert s.exists(uri) and not s.isdir(uri)
    assert s.size(uri) == 5
    s.copy_file(uri, str(tmp_path / "copy.txt"))
    assert (tmp_path / "copy.txt").read_bytes() == b"hello"
    other = s.new_uri("other.txt")
    s.copy_file(uri, other)
    with s.open(other, "rb") as fh:
        assert fh.read() == b"hello"
    s.remove(other)
    assert not s.exists(other)


def test_store_directory_transfers_are_parallel_and_complete(
    store: DataContext, tmp_path: Path
) -> None:
    src = tmp_path / "tree"
    for i in range(20):
        (src / f"d{i % 3}").mkdir(parents=True, exist_ok=True)
        (src / f"d{i % 3}" / f"f{i}.bin").write_bytes(os.urandom(100 + i))
    s = DataStore(store.replace(max_concurrency=8))
    dest = s.new_uri("tree")
    uploaded = s.copy_dir(str(src), dest)
    assert len(uploaded) == 20
    assert s.relative_files(dest) == sorted(
        str(p.relative_to(src)) for p in src.rglob("*") if p.is_file()
    )
    back = tmp_path / "back"
    s.copy_dir(dest, str(back))
    for p in src.rglob("*.bin"):
        assert (back / p.relative_to(src)).read_bytes() == p.read_bytes()
    assert s.find(dest, maxdepth=1) == []
    assert len(s.find(dest)) == 20


def test_memory_protocol(tmp_path: Path) -> None:
    with use_raw_data_prefix("memory://flytelike-test"):
        s = current_store()
        uri = s.new_uri("m.txt")
        with s.open(uri, "wb") as fh:
            fh.write(b"in memory")
        assert s.exists(uri)
        s.copy_file(uri, str(tmp_path / "m.txt"))
        assert (tmp_path / "m.txt").read_bytes() == b"in memory"
        s.remove(uri)


def test_missing_backend_names_the_package() -> None:
    with (
        use_raw_data_prefix("nosuchproto://bucket/x"),
        pytest.raises(StorageError, match=r"not installed|nosuchproto"),
    ):
        current_store().exists("nosuchproto://bucket/x/y")


def test_transient_errors_are_recognised() -> None:
    assert is_transient(ConnectionResetError())
    assert is_transient(TimeoutError())
    assert is_transient(OSError(errno.ECONNRESET, "reset"))
    assert not is_transient(FileNotFoundError("x"))
    assert not is_transient(ValueError("x"))

    class SlowDown(Exception):
        pass

    assert is_transient(SlowDown("please"))


def test_retries_then_succeeds_and_gives_up_with_a_note() -> None:
    calls: list[int] = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise ConnectionResetError("reset by peer")
        return "ok"

    assert with_retries(flaky, retries=3, sleep=lambda s: None) == "ok"
    assert len(calls) == 3

    def always() -> None:
        raise TimeoutError("slow")

    with pytest.raises(TimeoutError) as info:
        with_retries(always, retries=2, sleep=lambda s: None)
    assert "gave up after 3 attempts" in "".join(info.value.__notes__)

    def missing() -> None:
        calls.append(1)
        raise FileNotFoundError("nope")

    calls.clear()
    with pytest.raises(FileNotFoundError):
        with_retries(missing, retries=5, sleep=lambda s: None)
    assert len(calls) == 1


def test_store_retries_transient_failures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import fsspec.implementations.memory as memory

    failures = [ConnectionResetError("reset"), TimeoutError("timeout")]
    real = memory.MemoryFileSystem.put_file

    def flaky_put(self: object, lpath: str, rpath: str, **kw: object) -> object:
        if failures:
            raise failures.pop(0)
        return real(self, lpath, rpath, **kw)

    monkeypatch.setattr(memory.MemoryFileSystem, "put_file", flaky_put)
    src = tmp_path / "x.bin"
    src.write_bytes(b"abc")
    ctx = DataContext(raw_data_prefix="memory://retry-test", retries=3)
    with use_data_context(ctx):
        s = current_store()
        uri = s.new_uri("x.bin")
        s.copy_file(str(src), uri)
        assert not failures
        with s.open(uri, "rb") as fh:
            assert fh.read() == b"abc"
