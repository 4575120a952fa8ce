"""Optional stacks: a type whose libraries are missing fails where it is used, naming the extra.

Each case runs in a fresh interpreter with the library hidden (``sys.modules[name] = None`` makes
``import name`` fail as if it were not installed), since the default registry caches lookups.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest


def _run(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "case.py"
    script.write_text(textwrap.dedent(code))
    return subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "FLYTELIKE_HOME": str(tmp_path / "home")},
        timeout=120,
    )


@pytest.mark.parametrize(
    ("module", "frame", "extra"),
    [
        ("pandas", "pandas.DataFrame", "pandas"),
        ("polars", "polars.DataFrame", "polars"),
    ],
)
def test_a_frame_task_without_pyarrow_fails_at_decoration_naming_the_extra(
    tmp_path: Path, module: str, frame: str, extra: str
) -> None:
    out = _run(
        f"""
        import sys
        import {module}
        sys.modules["pyarrow"] = None  # pyarrow is not installed
        from flytelike import task
        from flytelike.errors import InterfaceError
        import typesystem

        try:
            @task
            def rows(df: {frame}) -> int:
                return 0
        except InterfaceError as e:
            assert isinstance(e.__cause__, typesystem.MissingDependencyError), e.__cause__
            assert e.__cause__.extra == "{extra}"
            assert e.__cause__.missing == ("pyarrow",)
            print(e)
        else:
            raise SystemExit("no error at decoration")
        """,
        tmp_path,
    )
    assert out.returncode == 0, out.stderr
    assert "case.py:10" in out.stdout  # the task's definition line
    assert f"pip install 'flytelike[{extra}]'" in out.stdout
    assert "pyarrow is not installed" in out.stdout


def test_a_wrapped_frame_without_its_stack_fails_when_stored_naming_the_extra(
    tmp_path: Path,
) -> None:
    # The DataFrame wrapper needs no frame library to be declared; storing a pandas frame in it
    # needs pyarrow, and says so.
    out = _run(
        """
        import sys
        import pandas as pd
        sys.modules["pyarrow"] = None
        import typesystem
        from flytelike import DataFrame

        registry = typesystem.default_registry()
        try:
            registry.to_literal(DataFrame.from_df(pd.DataFrame({"a": [1]})), DataFrame)
        except typesystem.MissingDependencyError as e:
            print(e)
        else:
            raise SystemExit("stored without pyarrow")
        """,
        tmp_path,
    )
    assert out.returncode == 0, out.stderr
    assert "pip install 'flytelike[pandas]'" in out.stdout


def test_an_s3_location_without_s3fs_names_the_extra(tmp_path: Path) -> None:
    out = _run(
        """
        import sys
        sys.modules["s3fs"] = None
        from typesystem.io import StorageError, current_store

        try:
            current_store().filesystem("s3://bucket/key")
        except StorageError as e:
            print(e)
        else:
            raise SystemExit("no error")
        """,
        tmp_path,
    )
    assert out.returncode == 0, out.stderr
    assert "pip install 'flytelike[s3]'" in out.stdout
