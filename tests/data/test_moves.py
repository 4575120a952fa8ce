"""Files and directories in the running action's scratch directory are moved into a local store
(renamed, not copied); anything else is copied. A content hash wanted by a ``hash_method`` comes
from the same pass over the bytes (``typesystem.io._transfer``): the data is never read twice."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import pytest

from typesystem import TypeRegistry
from typesystem.io import DataContext, Dir, File, _offloaded, _paths, content_hash, use_scratch_dir


def _no_second_read(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*a: Any, **k: Any) -> None:
        raise AssertionError("the content was read a second time to hash it")

    monkeypatch.setattr(_offloaded, "compute_hash", refuse)


def test_a_file_in_the_scratch_directory_is_renamed_into_the_store(
    local_store: DataContext, tmp_path: Path, registry: TypeRegistry
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    src = scratch / "big.bin"
    src.write_bytes(b"x" * 1000)
    inode = src.stat().st_ino
    value = File(str(src))
    with use_scratch_dir(str(scratch)):
        lit = registry.to_literal(value, File)
    stored = Path(_paths.local_path(lit.uri))  # type: ignore[attr-defined]
    assert not src.exists()  # moved, not copied
    assert stored.stat().st_ino == inode and stored.read_bytes() == b"x" * 1000
    # the value follows its file: it names the stored one now
    assert value.remote_source == lit.uri and os.fspath(value) == str(stored)  # type: ignore[attr-defined]
    assert registry.to_literal(value, File).uri == lit.uri  # type: ignore[attr-defined]


def test_files_outside_the_scratch_directory_are_copied(
    local_store: DataContext, tmp_path: Path, registry: TypeRegistry
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    src = tmp_path / "user.txt"  # the user's file: never moved
    src.write_text("keep me")
    linked = scratch / "linked.txt"  # a second name for a file kept elsewhere
    os.link(src, linked)
    with use_scratch_dir(str(scratch)):
        a = registry.to_literal(File(str(src)), File)
        b = registry.to_literal(File(str(linked)), File)
    assert src.read_text() == "keep me" and linked.exists()
    for lit in (a, b):
        stored = Path(_paths.local_path(lit.uri))  # type: ignore[attr-defined]
        assert stored.read_text() == "keep me" and stored.stat().st_ino != src.stat().st_ino
    # without a scratch directory (outside an action) nothing is moved either
    c = registry.to_literal(File(str(linked)), File)
    assert linked.exists() and Path(_paths.local_path(c.uri)).read_text() == "keep me"  # type: ignore[attr-defined]


@pytest.mark.parametrize("in_scratch", [True, False])
@pytest.mark.parametrize("method", ["sha256", True, "md5"])
def test_a_file_is_hashed_in_the_same_pass(
    local_store: DataContext,
    tmp_path: Path,
    registry: TypeRegistry,
    monkeypatch: pytest.MonkeyPatch,
    in_scratch: bool,
    method: Any,
) -> None:
    _no_second_read(monkeypatch)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    src = (scratch if in_scratch else tmp_path) / "data.bin"
    payload = os.urandom(9 << 20)  # several read chunks
    src.write_bytes(payload)
    with use_scratch_dir(str(scratch)):
        lit = registry.to_literal(File(str(src), hash_method=method), File)
    algorithm = "sha256" if method is True else method
    assert lit.hash == hashlib.new(algorithm, payload).hexdigest()  # type: ignore[attr-defined]
    assert src.exists() is not in_scratch


@pytest.mark.parametrize("in_scratch", [True, False])
def test_a_directory_is_moved_or_copied_and_hashed_as_content_hash_does(
    local_store: DataContext,
    tmp_path: Path,
    registry: TypeRegistry,
    monkeypatch: pytest.MonkeyPatch,
    in_scratch: bool,
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    src = (scratch if in_scratch else tmp_path) / "out"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text("a")
    (src / "sub" / "b.txt").write_text("bb")
    expected = content_hash(Dir(str(src)))
    _no_second_read(monkeypatch)
    with use_scratch_dir(str(scratch)):
        lit = registry.to_literal(Dir(str(src), hash_method="sha256"), Dir)
    assert lit.hash == expected  # type: ignore[attr-defined]
    stored = Path(_paths.local_path(lit.uri))  # type: ignore[attr-defined]
    assert (stored / "sub" / "b.txt").read_text() == "bb"
    assert src.exists() is not in_scratch


def test_a_remote_store_gets_a_copy_hashed_while_it_streams(
    store: DataContext, tmp_path: Path, registry: TypeRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_second_read(monkeypatch)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    src = scratch / "r.bin"
    src.write_bytes(b"remote payload")
    with use_scratch_dir(str(scratch)):
        lit = registry.to_literal(File(str(src), hash_method="sha256"), File)
    assert lit.hash == hashlib.sha256(b"remote payload").hexdigest()  # type: ignore[attr-defined]
    assert src.exists() is _paths.is_remote(lit.uri)  # type: ignore[attr-defined]
    with registry.to_python(lit, File).open("rb") as fh:
        assert fh.read() == b"remote payload"
