"""Every fenced code block of the documentation (``docs/`` and ``README.md``) is checked for
real, a page's blocks in order as a reader would use them (``_blocks`` says how, per
language, and which annotations change it)."""

from __future__ import annotations

import os
import re
import shlex
import sys
import types
from pathlib import Path

import pytest

from flytelike import LaunchPlan, engine

from ._blocks import DOCS, LANGUAGES, PAGES, ROOT, Block, blocks, indented_code
from ._checks import (
    Page,
    check_bash,
    check_console,
    check_data,
    check_pip,
    check_pycon,
    check_synopsis,
    check_toml,
    defined_names,
)

# Blocks not run, each with its reason in the page; a new one must be added here on purpose.
MAX_SKIPPED = 7


def _id(page: Path) -> str:
    return str(page.relative_to(DOCS if DOCS in page.parents else ROOT))


def _check(block: Block, page: Page, scratch: Path) -> None:
    if block.check == "skip":
        return
    if block.check == "synopsis":
        check_synopsis(block)
    elif block.lang == "python":
        if block.page.name == "README.md":
            return  # run one by one by tests/test_readme.py
        code = compile(block.text, block.where, "exec", dont_inherit=True)
        exec(code, page.namespace)
    elif block.lang == "pycon":
        check_pycon(block, page)
    elif block.lang == "bash":  # (a "server" block too: its first command runs meanwhile)
        check_bash(block, page)
    elif block.lang == "console":
        check_console(block, page)
    elif block.lang == "toml":
        check_toml(block, page, scratch)
    elif block.lang in ("yaml", "json"):
        check_data(block)
    else:
        raise AssertionError(
            f"{block.where}: a {block.lang or 'plain'} block is not checked: give it a language "
            f"({', '.join(sorted(LANGUAGES))}) or an annotation (<!-- docs-check: ... -->)"
        )


@pytest.mark.parametrize("page", PAGES, ids=_id)
def test_every_block_is_checked(
    page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each page gets its own project directory (the working directory, with this checkout's
    # examples/ and plugins/ in it) and FLYTELIKE_HOME, shared by its Python and its commands.
    project = tmp_path / "project"
    project.mkdir()
    for name in ("examples", "plugins"):
        (project / name).symlink_to(ROOT / name)
    home = tmp_path / "home"
    for var in [v for v in os.environ if v.startswith("FLYTELIKE_")]:
        monkeypatch.delenv(var)
    monkeypatch.setenv("FLYTELIKE_HOME", str(home))
    monkeypatch.chdir(project)
    monkeypatch.syspath_prepend(str(project))
    module = types.ModuleType(f"docs_{page.stem.replace('-', '_')}")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    # A page's launch plans live in the process-wide registry (LaunchPlan.get_or_create keys
    # them by name, as flytekit does): give the page its own, so that its `greet_bob` does not
    # meet another test's `greet_bob` later in the same process.
    monkeypatch.setattr(LaunchPlan, "CACHE", {})
    found = blocks(page)
    state = Page(project, home, module.__dict__)
    for b in found:
        if b.lang == "python":
            state.defined |= defined_names(b.text)
        if b.title:  # (the page's files exist before its first block: text may refer ahead)
            path = project / b.title
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(b.text)
    previous = engine.set_default_engine(None)
    try:
        for b in found:
            _check(b, state, tmp_path / "scratch")
    finally:
        built = engine.set_default_engine(previous)
        if built is not None:
            built.close()


def test_blocks_have_known_languages_and_skips_say_why() -> None:
    problems, skipped = [], []
    for page in PAGES:
        for b in blocks(page):
            if b.lang not in LANGUAGES:
                problems.append(f"{b.where}: language {b.lang or '(none)'!r}")
            if b.check not in (None, "skip", "synopsis", "server"):
                problems.append(f"{b.where}: unknown annotation {b.check!r}")
            if b.lang == "text" and b.check is None:
                problems.append(f"{b.where}: a text block needs an annotation")
            if b.check == "skip":
                skipped.append(b.where)
                if len(b.reason) < 20:
                    problems.append(f"{b.where}: a skipped block says why (got {b.reason!r})")
        problems += [
            f"{page.relative_to(ROOT)}:{n}: an indented code block (fence it)"
            for n in indented_code(page)
        ]
    assert not problems, problems
    assert len(skipped) <= MAX_SKIPPED, f"more blocks skipped than allowed: {skipped}"


def test_the_block_parser_reads_annotations_titles_and_indented_fences(tmp_path: Path) -> None:
    text = (
        "<!-- docs-check: skip: needs a Ray cluster with GPUs -->\n"
        "```bash\nflytelike run x.py wf\n```\n\n"
        '- item\n\n    ```python title="flows.py"\n    x = 1\n    ```\n'
    )
    probe = tmp_path / "probe.md"
    probe.write_text(text)
    skip, titled = blocks(probe)
    assert (skip.lang, skip.check, skip.reason, skip.line) == (
        "bash",
        "skip",
        "needs a Ray cluster with GPUs",
        2,
    )
    assert (titled.lang, titled.title, titled.text, titled.check) == (
        "python",
        "flows.py",
        "x = 1\n",
        None,
    )


@pytest.mark.parametrize(
    ("kind", "text", "error"),
    [
        ("synopsis", "flytelike runs list | lgs RUN", "no `flytelike runs lgs`"),
        (
            "synopsis",
            "flytelike store repair [--trusted]",
            "`flytelike store repair` has no option",
        ),
        ("pip", "pip install 'flytelike[pandsa]'", "no extra ['pandsa']"),
        ("pip", "pip install requests", "is not a distribution of this project"),
        ("pip", "pip install -e plugins/flytelike-rayy", "no distribution at"),
        ("toml", "[tool.flytelike]\nmax_parallelism = 'four'\n", "is not valid"),
        ("toml", "[tool.flytelike]\nmax_paralelism = 8\n", "unknown key 'max_paralelism'"),
        ("toml", '[project.entry-points."flytelike.typez"]\na = "m:register"\n', "not one"),
        ("toml", '[project.entry-points."flytelike.types"]\na = "m:nowhere"\n', "no Python"),
        ("bash", "flytelike runs lst", "exited 2"),
        ("bash", "ls -l", "no check runs `ls`"),
        ("bash", "flytelike runs list | head", "shell syntax '|'"),
    ],
)
def test_the_checks_catch_what_is_wrong(
    kind: str, text: str, error: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flytelike.errors import ConfigurationError

    monkeypatch.setenv("FLYTELIKE_HOME", str(tmp_path / "home"))
    block = Block(ROOT / "README.md", 1, kind, None, kind, "", text + "\n")
    page = Page(tmp_path, tmp_path / "home", {}, {"register"})
    with pytest.raises((AssertionError, ConfigurationError), match=re.escape(error)):
        if kind == "synopsis":
            check_synopsis(block)
        elif kind == "pip":
            check_pip(shlex.split(text), block.where)
        elif kind == "toml":
            check_toml(block, page, tmp_path / "scratch")
        else:
            check_bash(block, page)
