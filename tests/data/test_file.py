"""``File``/``FlyteFile``: constructors, lazy download, upload at the boundary, hashing."""

from __future__ import annotations

import asyncio
import os
import typing
from pathlib import Path
from typing import Annotated

import pytest

from typesystem import Blob, BlobType, ConversionError, HashMethod, TypeRegistry, digest
from typesystem.io import (
    DataContext,
    File,
    FlyteFile,
    _paths,
    content_hash,
    current_store,
    use_data_context,
)


def test_one_implementation_all_names() -> None:
    assert FlyteFile is File


def test_format_typed_variants_are_cached_subclasses(registry: TypeRegistry) -> None:
    csv = File["csv"]
    assert csv is File["csv"] is FlyteFile[typing.TypeVar("csv")]
    assert issubclass(csv, File)
    assert registry.literal_type(csv) == BlobType("csv", False)
    assert registry.literal_type(File) == BlobType("", False)
    assert csv("x.csv").format == "csv"
    assert registry.guess_python_type(BlobType("csv", False)) is csv
    assert registry.guess_python_type(BlobType("", False)) is File
    # flytekit's spellings of a format: a leading dot or blanks are dropped; "" is no format
    assert File[".csv"] is File[" csv "] is csv
    assert File["csv"]("x") == File[".csv"]("x")
    assert File[""] is File


def test_local_file_is_uploaded_at_the_boundary_and_read_lazily(
    store: DataContext, workdir: str, registry: TypeRegistry
) -> None:
    Path("data.txt").write_text("hello world")
    lit = registry.to_literal(File("data.txt"), File)
    assert isinstance(lit, Blob) and not lit.multipart
    assert current_store().contains(lit.uri) and lit.uri.endswith("/data.txt")
    Path("data.txt").write_text("changed afterwards")  # the store holds its own copy
    f = registry.to_python(lit, File)
    assert f.remote_source == lit.uri and f.name == "data.txt"
    if _paths.is_remote(lit.uri):
        assert f.local_path is None  # nothing fetched yet
    with f.open("rb") as fh:  # streams
        assert fh.read() == b"hello world"
    path = f.download()
    assert Path(path).read_text() == "hello world"
    assert os.fspath(f) == path


def test_paths_and_strings_are_accepted_where_a_file_is_declared(
    store: DataContext, workdir: str, registry: TypeRegistry
) -> None:
    Path("p.txt").write_text("x")
    for value in (Path("p.txt"), "p.txt", Path(workdir) / "p.txt"):
        lit = registry.to_literal(value, File)
        assert isinstance(lit, Blob) and current_store().contains(lit.uri)


def test_os_pathlike_is_a_file(store: DataContext, workdir: str, registry: TypeRegistry) -> None:
    # flytekit takes an `os.PathLike` annotation as a file (it pickled before)
    assert registry.literal_type(os.PathLike) == registry.literal_type(File)
    Path("q.txt").write_text("q")
    lit = registry.to_literal("q.txt", os.PathLike)
    assert isinstance(lit, Blob) and current_store().contains(lit.uri)
    back = registry.to_python(lit, os.PathLike)
    assert type(back) is File and Path(os.fspath(back)).read_text() == "q"


def test_values_in_the_store_pass_by_reference(
    store: DataContext, workdir: str, registry: TypeRegistry
) -> None:
    Path("a.txt").write_text("a")
    lit = registry.to_literal("a.txt", File)
    f = registry.to_python(lit, File)
    again = registry.to_literal(f, File)
    assert again.uri == lit.uri  # type: ignore[attr-defined]
    remote = File.from_existing_remote("s3://some-other-bucket/key.bin")
    assert registry.to_literal(remote, File).uri == "s3://some-other-bucket/key.bin"  # type: ignore[attr-defined]


def test_returning_the_same_local_file_twice_uploads_once(
    store: DataContext, workdir: str, registry: TypeRegistry
) -> None:
    Path("a.txt").write_text("a")
    f = File("a.txt")
    assert registry.to_literal(f, File).uri == registry.to_literal(f, File).uri  # type: ignore[attr-defined]


def test_remote_path_tri_state(store: DataContext, workdir: str, registry: TypeRegistry) -> None:
    Path("a.txt").write_text("a")
    kept = registry.to_literal(FlyteFile("a.txt", remote_path=False), FlyteFile)
    assert kept.uri == os.path.abspath("a.txt")  # type: ignore[attr-defined]
    target = current_store().new_uri("chosen.txt")
    chosen = registry.to_literal(FlyteFile("a.txt", remote_path=target), FlyteFile)
    assert chosen.uri == target  # type: ignore[attr-defined]
    assert current_store().exists(target)


def test_missing_local_file_is_a_clear_error(
    store: DataContext, workdir: str, registry: TypeRegistry
) -> None:
    with pytest.raises(ConversionError, match=r"missing file .*nope\.txt.* does not exist"):
        registry.to_literal("nope.txt", File)
    with pytest.raises(ConversionError, match="Expected `File"):
        registry.to_literal(42, File)


def test_directory_blob_is_not_a_file(store: DataContext, registry: TypeRegistry) -> None:
    with pytest.raises(ConversionError, match="single blob"):
        registry.to_python(Blob("s3://b/k", "", True), File)


def test_from_local_outside_an_action_is_uploaded_by_the_boundary(
    registry: TypeRegistry, workdir: str, tmp_path: Path
) -> None:
    """No running action and no active data context (a driver program): from_local keeps the
    local path, and converting the value (a run taking it) uploads what the file holds then."""
    from typesystem.io import Dir

    Path("part.txt").write_text("")
    f = File.from_local_sync("part.txt")
    d = Dir.from_local_sync(workdir)
    assert (f.path, f.name, d.path) == (os.path.abspath("part.txt"), "part.txt", workdir)
    Path("part.txt").write_text("written after from_local")
    with use_data_context(DataContext(raw_data_prefix=str(tmp_path / "store"))):
        assert File.from_local_sync("part.txt").path.startswith(str(tmp_path / "store"))
        literal = registry.to_literal(f, File)
        assert literal.uri.startswith(str(tmp_path / "store"))
        back = registry.to_python(literal, File)
        assert Path(back.download_sync()).read_text() == "written after from_local"


def test_from_local_sync_and_async(store: DataContext, workdir: str) -> None:
    Path("test.txt").write_text("hello world Alice")
    f = File.from_local_sync("test.txt")
    assert current_store().contains(f.remote_source or "")
    with pytest.raises(ValueError, match="File not found"):
        File.from_local_sync("missing.txt")

    async def main() -> bytes:
        g = await File.from_local(Path("test.txt"))
        async with g.open("rb") as fh:
            data: bytes = await fh.read()
        assert await g.exists()
        local = await g.download()
        assert Path(local).read_bytes() == data
        return data

    assert asyncio.run(main()) == b"hello world Alice"


def test_new_remote_is_written_in_place(store: DataContext, registry: TypeRegistry) -> None:
    f = File.new_remote("out.txt")
    assert not f.exists_sync()
    with f.open("wb") as fh:
        fh.write(b"written remotely")
    assert f.exists_sync()
    lit = registry.to_literal(f, File)
    assert lit.uri == f.remote_source  # type: ignore[attr-defined]
    g = registry.to_python(lit, File)
    with g.open("rb") as fh:
        assert fh.read() == b"written remotely"

    async def write_async() -> File:
        h = File.new_remote()
        async with h.open("wb") as fh:
            await fh.write(b"async")
        return h

    h = asyncio.run(write_async())
    with h.open("rb") as fh:
        assert fh.read() == b"async"


def test_named_remote_is_deterministic_per_action(store: DataContext) -> None:
    from typesystem.io import use_data_context

    with use_data_context(store.replace(action_key="run1/a0")):
        a = File.named_remote("model.bin")
        b = File.named_remote("model.bin")
    with use_data_context(store.replace(action_key="run1/a1")):
        c = File.named_remote("model.bin")
    assert a.remote_source == b.remote_source != c.remote_source


def test_download_to_a_chosen_path(store: DataContext, workdir: str, tmp_path: Path) -> None:
    Path("a.txt").write_text("abc")
    f = File.from_local_sync("a.txt")
    target = tmp_path / "dl" / "x.txt"
    target.parent.mkdir()
    assert f.download(target) == str(target)
    assert target.read_text() == "abc"


def test_content_hash_and_hash_method(
    store: DataContext, workdir: str, registry: TypeRegistry
) -> None:
    Path("a.txt").write_text("same")
    Path("b.txt").write_text("same")
    t = Annotated[File, HashMethod(content_hash)]
    la, lb = registry.to_literal("a.txt", t), registry.to_literal("b.txt", t)
    assert la.hash == lb.hash is not None
    assert la.uri != lb.uri  # type: ignore[attr-defined]
    assert digest(la) == digest(lb)  # the cache key sees the content, not the location
    f = File.from_local_sync("a.txt", hash_method="sha256")
    assert f.hash == la.hash
    assert registry.to_literal(f, File).hash == la.hash
    assert registry.to_python(registry.to_literal(f, File), File).hash == la.hash


def test_hash_of_a_file_written_with_a_hash_method(store: DataContext) -> None:
    f = File.new_remote("h.bin", hash_method="sha256")
    with f.open("wb") as fh:
        fh.write(b"payload")
    import hashlib

    assert f.hash == hashlib.sha256(b"payload").hexdigest()


def test_a_string_that_is_no_algorithm_is_the_hash_itself(
    store: DataContext, workdir: str, registry: TypeRegistry
) -> None:
    # flyte 2's meaning (flyte-sdk's caching/content_based_caching.py presets hashes so)
    Path("a.txt").write_text("one")
    Path("b.txt").write_text("two")
    fa = File.from_local_sync("a.txt", hash_method="preset-key-1")
    fb = File.from_local_sync("b.txt", hash_method="preset-key-1")
    assert fa.hash == fb.hash == "preset-key-1"
    assert digest(registry.to_literal(fa, File)) == digest(registry.to_literal(fb, File))
    f = File.new_remote("n.bin", hash_method="preset-key-2")
    with f.open("wb") as fh:
        fh.write(b"x")
    assert f.hash == "preset-key-2"


def test_sync_download_inside_an_event_loop_is_awaitable(store: DataContext, workdir: str) -> None:
    Path("a.txt").write_text("loop")
    f = File.from_local_sync("a.txt")

    async def main() -> tuple[str, str]:
        awaited = await f.download()
        forgotten = f.download()  # used as a path without await: still works
        return awaited, os.fspath(forgotten)

    awaited, forgotten = asyncio.run(main())
    assert Path(awaited).read_text() == "loop" == Path(forgotten).read_text()


def test_v1_open_builtin_on_flytefile(store: DataContext, workdir: str) -> None:
    Path("a.txt").write_text("v1")
    ff = FlyteFile.from_local_sync("a.txt")
    with open(ff) as fh:  # os.fspath downloads
        assert fh.read() == "v1"


def test_repr_and_equality() -> None:
    a, b = File("s3://b/k.csv"), File("s3://b/k.csv")
    assert a == b and hash(a) == hash(b)
    assert "s3://b/k.csv" in repr(a)
    assert File["csv"]("s3://b/k").format == "csv"
