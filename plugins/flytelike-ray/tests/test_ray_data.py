"""Data written by Ray workers under an S3 raw data prefix (the suite's moto server): storage
options reach the workers, checkpoints survive a retry there, decks come back to the driver."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import ray_tasks as rt

from flytelike.engine import Engine, WorkflowPhase

# The suite's S3 server fixture (tests/conftest.py) and bucket helper (tests/data/conftest.py),
# reused rather than copied.
_ROOT = Path(__file__).resolve().parents[3]


def _load(name: str, path: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, _ROOT / path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_data = _load("_data_conftest", "tests/data/conftest.py")
s3_endpoint = _load("_suite_conftest", "tests/conftest.py").s3_endpoint


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
        checkpoints = fs.find(f"{bucket_prefix}/runs/{run.name}")
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


def test_a_flyte_2_checkpoint_under_an_s3_prefix_uses_the_run_s_storage_options(
    ray_engine: Engine, s3_endpoint: str, tmp_path: Path
) -> None:
    """The workers do not have the S3 server's address in their environment (Ray started them
    before the server existed): only the storage options that travel with the run reach it."""
    from typesystem.io import use_data_context

    context = _data.s3_context(s3_endpoint, tmp_path)
    with use_data_context(context):
        run = ray_engine.run(rt.v2_checkpointed, text="kept", raw_data_path=context.raw_data_prefix)
        assert run.phase is WorkflowPhase.SUCCEEDED, run.error
        text, _, source = run.outputs().partition(" from ")
        assert text == "kept"
        assert source.startswith(f"{context.raw_data_prefix}/runs/{run.name}/")
        assert _s3fs(s3_endpoint).exists(source.removeprefix("s3://"))
    (action,) = run.actions()
    assert action.attempts == 2


def test_dataframes_travel_as_arrow_ipc_on_a_local_prefix_unless_told_otherwise(
    ray_engine: Engine, ray_backend: Any
) -> None:
    import frame_tasks as ft
    from flytelike_ray._places import frame_format

    expected = sum(range(10)) * 2 + 0.5
    run = ray_engine.run(ft.table_hand_off, n=10)
    assert run.phase is WorkflowPhase.SUCCEEDED, run.error
    assert run.outputs() == expected
    assert _table(run).format == "arrow"
    ray_backend.frame_format = ""  # (the frame type's default: parquet)
    try:
        run = ray_engine.run(ft.table_hand_off, n=10)
    finally:
        ray_backend.frame_format = "auto"
    assert run.phase is WorkflowPhase.SUCCEEDED, run.error
    assert run.outputs() == expected
    assert _table(run).format == "parquet"
    assert frame_format("auto", "s3://bucket/raw") == ""  # remote: compressed parquet
    assert frame_format("auto", "/shared/raw") == "arrow"
    assert frame_format("parquet", "file:///x") == "parquet"


def _table(run: Any) -> Any:
    """The DataFrame literal ``frame_tasks.make_table`` returned in ``run``."""
    from typesystem import Table

    made = next(a for a in run.actions() if a.name == "frame_tasks.make_table")
    outputs = run.action_outputs(made.action_id)
    assert outputs is not None and isinstance(outputs["o0"], Table)
    return outputs["o0"]
