"""The engine's modules import each other without circles (every import counted: top-level,
inside functions and under ``TYPE_CHECKING``), and the engine imports nothing above it (the UI
registers the notebook view of a run instead: ``set_run_view``)."""

from __future__ import annotations

import ast
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "flytelike" / "engine"


def _module(path: Path) -> str:
    return "flytelike.engine" if path.stem == "__init__" else f"flytelike.engine.{path.stem}"


def _imports(path: Path, modules: set[str] | frozenset[str] = frozenset()) -> set[str]:
    """What ``path`` imports: ``from P import m`` names the module ``P.m`` when that is one of
    ``modules`` (a submodule), else ``P`` itself."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for a in node.names:
                sub = f"{node.module}.{a.name}"
                out.add(sub if sub in modules else node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return out


def _graph() -> dict[str, set[str]]:
    files = {_module(p): p for p in ENGINE.glob("*.py")}
    names = set(files)
    return {m: (_imports(p, names) & names) - {m} for m, p in files.items()}


def test_no_import_circle_among_the_engine_modules() -> None:
    graph = _graph()
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        path.append(m)
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                circle = [*path[path.index(n) :], n]
                raise AssertionError("import circle: " + " -> ".join(circle))
            if n not in state:
                visit(n)
        path.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)


def test_the_engine_does_not_import_the_ui() -> None:
    for p in ENGINE.glob("*.py"):
        assert not any(i.startswith("flytelike.ui") for i in _imports(p)), p.name
