"""``Dir``/``FlyteDirectory``/``Directory``: upload, listing without download, parallel download."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Annotated

import pytest

from typesystem import Blob, BlobType, ConversionError, HashMethod, TypeRegistry, digest
from typesystem.io import (
    DataContext,
    Dir,
    Directory,
    File,
    FlyteDirectory,
    _paths,
    content_hash,
    current_store,
)


def _tree(root: Path) -> Path:
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "a.txt").write_text("A")
    (root / "b.csv").write_text("x,y\n1,2\n")
    (root / "sub" / "c.txt").write_text("C")
    (root / "sub" / "deeper" / "d.txt").write_text("D")
    return root


def test_names(registry: TypeRegistry) -> None:
    assert FlyteDirectory is Dir is Directory
    assert registry.literal_type(Dir) == BlobType("", True)
    assert registry.literal_type(Dir["csv"]) == BlobType("csv", True)
    assert registry.guess_python_type(BlobType("", True)) is Dir


def test_local_dir_uploaded_at_boundary_listed_lazily(
    store: DataContext, tmp_path: Path, registry: TypeRegistry
) -> None:
    src = _tree(tmp_path / "tree")
    lit = registry.to_literal(src, Dir)
    assert isinstance(lit, Blob) and lit.multipart
    d = registry.to_python(lit, Dir)
    assert d.remote_source == lit.uri
    files = {f.name: f for f in d.walk()}
    assert set(files) == {"a.txt", "b.csv", "c.txt", "d.txt"}
    with files["d.txt"].open("rb") as fh:
        assert fh.read() == b"D"
    assert {f.name for f in d.list_files_sync()} == {"a.txt", "b.csv"}
    assert {f.name for f in d.walk(recursive=True, max_depth=2)} == {"a.txt", "b.csv", "c.txt"}
    assert {f.name for f in d.walk_sync(file_pattern="*.txt")} == {"a.txt", "c.txt", "d.txt"}
    got = d.get_file_sync("sub/c.txt")
    assert got is not None
    with got.open() as fh:
        assert fh.read() == b"C"
    assert d.get_file_sync("nope.txt") is None
    local = d.download()
    assert (Path(local) / "sub" / "deeper" / "d.txt").read_text() == "D"
    assert os.fspath(d) == local


def test_walk_goes_top_down(store: DataContext, tmp_path: Path, registry: TypeRegistry) -> None:
    # a directory's own files before its subdirectories', as os.walk and flyte's Dir.walk go
    root = tmp_path / "walked"
    for rel in ("zz.txt", "sub/a.txt", "sub/deeper/b.txt", "other/c.txt", "m.txt"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(rel)
    order = ["m.txt", "zz.txt", "c.txt", "a.txt", "b.txt"]
    assert [f.name for f in Dir(path=str(root)).walk_sync()] == order
    stored = registry.to_python(registry.to_literal(str(root), Dir), Dir)
    assert [f.name for f in stored.walk()] == order


def test_dir_from_local_and_async_walk(store: DataContext, tmp_path: Path) -> None:
    src = _tree(tmp_path / "tree")

    async def main() -> dict[str, bytes]:
        d = await Dir.from_local(src, batch_size=2)
        assert await d.exists()
        out = {}
        async for f in d.walk():
            async with f.open("rb") as fh:
                out[f.name] = await fh.read()
        listed = await d.list_files()
        assert {f.name for f in listed} == {"a.txt", "b.csv"}
        got = await d.get_file("a.txt")
        assert got is not None
        path = await d.download()
        assert (Path(path) / "a.txt").read_text() == "A"
        return out

    assert asyncio.run(main()) == {
        "a.txt": b"A",
        "b.csv": b"x,y\n1,2\n",
        "c.txt": b"C",
        "d.txt": b"D",
    }
    with pytest.raises(ValueError, match="Directory not found"):
        Dir.from_local_sync(tmp_path / "missing")


def test_new_remote_dir_with_new_files(store: DataContext, registry: TypeRegistry) -> None:
    d = Dir.new_remote("outputs")
    for i in range(3):
        with d.new_file(f"part-{i}.txt").open("wb") as fh:
            fh.write(str(i).encode())
    lit = registry.to_literal(d, Dir)
    assert lit.uri == d.remote_source  # type: ignore[attr-defined]
    back = registry.to_python(lit, Dir)
    assert sorted(f.name for f in back.walk()) == ["part-0.txt", "part-1.txt", "part-2.txt"]


def test_v1_listdir_and_crawl(store: DataContext, tmp_path: Path) -> None:
    d = FlyteDirectory.from_local_sync(_tree(tmp_path / "tree"))
    entries = FlyteDirectory.listdir(d)
    kinds = {_paths.basename(e.location()): type(e) for e in entries}
    assert kinds == {"a.txt": File, "b.csv": File, "sub": Dir}
    assert sorted(rel for _, rel in d.crawl()) == [
        "a.txt",
        "b.csv",
        "sub/c.txt",
        "sub/deeper/d.txt",
    ]


def test_returning_a_local_path_for_a_dir(
    store: DataContext, tmp_path: Path, registry: TypeRegistry
) -> None:
    src = _tree(tmp_path / "tree")
    lit = registry.to_literal(str(src), Dir)
    assert current_store().contains(lit.uri)  # type: ignore[attr-defined]
    with pytest.raises(ConversionError, match="missing directory"):
        registry.to_literal(str(tmp_path / "nope"), Dir)


def test_dir_content_hash(store: DataContext, tmp_path: Path, registry: TypeRegistry) -> None:
    a, b = _tree(tmp_path / "a"), _tree(tmp_path / "b")
    t = Annotated[Dir, HashMethod(content_hash)]
    la, lb = registry.to_literal(a, t), registry.to_literal(b, t)
    assert la.hash == lb.hash and digest(la) == digest(lb)
    (b / "a.txt").write_text("different")
    assert registry.to_literal(Dir(b), t).hash != la.hash
