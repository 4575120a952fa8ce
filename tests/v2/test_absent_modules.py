"""flyte 2 modules flytelike does not provide (``flytelike._compat.absent``): importing them, or
anything under them, raises ``NotProvidedError`` saying what they are and what to use."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from flytelike.errors import FlytelikeError, NotProvidedError


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("flytelike.ai", "flytelike.app"),
        ("flytelike.ai.agents", "agent loop in a task"),
        ("flytelike.ai.chat", "chat web app"),
        ("flytelike.ai.mcp", "MCP"),
        ("flytelike.clustered", "TorchRun"),
        ("flytelike.sandbox", "ContainerTask"),
        ("flytelike.migrate", "remove the import"),
    ],
)
def test_absent_module_raises_what_to_use(path: str, says: str) -> None:
    with pytest.raises(NotProvidedError) as info:
        importlib.import_module(path)
    err = info.value
    assert isinstance(err, ImportError) and isinstance(err, FlytelikeError)
    top = path.split(".")[1]
    assert err.name == f"flytelike.{top}"  # (the parent's import raises first)
    assert f"flytelike does not provide flytelike.{top}, flyte 2's flyte.{top}" in str(err)
    assert says in str(err)


def test_from_imports_and_other_missing_modules() -> None:
    with pytest.raises(NotProvidedError, match=r"flyte\.sandbox"):
        from flytelike import sandbox  # noqa: F401
    with pytest.raises(NotProvidedError, match=r"flyte\.ai is flyte 2's AI helpers"):
        from flytelike.ai.agents import Agent  # noqa: F401
    # a path nobody knows stays a plain ModuleNotFoundError
    with pytest.raises(ModuleNotFoundError) as info:
        importlib.import_module("flytelike.no_such_module")
    assert not isinstance(info.value, NotProvidedError)


def test_a_fresh_interpreter_sees_it_as_a_flyte_program_would() -> None:
    code = "import flytelike.sandbox\n"  # what `import flyte.sandbox` becomes
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 1
    assert "flytelike.errors.NotProvidedError: flytelike does not provide" in out.stderr


def test_names_with_no_local_meaning_raise_the_same_error() -> None:
    with pytest.raises(NotProvidedError, match="flytelike does not implement it"):
        from flytelike import Artifact  # noqa: F401
