"""flyte 2's ``flyte.models`` records (issue 13): a task's ``NativeInterface``, parsed
docstrings, ``literal_to_enum``, serialisation contexts and the small records, used as a flyte
user would."""

from __future__ import annotations

import inspect
import pathlib
from typing import Literal

import pytest

import flytelike as flyte
from flytelike.errors import DefinitionError
from flytelike.models import (
    CallCounter,
    CheckpointPaths,
    CodeBundle,
    Docstring,
    GroupData,
    NativeInterface,
    PathRewrite,
    SerializationContext,
    is_clustered_worker_env,
    literal_to_enum,
)

env = flyte.TaskEnvironment(name="models_records")


@env.task
async def scale(x: int, factor: float = 2.0, mode: Literal["up", "down"] = "up") -> float:
    """Scale a number.

    Multiplies x by the factor.

    :param x: the number
    :param factor: how much
    :return: the scaled number
    """
    return x * factor if mode == "up" else x / factor


def test_native_interface_of_a_task() -> None:
    iface = scale.native_interface
    assert isinstance(iface, NativeInterface)
    assert list(iface.inputs) == ["x", "factor", "mode"]
    assert iface.inputs["x"] == (int, inspect.Parameter.empty)
    assert iface.inputs["factor"] == (float, 2.0)
    assert iface.required_inputs() == ["x"] and iface.num_required_inputs() == 1
    assert iface.outputs == {"o0": float} and iface.has_outputs()
    mode_type = iface.inputs["mode"][0]
    assert mode_type.__name__ == "LiteralEnum" and mode_type.UP.value == "up"
    assert repr(iface).startswith("(x: int, factor: float = 2.0, mode: ")
    assert repr(iface).endswith(" = up) -> o0: float:")
    assert iface.get_input_types()["x"] is int
    assert iface.convert_to_kwargs(3, factor=1.5) == {"x": 3, "factor": 1.5}
    with pytest.raises(TypeError, match="too many positional"):
        iface.convert_to_kwargs(1, 2, 3, 4)
    with pytest.raises(TypeError, match="unknown input"):
        iface.convert_to_kwargs(1, y=2)
    doc = iface.docstring
    assert doc is not None and doc.short_description == "Scale a number."
    assert doc.input_descriptions == {"x": "the number", "factor": "how much"}


def test_native_interface_from_types_and_callables() -> None:
    iface = NativeInterface.from_types(
        {"a": (int, inspect.Parameter.empty), "b": (str, NativeInterface.has_default)},
        {"o0": str, "o1": int},
    )
    assert repr(iface) == "(a: int, b: str = ...) -> (o0: str, o1: int):"
    assert not NativeInterface.from_callable(lambda: None).has_outputs()

    def star(*xs: int) -> int:
        return 0

    with pytest.raises(DefinitionError, match=r"\*args"):
        NativeInterface.from_callable(star)


def test_docstring_and_literal_to_enum() -> None:
    doc = Docstring("Short.\n\nLonger text.\n\nArgs:\n    n: how many\n")
    assert doc.short_description == "Short." and doc.long_description == "Longer text."
    assert doc.input_descriptions == {"n": "how many"}
    e = literal_to_enum(Literal["red", "green"])
    assert [m.value for m in e] == ["red", "green"] and e["RED"].value == "red"
    with pytest.raises(TypeError):
        literal_to_enum(int)


def test_small_records() -> None:
    rewrite = PathRewrite.from_str("s3://bucket->/mnt/bucket")
    assert repr(rewrite) == "s3://bucket->/mnt/bucket"
    assert rewrite.rewrite("s3://bucket/a.csv") == "/mnt/bucket/a.csv"
    assert rewrite.rewrite("gs://other/a") == "gs://other/a"
    with pytest.raises(DefinitionError):
        PathRewrite.from_str("no arrow")
    with pytest.raises(DefinitionError):
        PathRewrite("a", "a")
    counter = CallCounter()
    assert [counter.next("t"), counter.next("t"), counter.next("u")] == [1, 2, 1]
    assert GroupData("g").name == "g"
    assert CheckpointPaths(None, "/tmp/c").checkpoint_path == "/tmp/c"
    with pytest.raises(DefinitionError, match="tgz= or pkl="):
        CodeBundle(computed_version="v1")
    bundle = CodeBundle(computed_version="v1", tgz="code.tgz")
    assert bundle.with_downloaded_path(pathlib.Path("/x")).downloaded_path == pathlib.Path("/x")
    sctx = SerializationContext(version="v1", project="p", code_bundle=bundle)
    assert sctx.get_entrypoint_path() == "/opt/venv/bin/runtime.py"
    assert is_clustered_worker_env({"TORCHELASTIC_RUN_ID": "r"})
    assert not is_clustered_worker_env({})
