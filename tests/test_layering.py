"""Architecture rules, checked by walking imports with ``ast``.

- ``typesystem`` never imports ``flytelike`` (nor any plugin).
- ``flytelike.compiler`` never imports the engine or the backends.
- the IR imports only ``typesystem`` (and the standard library).
- importing ``typesystem`` or ``flytelike`` loads no heavy module.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _imports(package: Path) -> list[tuple[Path, str]]:
    found: list[tuple[Path, str]] = []
    for path in package.rglob("*.py"):
        if path.name.endswith("_pb2.py") or path.name.endswith("_pb2_grpc.py"):
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [(path, alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.append((path, node.module))
    return found


def _violations(package: Path, forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{path.relative_to(ROOT)} imports {name}"
        for path, name in _imports(package)
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    ]


def test_typesystem_never_imports_flytelike() -> None:
    assert _violations(ROOT / "typesystem", ("flytelike", "flytelike_jsonl", "ray")) == []


def test_compiler_never_imports_engine_or_backends() -> None:
    compiler = ROOT / "flytelike" / "compiler"
    if not compiler.exists():
        pytest.skip("no compiler package yet")
    forbidden = ("flytelike.engine", "flytelike.backends", "flytelike._engine")
    assert _violations(compiler, forbidden) == []


def test_ir_imports_only_typesystem() -> None:
    ir = ROOT / "flytelike" / "ir"
    if not ir.exists():
        pytest.skip("no IR package yet")
    bad = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path, name in _imports(ir)
        if name.startswith("flytelike") and not name.startswith("flytelike.ir")
    ]
    assert bad == []


HEAVY = ("pandas", "pyarrow", "polars", "grpc", "ray", "fsspec", "google.protobuf")


@pytest.mark.parametrize("module", ["typesystem", "flytelike"])
def test_import_loads_no_heavy_module(module: str) -> None:
    if not (ROOT / module / "__init__.py").exists():
        pytest.skip(f"{module} has no __init__ yet")
    code = f"import sys, {module}; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_modules_stay_small() -> None:
    # One concept per module (STYLE.md): past 600 lines, split. Generated protobuf code is exempt.
    root = Path(__file__).resolve().parents[1]
    too_big = {
        str(p.relative_to(root)): n
        for base in ("flytelike", "typesystem", "plugins")
        for p in (root / base).rglob("*.py")
        if "_pb2" not in p.name and (n := len(p.read_text().splitlines())) > 600
    }
    assert not too_big, f"modules over 600 lines: {too_big}"
