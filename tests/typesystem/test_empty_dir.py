"""``EmptyDir`` (flyte's "no directory was produced" value) through the type system: passed as
its sentinel path with no upload, received as the declared ``Dir`` type with ``is_empty`` true,
and read as an empty directory."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from typesystem import TypeEngine
from typesystem._literals import Blob
from typesystem.io import Dir, EmptyDir, use_raw_data_prefix
from typesystem.io._dir import EMPTY_DIR_PATH


def test_empty_dir_is_a_dir_sentinel() -> None:
    d = EmptyDir()
    assert isinstance(d, Dir) and d.is_empty
    assert d.path == EMPTY_DIR_PATH and d.name == ""
    assert Dir.empty().is_empty and Dir(EMPTY_DIR_PATH).is_empty
    assert not Dir("/some/where").is_empty
    assert EmptyDir(path="/ignored", name="out").path == EMPTY_DIR_PATH
    assert d == Dir.empty()


def test_round_trips_without_upload(tmp_path: Path) -> None:
    with use_raw_data_prefix(str(tmp_path / "raw")):
        lit = TypeEngine.to_literal(EmptyDir(), Dir)
        assert lit == Blob(EMPTY_DIR_PATH, "", True)
        back = TypeEngine.to_python_value(lit, Dir)
    assert type(back) is Dir and back.is_empty
    assert not (tmp_path / "raw").exists() or not any((tmp_path / "raw").iterdir())


def test_reads_as_an_empty_directory(tmp_path: Path) -> None:
    d = EmptyDir()
    with use_raw_data_prefix(str(tmp_path / "raw")):
        assert list(d.walk_sync()) == [] and d.list_files_sync() == []
        assert d.get_file_sync("a.txt") is None
        assert Dir.listdir(d) == [] and list(d.crawl()) == []
        assert not d.exists_sync() and d.compute_hash() is None
        local = d.download_sync(tmp_path / "here")
        assert os.path.isdir(local) and os.listdir(local) == []
        assert os.listdir(d.download_sync()) == []
        with pytest.raises(ValueError, match="empty-directory sentinel"):
            d.new_file("x.txt")


@dataclasses.dataclass
class Output:
    exit_code: int
    output_dir: Dir


def test_as_a_dataclass_field(tmp_path: Path) -> None:
    with use_raw_data_prefix(str(tmp_path / "raw")):
        lit = TypeEngine.to_literal(Output(0, EmptyDir()), Output)
        back = TypeEngine.to_python_value(lit, Output)
    assert back.exit_code == 0 and back.output_dir.is_empty
