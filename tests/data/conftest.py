"""Fixtures for the offloaded-data tests: a store on local disk and one on a real S3 server.

``s3_endpoint`` (tests/conftest.py) is moto's S3 server, started once per session. ``store`` is
parametrised: each test using it runs against local disk and against that server, in a fresh
bucket, with downloads going to the test's temporary directory.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from flytelike.pytest_plugin import S3Server
from typesystem import TypeRegistry
from typesystem.io import DataContext, use_data_context


def s3_context(endpoint: str, tmp_path: object) -> DataContext:
    """A data context on a fresh bucket of the S3 server at ``endpoint``."""
    server = S3Server(endpoint)
    return DataContext(
        raw_data_prefix=f"s3://{server.new_bucket()}/raw",
        storage_options=server.storage_options,
        local_dir=os.path.join(str(tmp_path), "downloads"),
    )


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[DataContext]:
    """The active data context: local disk, then the localhost S3 server."""
    if request.param == "local":
        ctx = DataContext(
            raw_data_prefix=os.path.join(str(tmp_path), "store"),
            local_dir=os.path.join(str(tmp_path), "downloads"),
        )
    else:
        ctx = s3_context(request.getfixturevalue("s3_endpoint"), tmp_path)
    with use_data_context(ctx):
        yield ctx


@pytest.fixture
def local_store(tmp_path: object) -> Iterator[DataContext]:
    ctx = DataContext(
        raw_data_prefix=os.path.join(str(tmp_path), "store"),
        local_dir=os.path.join(str(tmp_path), "downloads"),
    )
    with use_data_context(ctx):
        yield ctx


@pytest.fixture
def registry() -> TypeRegistry:
    return TypeRegistry(plugins=False)


@pytest.fixture
def workdir(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> str:
    """A scratch working directory (the test's cwd)."""
    path = os.path.join(str(tmp_path), "work")
    os.makedirs(path)
    monkeypatch.chdir(path)
    return path
