"""Architecture rules, checked by walking imports with ``ast``.

- ``typesystem`` never imports ``flytelike`` (nor any plugin).
- ``flytelike.compiler`` never imports the engine or the backends.
- the IR imports only ``typesystem`` (and the standard library).
- importing ``typesystem`` or ``flytelike`` loads no heavy module.
"""

from __future__ import annotations

import ast
import io
import subprocess
import sys
import tokenize
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


# Faces, not private modules (STYLE.md). A module name is *private* from its first component
# after the top-level one that starts with one underscore (``flytelike.engine._index``,
# ``typesystem.io._paths``, ``flytelike._v2``); the package holding that component *owns* it
# (``flytelike.engine``, ``typesystem.io``, ``flytelike``). Code inside the owner may import it;
# anything else goes through the owner's face (its ``__init__``), or says why not in a comment.
PLUGINS = sorted(
    p for p in (ROOT / "plugins").glob("*/*") if (p / "__init__.py").exists() and p.name != "tests"
)
TOP_LEVEL = ("flytelike", "typesystem", *(p.name for p in PLUGINS))


def _sources() -> list[tuple[Path, str]]:
    """Every module of flytelike, typesystem and the plugins (not their tests), with its name."""
    found: list[tuple[Path, str]] = []
    for base in [ROOT / "flytelike", ROOT / "typesystem", *PLUGINS]:
        for path in sorted(base.rglob("*.py")):
            if "_pb2" in path.name:
                continue
            parts = path.relative_to(base.parent).with_suffix("").parts
            found.append((path, ".".join(parts[:-1] if parts[-1] == "__init__" else parts)))
    return found


def _owner(target: str) -> str | None:
    """The package that owns the private part of ``target``, or None when nothing is private."""
    parts = target.split(".")
    if parts[0] not in TOP_LEVEL:
        return None
    for i, part in enumerate(parts[1:], start=1):
        if part.startswith("_") and not part.endswith("__"):
            return ".".join(parts[:i])
    return None


def _imported(node: ast.AST, module: str, is_package: bool, known: set[str]) -> list[str]:
    """The modules an import statement names (``from X import _m`` names ``X._m``)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module or ""
    if node.level:
        here = module.split(".") if is_package else module.split(".")[:-1]
        here = here[: len(here) - node.level + 1]
        base = ".".join([*here, *([node.module] if node.module else [])])
    return [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]


def _comment_lines(source: str) -> set[int]:
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return {tok.start[0] for tok in tokens if tok.type == tokenize.COMMENT}


def _unexplained_private_imports(sources: list[tuple[Path, str]]) -> list[str]:
    known = {module for _, module in sources}
    bad: list[str] = []
    for path, module in sources:
        source = path.read_text()
        lines = source.splitlines()
        comments = _comment_lines(source)
        for node in ast.walk(ast.parse(source, filename=str(path))):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            end = node.end_lineno or node.lineno
            above = node.lineno - 1
            explained = any(n in comments for n in range(node.lineno, end + 1)) or (
                above >= 1 and lines[above - 1].lstrip().startswith("#")
            )
            for target in dict.fromkeys(_imported(node, module, path.name == "__init__.py", known)):
                owner = _owner(target)
                if owner is None or module == owner or module.startswith(owner + "."):
                    continue
                if not explained:
                    where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
                    bad.append(f"{where}:{node.lineno}: {module} imports {target} ({owner}'s)")
    return bad


def test_packages_import_each_other_through_their_faces() -> None:
    """A module imports another package's private module only with a comment saying why.

    The rule, as checked: for each import statement (``import a.b``, ``from a.b import c``,
    relative ones resolved; ``from a import _m`` names the module ``a._m``), the imported
    module's first component after the top-level package that starts with one underscore makes
    it private, and the package above that component owns it: ``flytelike.engine._index`` is
    ``flytelike.engine``'s, ``typesystem.io._paths`` is ``typesystem.io``'s, and
    ``flytelike._v2.run`` is ``flytelike``'s. A module inside the owner (the owner itself or a
    module under it) may import it freely; so every flytelike module may use flytelike's private
    top-level packages (``_v2``, ``_entities``, ``_settings``, ``_compat``, ``_remote_verbs``),
    which are part of flytelike's own face layer, while typesystem and the plugins may not. Any
    other such import crosses a package's face and needs a comment on one of its lines, or a
    comment line right above it, saying why it does not go through the face. Names inside the
    faces' lazy tables are strings, not imports: the face that holds them owns that choice.
    """
    bad = _unexplained_private_imports(_sources())
    assert bad == [], "import these through the package's face, or say why not:\n" + "\n".join(bad)


def test_the_face_check_finds_a_private_import(tmp_path: Path) -> None:
    (tmp_path / "flytelike" / "cli").mkdir(parents=True)
    (tmp_path / "flytelike" / "engine").mkdir()
    cli = tmp_path / "flytelike" / "cli" / "_run.py"
    cli.write_text(
        "from flytelike.engine._index import to_closure\n"
        "from flytelike.engine import _index, run\n"
        "# the index loads lazily\n"
        "from flytelike.engine._index import ClosureIndex\n"
        "import flytelike.engine._index  # same\n"
        "from flytelike._v2 import run as v2_run\n"
        "from . import _load\n"
    )
    engine = tmp_path / "flytelike" / "engine" / "_run.py"
    engine.write_text("from flytelike.engine._index import to_closure\nfrom ._index import x\n")
    (tmp_path / "flytelike" / "engine" / "_index.py").write_text("to_closure = x = None\n")
    (tmp_path / "flytelike" / "cli" / "_load.py").write_text("")
    sources = [
        (cli, "flytelike.cli._run"),
        (engine, "flytelike.engine._run"),
        (tmp_path / "flytelike" / "engine" / "_index.py", "flytelike.engine._index"),
        (tmp_path / "flytelike" / "cli" / "_load.py", "flytelike.cli._load"),
    ]
    assert _unexplained_private_imports(sources) == [
        f"{cli}:1: flytelike.cli._run imports flytelike.engine._index (flytelike.engine's)",
        f"{cli}:2: flytelike.cli._run imports flytelike.engine._index (flytelike.engine's)",
    ]
    assert _owner("typesystem.io._paths") == "typesystem.io"
    assert _owner("flytelike._v2.run") == "flytelike"
    assert _owner("flytelike.__main__") is None
    assert _owner("flytelike.engine") is None
