"""``numpy.ndarray`` is a typed value (a ``NumpyArray`` blob, as flytekit stores it), and numpy
is imported only to store or load an array."""

from __future__ import annotations

import subprocess
import sys

import pytest

import typesystem as ts

np = pytest.importorskip("numpy")


def test_round_trip_keeps_dtype_and_shape() -> None:
    reg = ts.default_registry()
    value = np.arange(6, dtype=np.int32).reshape(2, 3)
    lit = reg.to_literal(value, np.ndarray)
    assert isinstance(lit, ts.Blob) and lit.format == "NumpyArray"
    assert reg.literal_type(np.ndarray) == ts.BlobType("NumpyArray")
    back = reg.to_python(lit, np.ndarray)
    assert back.dtype == np.int32 and back.shape == (2, 3) and (back == value).all()
    assert reg.guess_python_type(ts.BlobType("NumpyArray")) is np.ndarray


def test_ndarray_aliases_and_refusals() -> None:
    import numpy.typing as npt

    reg = ts.default_registry()
    lit = reg.to_literal(np.ones(2), npt.NDArray[np.float64])
    assert list(reg.to_python(lit, npt.NDArray[np.float64])) == [1.0, 1.0]
    with pytest.raises(ts.ConversionError):
        reg.to_literal([1, 2], np.ndarray)
    with pytest.raises(ValueError):  # object arrays would need pickle
        reg.to_literal(np.array([object()]), np.ndarray)


def test_tasks_without_numpy_installed_are_unaffected() -> None:
    code = (
        "import sys; sys.modules['numpy'] = None\n"
        "from flytelike import task, workflow\n"
        "@task\ndef t(x: int) -> int:\n    return x + 1\n"
        "@workflow\ndef wf(x: int) -> int:\n    return t(x=x)\n"
        "assert wf(x=1) == 2\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr
