"""The fenced code blocks of the documentation (``docs/**/*.md`` and ``README.md``), and how
each kind is checked.

How a block is checked depends on its language (the word after the opening fence):

=================  ===========================================================================
``python``         run, a page's blocks in order in one namespace (``test_docs``)
``pycon``          an interactive session, checked with ``doctest`` in the page's namespace
``bash``           each command run for real in the page's project directory, with its own
                   ``FLYTELIKE_HOME``: ``flytelike ...`` and ``python ...`` are run (exit 0
                   expected); ``pip install`` is checked against the extras and distributions
                   of this checkout instead of run; ``RUN``/``RUN_NAME`` stand for the newest run
``console``        ``$ command`` lines run as in ``bash`` (any exit status), and the lines after
                   each must match what it printed (stdout and stderr), ``...`` matching
                   anything, whitespace runs equal, run names and the project directory
                   (shown as ``/home/me/project``) normalised
``toml``           parsed with ``tomllib``; ``[tool.flytelike]`` is loaded by the engine's
                   configuration loader, entry points must name a known group and an object
                   the page defines, ``[project]`` must be valid metadata
``yaml``/``json``  parsed
``text``           only with an annotation (below)
=================  ===========================================================================

Indented code blocks are refused: they carry no language to be checked by.

A block with ``title="NAME"`` (a file name shown above it) is also written to the project
directory as ``NAME`` before the page's first block is checked, so commands can use it.

An HTML comment on the line before the opening fence changes how the block is checked:

- ``<!-- docs-check: skip: REASON -->``: not run, for the few blocks that need a cluster, the
  network or a long-running server, or are the test suite itself; the reason is required;
- ``<!-- docs-check: server -->`` on a ``bash`` block: its first command is a server; it is
  started on a free port (``--port 0``, since the default one may be taken on the machine), the
  check waits for the line naming its address (and, for a web server, that its first page
  answers), runs the other commands with the page's
  ``127.0.0.1:PORT`` replaced by that address, and stops it (Ctrl-C);
- ``<!-- docs-check: synopsis -->``: lines ``flytelike COMMAND ...`` (alternatives separated by
  `` | ``): every command, subcommand and ``--option`` must exist in the CLI (upper-case words
  such as ``--INPUT`` are placeholders).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PAGES = [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]

LANGUAGES = {"python", "pycon", "bash", "console", "toml", "yaml", "json", "text"}

_FENCE = re.compile(r"^(?P<indent>\s*)(?P<ticks>`{3,})(?P<lang>[\w+-]*)(?P<info>.*)$")
_ANNOTATION = re.compile(r"^\s*<!--\s*docs-check:\s*(?P<kind>[\w-]+)\s*(?::\s*(?P<why>.*?))?\s*-->")
_TITLE = re.compile(r'title="(?P<title>[^"]+)"')


@dataclass(frozen=True)
class Block:
    page: Path
    line: int  # of the opening fence, 1-based
    lang: str
    title: str | None
    check: str | None  # the annotation's kind: "skip", "server", "synopsis" or None
    reason: str
    text: str

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def blocks(page: Path) -> list[Block]:
    """The fenced blocks of ``page`` in order, with their annotations."""
    lines = page.read_text().splitlines()
    out: list[Block] = []
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, ticks = m["indent"], m["ticks"]
        start = i
        body: list[str] = []
        i += 1
        while i < len(lines) and not (
            lines[i].strip().startswith(ticks) and lines[i].strip().strip("`") == ""
        ):
            body.append(lines[i][len(indent) :] if lines[i].startswith(indent) else lines[i])
            i += 1
        i += 1
        prev = next((lines[j] for j in range(start - 1, -1, -1) if lines[j].strip()), "")
        a = _ANNOTATION.match(prev)
        t = _TITLE.search(m["info"])
        out.append(
            Block(
                page=page,
                line=start + 1,
                lang=m["lang"],
                title=t["title"] if t else None,
                check=a["kind"] if a else None,
                reason=(a["why"] or "") if a else "",
                text="\n".join(body) + "\n",
            )
        )
    return out


def indented_code(page: Path) -> list[int]:
    """Lines (1-based) where an indented code block starts: it has no language to be checked
    by, so the pages use fenced blocks only. An indented line after a blank line counts when
    the text before it is a paragraph (not a list item, a table or indented itself)."""
    lines = page.read_text().splitlines()
    out: list[int] = []
    fence = ""
    last = ""
    for i, line in enumerate(lines):
        text = line.strip()
        if fence:
            if text.startswith(fence) and text.strip("`") == "":
                fence = ""
            continue
        m = _FENCE.match(line)
        if m:
            fence = m["ticks"]
            continue
        if line.startswith("    ") and text and i > 0 and not lines[i - 1].strip():
            listed = re.match(r"\s*([-*+]|\d+\.)\s", last)
            if last and not last.startswith((" ", "\t", "|")) and not listed:
                out.append(i + 1)
        if text:
            last = line
    return out


# ---------------------------------------------------------------- shell commands
@dataclass(frozen=True)
class Command:
    env: dict[str, str]  # VAR=value words before the program
    argv: list[str]


def shell_commands(text: str, where: str) -> list[Command]:
    """The commands of a shell block: one per line (``\\`` continues a line), ``&&`` chains,
    ``#`` comments; any other shell syntax is refused so that nothing is silently not run."""
    out: list[Command] = []
    for line in text.replace("\\\n", " ").splitlines():
        lex = shlex.shlex(line, posix=True, punctuation_chars=True)
        lex.whitespace_split = True
        lex.commenters = "#"
        words = list(lex)
        chain: list[list[str]] = [[]]
        for w in words:
            if w == "&&":
                chain.append([])
            elif w and set(w) <= set("();<>|&"):
                raise AssertionError(
                    f"{where}: shell syntax {w!r} in {line!r} is not checked; write one "
                    "command per line (or chain with &&)"
                )
            else:
                chain[-1].append(w)
        for argv in chain:
            if not argv:
                continue
            env: dict[str, str] = {}
            while argv and re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", argv[0]):
                k, v = argv.pop(0).split("=", 1)
                env[k] = v
            out.append(Command(env, argv))
    return out


def is_pip(argv: list[str]) -> bool:
    return argv[:1] == ["pip"] or argv[:3] == ["python", "-m", "pip"]


def console_session(text: str) -> list[tuple[str, str]]:
    """``[(command line, expected output)]`` of a console block (``$ `` starts a command)."""
    out: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        if line.startswith("$ "):
            out.append((line[2:], []))
        elif out:
            out[-1][1].append(line)
        elif line.strip():
            raise AssertionError(f"console block starts with output, not `$ command`: {line!r}")
    return [(cmd, "\n".join(lines).strip() + "\n") for cmd, lines in out]
