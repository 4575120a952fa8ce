"""Fixtures: a store on local disk and one on moto's S3 server (``flytelike_s3``, the fixture of
flytelike's pytest plugin)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from typesystem.io import DataContext, use_data_context


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[DataContext]:
    downloads = str(tmp_path / "downloads")
    if request.param == "local":
        ctx = DataContext(raw_data_prefix=str(tmp_path / "store"), local_dir=downloads)
    else:
        s3 = request.getfixturevalue("flytelike_s3")  # (flytelike's pytest plugin)
        ctx = DataContext(
            raw_data_prefix=f"s3://{s3.new_bucket('jsonl-test')}/raw",
            storage_options=s3.storage_options,
            local_dir=downloads,
        )
    with use_data_context(ctx):
        yield ctx
