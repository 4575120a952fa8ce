"""Fixtures: a store on local disk and one on moto's S3 server (127.0.0.1, a free port)."""

from __future__ import annotations

import itertools
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from typesystem.io import DataContext, use_data_context

_buckets = itertools.count()
_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    pytest.importorskip("s3fs")
    server_mod = pytest.importorskip("moto.server")
    saved = {k: os.environ.get(k) for k in _ENV}
    os.environ.update(_ENV)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = server_mod.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    # Any S3 client that misses the storage options still talks to this server, never AWS.
    os.environ["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{port}"
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()
        os.environ.pop("AWS_ENDPOINT_URL", None)
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[DataContext]:
    downloads = str(tmp_path / "downloads")
    if request.param == "local":
        ctx = DataContext(raw_data_prefix=str(tmp_path / "store"), local_dir=downloads)
    else:
        import boto3

        endpoint = request.getfixturevalue("s3_endpoint")
        bucket = f"jsonl-test-{os.getpid()}-{next(_buckets)}"
        boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(
            Bucket=bucket
        )
        ctx = DataContext(
            raw_data_prefix=f"s3://{bucket}/raw",
            storage_options={
                "s3": {"endpoint_url": endpoint, "key": "testing", "secret": "testing"}
            },
            local_dir=downloads,
        )
    with use_data_context(ctx):
        yield ctx
