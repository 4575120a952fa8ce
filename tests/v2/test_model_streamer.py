"""flyte 2's ``flyte.extras.model_streamer`` on safetensors files written here with numpy: local
directories, an index, bad files, and an ``s3://`` prefix on moto's server read inside a run
through the run's storage options. torch is not installed in this suite, so tensors are numpy
arrays; the torch-only paths are checked for the error that names torch."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import struct
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import flytelike as flyte
from flytelike.errors import ConfigurationError, MissingDependencyError, WeightsFormatError
from flytelike.extras import model_streamer
from flytelike.extras.model_streamer import (
    LoadResult,
    ModelStreamer,
    empty_weights,
    load_hf_model,
    missing_parameters,
)
from typesystem.io import DataContext, use_data_context

CODES = {"float32": "F32", "float16": "F16", "float64": "F64", "int64": "I64", "uint8": "U8"}
CODES["bool"] = "BOOL"


def safetensors_bytes(tensors: dict[str, Any], metadata: dict[str, str] | None = None) -> bytes:
    """A safetensors file: ``tensors`` maps names to arrays, or to ``(dtype code, shape, raw)``."""
    header: dict[str, Any] = {"__metadata__": metadata} if metadata else {}
    blobs: list[bytes] = []
    offset = 0
    for name, value in tensors.items():
        if isinstance(value, tuple):
            code, shape, raw = value
        else:
            code, shape = CODES[value.dtype.name], list(value.shape)
            raw = np.ascontiguousarray(value).astype(value.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": code, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    encoded = json.dumps(header).encode()
    return struct.pack("<Q", len(encoded)) + encoded + b"".join(blobs)


WEIGHTS = {
    "embed.weight": np.arange(60, dtype=np.float32).reshape(6, 10),
    "layer.bias": np.linspace(-1, 1, 7).astype(np.float16),
    "layer.steps": np.array([3, 1, 4, 1, 5], dtype=np.int64),
    "mask": np.array([True, False, True]),
    "empty": np.zeros((0, 3), dtype=np.float64),
}


def write_model(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    names = list(WEIGHTS)
    first = {n: WEIGHTS[n] for n in names[:2]}
    second = {n: WEIGHTS[n] for n in names[2:]}
    (root / "model-00001-of-00002.safetensors").write_bytes(safetensors_bytes(first))
    (root / "model-00002-of-00002.safetensors").write_bytes(
        safetensors_bytes({**second, "stale": np.ones(2, dtype=np.float32)})
    )
    weight_map = {n: "model-00001-of-00002.safetensors" for n in first}
    weight_map.update({n: "model-00002-of-00002.safetensors" for n in second})
    (root / "model.safetensors.index.json").write_text(json.dumps({"weight_map": weight_map}))
    (root / "config.json").write_text('{"model_type": "toy"}')
    (root / "tokenizer" / "vocab.txt").parent.mkdir()
    (root / "tokenizer" / "vocab.txt").write_text("a\nb\n")
    return root


def assert_same(got: dict[str, Any], expected: dict[str, Any]) -> None:
    assert sorted(got) == sorted(expected)
    for name, array in expected.items():
        assert isinstance(got[name], np.ndarray)
        assert got[name].dtype == array.dtype and got[name].shape == array.shape, name
        assert np.array_equal(got[name], array), name


def test_the_index_decides_which_tensors_each_file_gives(tmp_path: Path) -> None:
    root = write_model(tmp_path / "model")
    streamer = ModelStreamer(str(root), chunk_size=7, max_concurrency=2)
    assert_same(dict(streamer.stream_sync()), WEIGHTS)  # ("stale" is in no index entry)
    assert_same(asyncio.run(streamer.state_dict()), WEIGHTS)


def test_without_an_index_every_file_is_read_and_the_first_copy_wins(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    root.mkdir()
    (root / "a.safetensors").write_bytes(safetensors_bytes({"w": np.ones(4, np.float32)}))
    (root / "b.safetensors").write_bytes(
        safetensors_bytes({"w": np.zeros(4, np.float32), "v": np.arange(3, dtype=np.uint8)})
    )
    (root / "nested").mkdir()
    (root / "nested" / "c.safetensors").write_bytes(safetensors_bytes({"x": np.ones(1)}))
    got = dict(ModelStreamer(str(root)).stream_sync())
    assert sorted(got) == ["v", "w"] and got["w"].tolist() == [1, 1, 1, 1]
    one = dict(ModelStreamer(str(root / "b.safetensors")).stream_sync())  # (one file: ours)
    assert one["w"].tolist() == [0, 0, 0, 0]


def test_tensors_are_placed_and_cast_as_they_arrive(tmp_path: Path) -> None:
    root = write_model(tmp_path / "model")

    async def collect() -> dict[str, Any]:
        return {n: t async for n, t in ModelStreamer(str(root)).stream(dtype=np.float64)}

    got = asyncio.run(collect())
    assert got["embed.weight"].dtype == np.float64 and got["layer.bias"].dtype == np.float64
    assert got["layer.steps"].dtype == np.int64 and got["mask"].dtype == np.bool_
    assert dict(ModelStreamer(str(root)).stream_sync(device="cpu"))["mask"].tolist() == [
        True,
        False,
        True,
    ]
    with pytest.raises(MissingDependencyError, match=r"device='cuda' needs torch") as e:
        dict(ModelStreamer(str(root)).stream_sync(device="cuda"))
    assert e.value.package == "torch" and isinstance(e.value, ImportError)


def test_bf16_without_torch_names_the_tensor_and_torch(tmp_path: Path) -> None:
    path = tmp_path / "bf16.safetensors"
    path.write_bytes(safetensors_bytes({"w": ("BF16", [2], b"\x80\x3f\x00\x40")}))
    with pytest.raises(MissingDependencyError, match=r"tensor 'w' is BF16, which numpy cannot"):
        dict(ModelStreamer(str(path)).stream_sync())


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x01\x02", r"not a safetensors file \(it is 2 bytes long"),
        (struct.pack("<Q", 1000) + b"{}", r"the header says 1000 bytes but the file has 2"),
        (struct.pack("<Q", 3) + b"{x}", r"the safetensors header is not JSON"),
        (safetensors_bytes({"w": ("Q7", [1], b"\x00")}), r"tensor 'w': unknown dtype 'Q7'"),
        (safetensors_bytes({"w": ("F32", [3], b"\x00" * 8)}), r"8 bytes for shape \[3\] of F32"),
        (safetensors_bytes({"w": np.ones(2, np.float32)})[:-1], r"past the end of the file"),
    ],
)
def test_a_bad_file_names_the_file_and_the_tensor(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.safetensors"
    path.write_bytes(content)
    with pytest.raises(WeightsFormatError, match=message) as e:
        dict(ModelStreamer(str(path)).stream_sync())
    assert str(path) in str(e.value)


def test_bad_settings_and_missing_weights(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigurationError, match=r"chunk_size must be a positive integer"):
        ModelStreamer(str(tmp_path), chunk_size=0)
    monkeypatch.setenv("FLYTE_MODEL_LOADER_MAX_CONCURRENCY", "many")
    with pytest.raises(ConfigurationError, match=r"FLYTE_MODEL_LOADER_MAX_CONCURRENCY='many'"):
        ModelStreamer(str(tmp_path))
    monkeypatch.setenv("FLYTE_MODEL_LOADER_MAX_CONCURRENCY", "3")
    monkeypatch.setenv("FLYTE_MODEL_LOADER_CHUNK_SIZE", "1024")
    streamer = ModelStreamer(str(tmp_path))
    assert (streamer.chunk_size, streamer.max_concurrency) == (1024, 3)
    with pytest.raises(FileNotFoundError, match=r"no \*.safetensors file directly under"):
        dict(streamer.stream_sync())


def test_download_metadata_copies_everything_but_the_weights(tmp_path: Path) -> None:
    root = write_model(tmp_path / "model")
    local = asyncio.run(ModelStreamer(str(root)).download_metadata(tmp_path / "meta"))
    files = sorted(str(p.relative_to(local)) for p in local.rglob("*") if p.is_file())
    assert files == ["config.json", "model.safetensors.index.json", "tokenizer/vocab.txt"]


def test_the_torch_paths_name_torch_when_it_is_missing(tmp_path: Path) -> None:
    if model_streamer._format.torch_or_none() is not None:
        pytest.skip("torch is installed here")
    weights = empty_weights()
    with pytest.raises(MissingDependencyError, match=r"empty_weights\(\) needs torch"), weights:
        pass
    root = write_model(tmp_path / "model")
    with pytest.raises(MissingDependencyError, match=r"load_into needs torch"):
        asyncio.run(ModelStreamer(str(root)).load_into(object()))
    with pytest.raises(MissingDependencyError, match=r"load_hf_model needs torch"):
        asyncio.run(load_hf_model(str(root)))
    assert LoadResult(missing_keys=["a"], unexpected_keys=[]).missing_keys == ["a"]


class _Tensor:
    def __init__(self, device: str) -> None:
        self.device = type("Device", (), {"type": device})()


class _Module:
    """What ``missing_parameters`` reads of a torch module."""

    def named_parameters(self) -> list[tuple[str, _Tensor]]:
        return [("w", _Tensor("meta")), ("b", _Tensor("cpu"))]

    def named_buffers(self) -> list[tuple[str, _Tensor]]:
        return [("freq", _Tensor("meta"))]


def test_missing_parameters_lists_what_is_still_on_meta() -> None:
    assert missing_parameters(_Module()) == ["w", "freq"]


env = flyte.TaskEnvironment(name="streaming")


@env.task
async def load(prefix: str) -> dict[str, list[float]]:
    streamer = ModelStreamer(prefix, chunk_size=16, max_concurrency=4)
    return {name: t.astype(float).ravel().tolist() async for name, t in streamer.stream()}


@env.task
def load_sync(prefix: str) -> list[str]:
    return sorted(name for name, _ in ModelStreamer(prefix).stream_sync())


def test_a_run_streams_from_s3_with_its_storage_options(
    s3_endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flytelike.pytest_plugin import S3Server

    server = S3Server(s3_endpoint)
    bucket = server.new_bucket("streamer")
    store = DataContext(
        raw_data_prefix=f"s3://{bucket}/raw", storage_options=server.storage_options
    )
    import s3fs

    fs = s3fs.S3FileSystem(**server.storage_options["s3"])
    root = write_model(tmp_path / "model")
    for path in root.rglob("*"):
        if path.is_file():
            fs.pipe(f"{bucket}/models/toy/{path.relative_to(root)}", path.read_bytes())
    # Only the run's data context says where the server is.
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    prefix = f"s3://{bucket}/models/toy"
    with use_data_context(store):
        got = flyte.run(load, prefix=prefix).outputs()[0]
        names = flyte.run(load_sync, prefix=prefix).outputs()[0]
    assert names == sorted(WEIGHTS)
    for name, array in WEIGHTS.items():
        assert got[name] == array.astype(float).ravel().tolist()


def test_load_hf_model_names_transformers_when_it_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if model_streamer._format.torch_or_none() is None:  # (get past the torch check)
        monkeypatch.setattr(model_streamer._hf, "require_torch", lambda what: object())
    if importlib.util.find_spec("transformers") is not None:
        pytest.skip("transformers is installed here")
    with pytest.raises(MissingDependencyError, match=r"load_hf_model needs transformers") as e:
        asyncio.run(load_hf_model(str(write_model(tmp_path / "model"))))
    assert e.value.package == "transformers"


def test_with_torch_tensors_are_torch_and_load_into_fills_a_meta_module(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")  # (not installed in this suite: runs where it is)
    path = tmp_path / "linear.safetensors"
    weight = np.arange(6, dtype=np.float32).reshape(2, 3)
    bias = np.array([0.5, -0.5], dtype=np.float32)
    path.write_bytes(
        safetensors_bytes(
            {"weight": weight, "bias": bias, "extra": ("BF16", [2], b"\x80\x3f\x00\x40")}
        )
    )
    streamer = ModelStreamer(str(path), chunk_size=5)
    tensors = dict(streamer.stream_sync(dtype=torch.float64))
    assert (
        tensors["weight"].dtype == torch.float64 and tensors["weight"].tolist() == weight.tolist()
    )
    assert tensors["extra"].dtype == torch.float64 and tensors["extra"].tolist() == [1.0, 2.0]
    with empty_weights():
        module = torch.nn.Linear(3, 2)
    assert missing_parameters(module) == ["weight", "bias"]
    result = asyncio.run(streamer.load_into(module, device="cpu", strict=False))
    assert result == LoadResult(missing_keys=[], unexpected_keys=["extra"])
    assert module.weight.tolist() == weight.tolist() and module.bias.tolist() == bias.tolist()
    from flytelike.errors import WeightsMismatchError

    with empty_weights():
        again = torch.nn.Linear(3, 2)
    with pytest.raises(WeightsMismatchError, match=r"1 unexpected: extra"):
        asyncio.run(streamer.load_into(again, device="cpu"))
