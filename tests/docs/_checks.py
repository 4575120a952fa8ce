"""The checks behind each kind of documentation block (see ``_blocks`` for which applies when):
``pip install`` lines against this checkout's distributions and extras, shell commands run for
real, console sessions compared with what the commands print, TOML loaded by the real
configuration loader, command synopses against the CLI."""

from __future__ import annotations

import ast
import doctest
import json
import os
import re
import select
import signal
import subprocess
import sys
import tomllib
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

from ._blocks import ROOT, Block, Command, console_session, is_pip, shell_commands

BIN = Path(sys.executable).parent
PROJECT_SHOWN_AS = "/home/me/project"  # how console blocks write the project directory
HOME_SHOWN_AS = "~/.flytelike"
RUN_NAME_SHOWN_AS = "r20260101-1a2b3c4d-0"
_RUN_NAME = re.compile(r"\br\d{8}-[0-9a-f]{8}-\d+\b")
PLACEHOLDERS = {"RUN", "RUN_NAME"}  # stand for the newest run of the page's home
# Entry point groups flytelike reads (typesystem's plugins, backends, the pytest plugin) and
# the console scripts a distribution may declare.
ENTRY_POINT_GROUPS = {"flytelike.types", "flytelike.backends", "pytest11", "console_scripts"}


def _distributions() -> dict[str, Path]:
    """``{canonical name: pyproject.toml}`` of the distributions in this checkout."""
    out = {}
    for p in [ROOT / "pyproject.toml", *ROOT.glob("plugins/*/pyproject.toml")]:
        out[canonicalize_name(tomllib.loads(p.read_text())["project"]["name"])] = p
    return out


def _extras(pyproject: Path) -> set[str]:
    return set(tomllib.loads(pyproject.read_text())["project"].get("optional-dependencies", {}))


def check_pip(argv: list[str], where: str) -> None:
    """A ``pip install`` line names only distributions of this checkout (by name or path) and
    extras they declare; it is checked, never run (the suite runs without the network)."""
    args = argv[1:] if argv[0] == "pip" else argv[3:]
    if args[:1] == ["check"]:
        return
    assert args[:1] == ["install"], f"{where}: pip {' '.join(args)}: only install/check are checked"
    specs: list[str] = []
    rest = args[1:]
    while rest:
        a = rest.pop(0)
        if a in ("-e", "--editable"):
            specs.append(rest.pop(0))
        elif a in ("-q", "--quiet", "-U", "--upgrade"):
            continue
        else:
            assert not a.startswith("-"), f"{where}: pip option {a} is not checked"
            specs.append(a)
    dists = _distributions()
    for spec in specs:
        m = re.fullmatch(r"(?P<target>[^\[\]<>=!~]+)(?:\[(?P<extras>[^\]]*)\])?(?P<ver>.*)", spec)
        assert m, f"{where}: cannot read the requirement {spec!r}"
        target = m["target"]
        extras = {e.strip() for e in (m["extras"] or "").split(",") if e.strip()}
        if target == "pip":
            continue
        if target.startswith(".") or "/" in target:
            pyproject = (ROOT / target).resolve() / "pyproject.toml"
            assert pyproject.is_file(), f"{where}: {spec!r}: no distribution at {target}"
        else:
            Requirement(spec)  # a well-formed requirement
            pyproject = dists.get(canonicalize_name(target))  # type: ignore[assignment]
            assert pyproject is not None, (
                f"{where}: {spec!r} is not a distribution of this project ({sorted(dists)})"
            )
            if m["ver"]:
                SpecifierSet(m["ver"])
        unknown = extras - _extras(pyproject)
        assert not unknown, (
            f"{where}: {spec!r}: no extra {sorted(unknown)} in {pyproject.relative_to(ROOT)} "
            f"(its extras: {sorted(_extras(pyproject))})"
        )


@dataclass
class Page:
    """What the blocks of one page share: its project directory, home and Python namespace."""

    project: Path
    home: Path
    namespace: dict[str, Any]
    defined: set[str] = field(default_factory=set)  # top-level names of the page's Python

    def env(self, extra: dict[str, str]) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("FLYTELIKE_")}
        env.update(
            FLYTELIKE_HOME=str(self.home),
            FLYTELIKE_NO_PROGRESS="1",
            PYTHONUNBUFFERED="1",
            PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            COLUMNS="100",
        )
        env.update(extra)
        return env

    def newest_run(self, where: str) -> str:
        from flytelike.engine import list_runs

        runs = list_runs(limit=1)
        assert runs, f"{where}: RUN stands for the newest run, but the page has made none yet"
        return runs[0].name

    def run(self, cmd: Command, where: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.argv(cmd, where),
            cwd=self.project,
            env=self.env(cmd.env),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=300,
        )

    def argv(self, cmd: Command, where: str) -> list[str]:
        prog, *args = cmd.argv
        args = [self.newest_run(where) if a in PLACEHOLDERS else a for a in args]
        if prog == "flytelike":
            argv = [str(BIN / "flytelike"), *args]
        elif prog == "python":
            argv = [sys.executable, *args]
        else:
            raise AssertionError(
                f"{where}: no check runs `{prog}`; use flytelike or python, or annotate the "
                "block (<!-- docs-check: skip: REASON -->)"
            )
        return argv

    def shown(self, output: str) -> str:
        """Output as a console block writes it (paths and run names normalised)."""
        output = output.replace(str(self.project), PROJECT_SHOWN_AS)
        output = output.replace(str(self.home), HOME_SHOWN_AS)
        return _RUN_NAME.sub(RUN_NAME_SHOWN_AS, output)


def check_bash(block: Block, page: Page) -> None:
    server: subprocess.Popen[str] | None = None
    address = ("", "")  # (the address the page shows, the one the server listens on)
    try:
        for cmd in shell_commands(block.text, block.where):
            if address[0]:
                cmd = Command(
                    {k: v.replace(*address) for k, v in cmd.env.items()},
                    [a.replace(*address) for a in cmd.argv],
                )
            if is_pip(cmd.argv):
                check_pip(cmd.argv, block.where)
            elif block.check == "server" and server is None:
                server, address = _start_server(cmd, page, block.where)
            else:
                _expect_success(cmd, page, block.where)
    finally:
        if server is not None:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            assert server.stdout is not None
            server.stdout.close()


def _start_server(
    cmd: Command, page: Page, where: str
) -> tuple[subprocess.Popen[str], tuple[str, str]]:
    """Start a block's first command, a server, on a free port (``--port 0``: the page's port
    may be taken on this machine), wait for the line naming its address, and return it with
    ``(the page's address, the real one)`` to rewrite the commands that follow."""
    shown = "127.0.0.1:" + _default_port(cmd)
    argv = page.argv(Command(cmd.env, [*cmd.argv, "--port", "0"]), where)
    proc = subprocess.Popen(
        argv,
        cwd=page.project,
        env=page.env(cmd.env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], 60)
    line = proc.stdout.readline() if ready else ""
    found = re.search(r"(127\.0\.0\.1:\d+)", line)
    assert found and proc.poll() is None, f"{where}: `{' '.join(cmd.argv)}` did not start: {line!r}"
    if "http://" in line:  # a web server: its first page answers
        with urllib.request.urlopen(f"http://{found[1]}/", timeout=30) as response:
            assert response.status == 200, f"{where}: http://{found[1]}/ answered {response.status}"
    return proc, (shown, found[1])


def _default_port(cmd: Command) -> str:
    """The port a server command listens on by default (its ``--port`` option's default)."""
    import click

    from flytelike.cli import main

    command: click.Command = main
    for word in cmd.argv[1:]:
        if not isinstance(command, click.Group) or word not in command.commands:
            break
        command = command.commands[word]
    (port,) = [p for p in command.params if "--port" in p.opts]
    return str(port.default)


def _expect_success(cmd: Command, page: Page, where: str) -> None:
    out = page.run(cmd, where)
    assert out.returncode == 0, (
        f"{where}: `{' '.join(cmd.argv)}` exited {out.returncode}:\n{out.stdout}"
    )


def check_console(block: Block, page: Page) -> None:
    checker = doctest.OutputChecker()
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    for line, want in console_session(block.text):
        (cmd,) = shell_commands(line, block.where)
        if is_pip(cmd.argv):
            check_pip(cmd.argv, block.where)
            continue
        got = page.shown(page.run(cmd, block.where).stdout)
        want = _RUN_NAME.sub(RUN_NAME_SHOWN_AS, want)
        assert checker.check_output(want, got, flags), (
            f"{block.where}: `$ {line}` printed:\n{got}\nbut the page shows:\n{want}"
        )


def check_pycon(block: Block, page: Page) -> None:
    test = doctest.DocTestParser().get_doctest(
        block.text, page.namespace, block.where, str(block.page), block.line
    )
    report: list[str] = []
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test, out=report.append, clear_globs=False)
    page.namespace.update(test.globs)
    assert not runner.failures, "".join(report)


# [tool.flytelike] key -> EngineConfig attribute it sets
CONFIG_ATTRIBUTES = {
    "home": "home",
    "raw_data_prefix": "raw_data_prefix",
    "backend": "backend",
    "backend_options": "backend_options",
    "max_parallelism": "max_parallelism",
    "system_retries": "system_retries",
    "inline_limit": "inline_limit",
    "local_cache_enabled": "cache_enabled",
    "local_cache_overwrite": "overwrite_cache",
    "record": "record_direct_calls",
}


def check_toml(block: Block, page: Page, scratch: Path) -> None:
    try:
        doc = tomllib.loads(block.text)
    except tomllib.TOMLDecodeError as e:
        raise AssertionError(f"{block.where}: not valid TOML: {e}") from None
    table = doc.get("tool", {}).get("flytelike")
    if table is not None:
        _check_config(block, table, scratch)
    project = doc.get("project", {})
    if "name" in project:
        assert re.fullmatch(r"[A-Za-z0-9]([\w.-]*[A-Za-z0-9])?", project["name"]), block.where
        Version(project["version"])
        for dep in project.get("dependencies", []):
            Requirement(dep)
    for group, entries in project.get("entry-points", {}).items():
        assert group in ENTRY_POINT_GROUPS, (
            f"{block.where}: entry point group {group!r} is not one flytelike reads "
            f"({sorted(ENTRY_POINT_GROUPS)})"
        )
        for name, target in entries.items():
            m = re.fullmatch(r"[A-Za-z_][\w.]*:(?P<attr>[A-Za-z_][\w.]*)", target)
            assert m, f"{block.where}: entry point {name} = {target!r} is not `module:object`"
            obj = m["attr"].split(".")[0]
            assert obj in page.defined, (
                f"{block.where}: entry point {name} names `{obj}`, which no Python example on "
                "the page defines"
            )


def _check_config(block: Block, table: dict[str, Any], scratch: Path) -> None:
    """Load the table with the engine's loader (``EngineConfig.from_env``) from a project whose
    pyproject.toml is this block, with no FLYTELIKE_* variable set, and compare."""
    from flytelike.engine import EngineConfig

    d = scratch / f"config-{block.line}"
    d.mkdir(parents=True)
    (d / "pyproject.toml").write_text(block.text)
    saved = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("FLYTELIKE_")}
    cwd = os.getcwd()
    os.chdir(d)
    try:
        config = EngineConfig.from_env()
    finally:
        os.chdir(cwd)
        os.environ.update(saved)
    # (the loader's own reading of the file, key by key: every key of the block is one it uses)
    from flytelike.engine._pyproject import KEYS, settings

    read, path = settings(d)
    assert path == d / "pyproject.toml"
    unread = [k for k in table if KEYS.get(k) not in read]
    assert not unread, f"{block.where}: [tool.flytelike] keys the loader does not read: {unread}"
    for key, value in table.items():
        if key not in CONFIG_ATTRIBUTES:
            continue  # (read and validated by from_env above; no attribute to compare here)
        got = getattr(config, CONFIG_ATTRIBUTES[key])
        if key == "home":
            value = d / value
        elif key == "backend_options":
            value = tuple(sorted(value.items()))
            got = tuple(sorted(got))
        assert got == value, f"{block.where}: [tool.flytelike] {key} = {value!r} loaded as {got!r}"


def check_data(block: Block) -> None:
    try:
        (yaml.safe_load if block.lang == "yaml" else json.loads)(block.text)
    except (yaml.YAMLError, json.JSONDecodeError) as e:
        raise AssertionError(f"{block.where}: not valid {block.lang}: {e}") from None


def check_synopsis(block: Block) -> None:
    import click

    from flytelike.cli import main

    for line in block.text.splitlines():
        if not line.strip():
            continue
        prog, _, rest = line.strip().partition(" ")
        assert prog == "flytelike", f"{block.where}: a synopsis line starts with flytelike"
        name, _, rest = rest.partition(" ")
        assert name in main.commands, f"{block.where}: no command `flytelike {name}`"
        command = main.commands[name]
        for alt in rest.split(" | ") if isinstance(command, click.Group) else [rest]:
            target, path = command, name
            if isinstance(command, click.Group):
                sub, _, alt = alt.strip().partition(" ")
                assert sub in command.commands, f"{block.where}: no `flytelike {name} {sub}`"
                target, path = command.commands[sub], f"{name} {sub}"
            known = {o for p in target.params for o in (*p.opts, *p.secondary_opts)}
            for opt in re.findall(r"(?<![\w-])--?[A-Za-z][\w-]*", alt):
                if opt.lstrip("-").isupper():
                    continue  # a placeholder (--INPUT)
                assert opt in known, f"{block.where}: `flytelike {path}` has no option {opt}"


def defined_names(code: str) -> set[str]:
    """Top-level names a Python example defines (functions, classes, assignments, imports)."""
    out: set[str] = set()
    for node in ast.parse(code).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            out.add(node.name)
        elif isinstance(node, ast.Assign):
            out |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.Import | ast.ImportFrom):
            out |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return out
