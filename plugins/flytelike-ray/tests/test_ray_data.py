"""Data written by Ray workers under an S3 raw data prefix (the suite's moto server): storage
options reach the workers, checkpoints survive a retry there, decks come back to the driver."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import ray_tasks as rt

from flytelike.engine import Engine, WorkflowPhase

# The suite's S3 server fixture (tests/data/conftest.py), reused rather than copied.
_ROOT = Path(__file__).resolve().parents[3]
_spec = importlib.util.spec_from_file_location("_data_conftest", _ROOT / "tests/data/conftest.py")
assert _spec is not None and _spec.loader is not None
_data = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_data)
s3_endpoint = _data.s3_endpoint


def test_workers_write_under_an_s3_prefix_with_the_drivers_storage_options(
    ray_engine: Engine, s3_endpoint: str, tmp_path: Path
) -> None:
    from typesystem.io import use_data_context

    context = _data.s3_context(s3_endpoint, tmp_path)
    with use_data_context(context):
        run = ray_engine.run(rt.s3_round, text="hello", raw_data_path=context.raw_data_prefix)
        assert run.phase is WorkflowPhase.SUCCEEDED, run.error
        saved, file, endpoint = run.outputs()
        assert saved == "saved by attempt 0"  # attempt 1 read attempt 0's checkpoint
        assert endpoint == s3_endpoint  # the driver's storage options, on the worker
        assert file.remote_source.startswith(context.raw_data_prefix)
        with open(file) as f:  # written by the worker to S3, read here
            assert f.read() == "hello"
        bucket_prefix = context.raw_data_prefix.removeprefix("s3://")
        fs: Any = _s3fs(s3_endpoint)
        checkpoints = fs.find(f"{bucket_prefix}/.runs/{run.name}")
        assert any(p.endswith("checkpoint/data/checkpoint.bin") for p in checkpoints)
    (action,) = run.actions()
    assert action.attempts == 2
    uris = {u for _, name, u in run.decks() if name == "notes"}
    (uri,) = uris
    page = Path(uri.removeprefix("file://"))
    assert page.is_relative_to(ray_engine.config.home) and "<p>hello</p>" in page.read_text()


def _s3fs(endpoint: str) -> Any:
    import s3fs

    return s3fs.S3FileSystem(
        key="testing", secret="testing", client_kwargs={"endpoint_url": endpoint}
    )
