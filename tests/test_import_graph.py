"""The import graph keeps one direction (issue 11): no flytelike module is part of an import
circle. Every import is counted, at module level or inside a function (a lazy import still ties
two modules). typesystem's registry and its built-in transformers import each other on purpose
(typesystem/_registry.py says why); that circle may stay, inside typesystem only."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _graph() -> dict[str, set[str]]:
    files = [
        p
        for package in ("flytelike", "typesystem")
        for p in (ROOT / package).rglob("*.py")
        if "_pb2" not in p.name
    ]
    modules = {_module(p): p for p in files}

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {m: set() for m in modules}
    for module, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [
                    f"{node.module}.{a.name}"
                    if f"{node.module}.{a.name}" in modules
                    else node.module
                    for a in node.names
                ]
            for name in names:
                target = resolve(name)
                if target is not None and target != module:
                    graph[module].add(target)
    return graph


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            v, edges = work[-1]
            w = next(edges, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                component = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    component.append(w)
                    if w == v:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_flytelike_module_is_in_an_import_circle() -> None:
    circles = _circles(_graph())
    assert [c for c in circles if any(m.startswith("flytelike") for m in c)] == []
    # (the one kept: typesystem's registry and built-ins, with the io types they install)
    assert len(circles) <= 1
    assert all(m.startswith("typesystem") for c in circles for m in c)


def test_the_circle_finder_finds_a_circle() -> None:
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


# The packages' floors, top first: a module may import its own package and those listed after
# it, never one listed before (a lazy import counts too). ``flytelike`` is the face
# (flytelike/__init__.py); a new package or root module must be placed here.
FLOORS = [
    "flytelike.__main__", "flytelike.conformance", "flytelike.cli", "flytelike.executor",
    "flytelike", "flytelike.extras", "flytelike._remote_verbs", "flytelike.artifacts",
    "flytelike.app", "flytelike.remote", "flytelike.connectors", "flytelike.models",
    "flytelike.scheduler", "flytelike.durable", "flytelike.extend", "flytelike._v2", "flytelike.core",
    "flytelike.sensor",
    "flytelike._entities", "flytelike.testing", "flytelike.ui", "flytelike.pytest_plugin",
    "flytelike.report", "flytelike.engine", "flytelike.deck", "flytelike.backends",
    "flytelike.serialization", "flytelike.compiler", "flytelike.image_spec", "flytelike._image",
    "flytelike.notify",
    "flytelike.types", "flytelike._settings", "flytelike.storage", "flytelike.io",
    "flytelike._compat", "flytelike.exceptions", "flytelike.proto", "flytelike.ir",
    "flytelike.errors", "flytelike.configuration", "flytelike.git", "typesystem",
]  # fmt: skip


def _floor(module: str) -> str | None:
    """The entry of FLOORS that holds ``module`` (the longest prefix; the face only itself)."""
    best = None
    for name in FLOORS:
        inside = module == name or (name != "flytelike" and module.startswith(name + "."))
        if inside and (best is None or len(name) > len(best)):
            best = name
    return best


def test_every_import_runs_down_the_floors() -> None:
    graph = _graph()
    unplaced = sorted(m for m in graph if _floor(m) is None)
    assert unplaced == [], f"place these modules' packages in FLOORS: {unplaced}"
    upward = sorted(
        f"{module} ({_floor(module)}) imports {target} ({_floor(target)})"
        for module, targets in graph.items()
        for target in targets
        if FLOORS.index(_floor(module) or "") > FLOORS.index(_floor(target) or "")
    )
    assert upward == []


def test_the_floors_place_a_module_in_its_package() -> None:
    assert _floor("flytelike") == "flytelike"
    assert _floor("flytelike.engine._run") == "flytelike.engine"
    assert _floor("flytelike.errors") == "flytelike.errors"
    assert _floor("typesystem.io._file") == "typesystem"
    assert FLOORS.index("flytelike.engine") < FLOORS.index("flytelike.backends")
