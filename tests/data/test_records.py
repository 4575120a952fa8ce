"""Offloaded values inside dataclasses, pydantic models and containers (spec/types.md pitfalls:
``Optional[FlyteFile]`` fields flyte#2953/#3187, format lost flyte#6096, SD in a dataclass
flyte#6205, a BaseModel with two SDs serialised to ``{}`` flyte#6574)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import pandas as pd
import pydantic
import pytest

from typesystem import Binary, TypeRegistry, from_msgpack, to_msgpack
from typesystem.io import DataContext, DataFrame, Dir, File, current_store


def _read(f: File) -> bytes:
    with f.open("rb") as fh:
        data: bytes = fh.read()
    return data


FRAME = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]})


@dataclass
class Bundle:
    report: File
    data: DataFrame
    folder: Optional[Dir] = None  # noqa: UP045
    maybe: Optional[File] = None  # noqa: UP045


class Pair(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(arbitrary_types_allowed=True)
    first: DataFrame
    second: DataFrame
    doc: File | None = None


def test_dataclass_with_offloaded_fields(
    store: DataContext, registry: TypeRegistry, tmp_path: Path
) -> None:
    (tmp_path / "r.txt").write_text("report")
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "x.txt").write_text("x")
    value = Bundle(File(tmp_path / "r.txt"), DataFrame.from_df(FRAME), Dir(tmp_path / "d"))
    lit = registry.to_literal(value, Bundle)
    assert isinstance(lit, Binary)
    assert isinstance(value.report, File) and value.report.path == str(tmp_path / "r.txt")
    back = registry.to_python(from_msgpack(to_msgpack(lit)), Bundle)
    assert current_store().contains(back.report.remote_source)
    with back.report.open("rb") as fh:
        assert fh.read() == b"report"
    pd.testing.assert_frame_equal(back.data.open(pd.DataFrame).all(), FRAME)
    assert back.data.format == "parquet"
    assert back.folder is not None and [f.name for f in back.folder.walk()] == ["x.txt"]
    assert back.maybe is None


def test_list_and_dict_of_files(store: DataContext, registry: TypeRegistry, tmp_path: Path) -> None:
    paths = []
    for i in range(3):
        p = tmp_path / f"f{i}.txt"
        p.write_text(str(i))
        paths.append(File(p))
    lit = registry.to_literal(paths, list[File])
    back = registry.to_python(lit, list[File])
    assert [_read(f) for f in back] == [b"0", b"1", b"2"]
    lit = registry.to_literal({"x": paths[0]}, dict[str, Optional[File]])  # noqa: UP045
    assert _read(registry.to_python(lit, dict[str, Optional[File]])["x"]) == b"0"  # noqa: UP045


def test_pydantic_model_with_two_dataframes(
    store: DataContext, registry: TypeRegistry, tmp_path: Path
) -> None:
    (tmp_path / "doc.md").write_text("# doc")
    value = Pair(
        first=DataFrame.from_df(FRAME),
        second=DataFrame.from_df(FRAME.head(1)),
        doc=File(tmp_path / "doc.md"),
    )
    lit = registry.to_literal(value, Pair)
    back = registry.to_python(lit, Pair)
    pd.testing.assert_frame_equal(back.first.open(pd.DataFrame).all(), FRAME)
    assert len(back.second.open(pd.DataFrame).all()) == 1
    assert back.doc is not None and _read(back.doc) == b"# doc"
    dumped = value.model_dump(mode="json")
    assert dumped["first"]["uri"] and dumped["first"]["format"] == "parquet"
    assert Pair.model_validate({**dumped, "doc": None}).doc is None


def test_pydantic_accepts_a_path_for_a_file() -> None:
    class M(pydantic.BaseModel):
        f: File

    assert isinstance(M(f="s3://bucket/x.txt").f, File)  # type: ignore[arg-type]
    with pytest.raises(pydantic.ValidationError):
        M(f=3)  # type: ignore[arg-type]


def test_values_have_flytes_model_methods(store: DataContext, tmp_path: Path) -> None:
    # flyte 2's File, Dir and DataFrame are pydantic models: model_dump/model_validate(_json)
    local = tmp_path / "a.txt"
    local.write_text("hi")
    f = File(str(local))
    dumped = f.model_dump()  # (uploads first, as a JSON dump of a model holding it does)
    assert dumped["path"] != str(local) and dumped["format"] == ""
    again = File.model_validate(dumped)
    assert isinstance(again, File) and again.path == dumped["path"]
    assert File.model_validate_json(again.model_dump_json()).path == dumped["path"]
    assert File.model_validate("s3://bucket/x.txt").path == "s3://bucket/x.txt"
    with pytest.raises(ValueError, match="expected a File"):
        File.model_validate(3)
    d = Dir.model_validate({"path": "s3://bucket/folder"})
    assert isinstance(d, Dir) and d.model_dump()["path"] == "s3://bucket/folder"
    frame = DataFrame.from_df(pd.DataFrame({"a": [1, 2]})).model_dump()  # (written once)
    stored = DataFrame.model_validate(frame)
    assert stored.uri == frame["uri"] and stored.model_dump()["uri"] == frame["uri"]
