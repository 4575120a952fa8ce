"""The safetensors format, read by hand: an 8-byte little-endian header length ``N``, ``N`` bytes
of JSON (``{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}``),
then the tensors' bytes, little-endian, C order; offsets count from the end of the header.

``parse_header`` checks what a reader relies on (known dtype, byte count = shape x item size,
offsets inside the file) so that a bad file fails with its name and the tensor at fault.
``to_array`` turns one tensor's bytes into a ``torch.Tensor`` when torch is importable and a
``numpy.ndarray`` otherwise; the dtypes numpy cannot hold (``BF16``, the 8-bit floats) need
torch and raise ``MissingDependencyError`` without it. ``place`` moves a tensor to a device and
casts floating-point ones (numpy arrays: the CPU only).
"""

from __future__ import annotations

import importlib
import json
import math
import struct
from dataclasses import dataclass
from typing import Any

from flytelike.errors import MissingDependencyError, WeightsFormatError

# Bytes per item of each safetensors dtype, and its numpy spelling (None: numpy has none).
DTYPES: dict[str, tuple[int, str | None]] = {
    "F64": (8, "<f8"),
    "F32": (4, "<f4"),
    "F16": (2, "<f2"),
    "BF16": (2, None),
    "F8_E4M3": (1, None),
    "F8_E5M2": (1, None),
    "I64": (8, "<i8"),
    "I32": (4, "<i4"),
    "I16": (2, "<i2"),
    "I8": (1, "i1"),
    "U64": (8, "<u8"),
    "U32": (4, "<u4"),
    "U16": (2, "<u2"),
    "U8": (1, "u1"),
    "BOOL": (1, "?"),
}
_TORCH_NAMES = {
    "F64": "float64",
    "F32": "float32",
    "F16": "float16",
    "BF16": "bfloat16",
    "F8_E4M3": "float8_e4m3fn",
    "F8_E5M2": "float8_e5m2",
    "I64": "int64",
    "I32": "int32",
    "I16": "int16",
    "I8": "int8",
    "U64": "uint64",
    "U32": "uint32",
    "U16": "uint16",
    "U8": "uint8",
    "BOOL": "bool",
}
# A header larger than this is not a safetensors header (the format caps it at 100 MB).
MAX_HEADER = 100 * 1024 * 1024


@dataclass(frozen=True)
class TensorInfo:
    """Where one tensor's bytes are in its file (``start``/``end``: absolute byte offsets)."""

    name: str
    dtype: str
    shape: tuple[int, ...]
    start: int
    end: int
    source: str

    @property
    def nbytes(self) -> int:
        return self.end - self.start


def header_length(prefix: bytes, source: str) -> int:
    """The JSON header's length, from a file's first 8 bytes."""
    if len(prefix) < 8:
        raise WeightsFormatError(
            f"{source}: not a safetensors file (it is {len(prefix)} bytes long; a safetensors "
            "file starts with an 8-byte header length)"
        )
    (n,) = struct.unpack("<Q", prefix[:8])
    if n == 0 or n > MAX_HEADER:
        raise WeightsFormatError(
            f"{source}: not a safetensors file (header length {n}; expected 1..{MAX_HEADER})"
        )
    return int(n)


def parse_header(
    raw: bytes, source: str, file_size: int
) -> tuple[list[TensorInfo], dict[str, str]]:
    """The tensors (in file order) and the ``__metadata__`` of a file whose JSON header is
    ``raw``; ``file_size`` bounds the offsets."""
    try:
        header = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise WeightsFormatError(f"{source}: the safetensors header is not JSON ({e})") from e
    if not isinstance(header, dict):
        raise WeightsFormatError(f"{source}: the safetensors header is not a JSON object")
    metadata = header.pop("__metadata__", None) or {}
    if not isinstance(metadata, dict):
        raise WeightsFormatError(f"{source}: __metadata__ must be an object of strings")
    base = 8 + len(raw)
    tensors = [_tensor(name, entry, source, base, file_size) for name, entry in header.items()]
    tensors.sort(key=lambda t: t.start)
    return tensors, {str(k): str(v) for k, v in metadata.items()}


def _tensor(name: str, entry: Any, source: str, base: int, file_size: int) -> TensorInfo:
    where = f"{source}: tensor {name!r}"
    if not isinstance(entry, dict):
        raise WeightsFormatError(f"{where}: its entry is not an object")
    dtype = entry.get("dtype")
    if dtype not in DTYPES:
        raise WeightsFormatError(
            f"{where}: unknown dtype {dtype!r} (known: {', '.join(sorted(DTYPES))})"
        )
    shape = entry.get("shape")
    offsets = entry.get("data_offsets")
    if not isinstance(shape, list) or not all(
        isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape
    ):
        raise WeightsFormatError(f"{where}: shape must be a list of ints >= 0, got {shape!r}")
    if (
        not isinstance(offsets, list)
        or len(offsets) != 2
        or not all(isinstance(o, int) and not isinstance(o, bool) for o in offsets)
        or not 0 <= offsets[0] <= offsets[1]
    ):
        raise WeightsFormatError(
            f"{where}: data_offsets must be [begin, end] with 0 <= begin <= end, got {offsets!r}"
        )
    expected = math.prod(shape) * DTYPES[dtype][0]
    if offsets[1] - offsets[0] != expected:
        raise WeightsFormatError(
            f"{where}: {offsets[1] - offsets[0]} bytes for shape {shape} of {dtype} "
            f"(expected {expected})"
        )
    start, end = base + offsets[0], base + offsets[1]
    if end > file_size:
        raise WeightsFormatError(
            f"{where}: its bytes end at {end}, past the end of the file ({file_size} bytes)"
        )
    return TensorInfo(name, dtype, tuple(shape), start, end, source)


def torch_or_none() -> Any:
    """The torch module, or None when it is not installed."""
    try:
        return importlib.import_module("torch")
    except ImportError:
        return None


def to_array(info: TensorInfo, data: bytearray) -> Any:
    """``data`` (the tensor's bytes) as a torch tensor, or a numpy array without torch."""
    torch = torch_or_none()
    if torch is not None:
        dtype = getattr(torch, _TORCH_NAMES[info.dtype])
        if not data:
            return torch.empty(info.shape, dtype=dtype)
        return torch.frombuffer(data, dtype=dtype).reshape(info.shape)
    np_dtype = DTYPES[info.dtype][1]
    if np_dtype is None:
        raise MissingDependencyError(
            f"{info.source}: tensor {info.name!r} is {info.dtype}, which numpy cannot hold; "
            "install torch (`pip install torch`) to stream it as a torch tensor",
            package="torch",
        )
    try:
        import numpy as np
    except ImportError as e:
        raise MissingDependencyError(
            "flytelike.extras.model_streamer yields numpy arrays when torch is not installed; "
            "install numpy or torch (`pip install numpy`)",
            package="numpy",
        ) from e
    return np.frombuffer(data, dtype=np.dtype(np_dtype)).reshape(info.shape)


def place(tensor: Any, device: Any, dtype: Any) -> Any:
    """``tensor`` on ``device`` and, when floating point, of ``dtype`` (either None: kept)."""
    if hasattr(tensor, "is_floating_point"):  # a torch tensor
        if dtype is not None and tensor.is_floating_point() and tensor.dtype != dtype:
            return tensor.to(device=device, dtype=dtype)
        return tensor if device is None else tensor.to(device=device)
    if device is not None and str(device) != "cpu":
        raise MissingDependencyError(
            f"ModelStreamer: device={device!r} needs torch (without it tensors are numpy "
            "arrays in host memory); install torch (`pip install torch`)",
            package="torch",
        )
    if dtype is not None and tensor.dtype.kind == "f":
        import numpy as np

        target = np.dtype(dtype)
        return tensor if tensor.dtype == target else tensor.astype(target)
    return tensor
