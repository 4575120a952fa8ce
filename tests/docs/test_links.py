"""Every link in the documentation (``docs/`` and ``README.md``) resolves: a relative link to
an existing file or directory of the checkout, an ``#anchor`` to a heading of its page (the
slugs mkdocs makes for ``docs/``, GitHub's for other Markdown files); an external link is a
well-formed ``http(s)`` or ``mailto`` URL (nothing is fetched: the suite runs offline)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from markdown.extensions.toc import slugify

from ._blocks import DOCS, PAGES, ROOT

_FENCED = re.compile(r"^(\s*)(`{3,}).*?^\1\2\s*$", re.S | re.M)
_CODE_SPAN = re.compile(r"(`+).*?\1", re.S)
_INLINE = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_REF_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$", re.M)
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
_HREF = re.compile(r"""\b(?:href|src)=["']([^"']+)["']""")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$", re.M)
_HOST = re.compile(r"(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")


def _prose(text: str) -> str:
    """``text`` without fenced blocks and code spans (links there are examples, not links)."""
    return _CODE_SPAN.sub("", _FENCED.sub("", text))


def links(page: Path) -> list[str]:
    text = _prose(page.read_text())
    found = [m.group(1) for m in _INLINE.finditer(text)]
    found += _REF_DEF.findall(text) + _AUTOLINK.findall(text) + _HREF.findall(text)
    return found


def _heading_text(raw: str) -> str:
    """A heading as rendered text: code spans keep their content, links their text."""
    raw = re.sub(r"(`+)(.*?)\1", r"\2", raw)
    raw = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", raw)
    return re.sub(r"[*_]{1,2}([^*_]+)[*_]{1,2}", r"\1", raw)


def _github_slug(text: str) -> str:
    return re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    """The ids of ``page``'s headings, as the site (mkdocs' toc, for ``docs/``) or GitHub
    (other Markdown) makes them, duplicates numbered as each does."""
    in_site = DOCS in page.parents
    text = re.sub(r"^(\s*)(`{3,}).*?^\1\2\s*$", "", page.read_text(), flags=re.S | re.M)
    out: set[str] = set()
    for _, raw in _HEADING.findall(text):
        title = _heading_text(raw)
        base = slugify(title, "-") if in_site else _github_slug(title)
        slug, n = base, 0
        while slug in out:
            n += 1
            slug = f"{base}_{n}" if in_site else f"{base}-{n}"
        out.add(slug)
    return out


def check(page: Path, target: str) -> str | None:
    """What is wrong with the link ``target`` on ``page`` (``None``: nothing)."""
    parts = urlsplit(target)
    if parts.scheme in ("http", "https"):
        if not _HOST.fullmatch(parts.hostname or "") or " " in target or "`" in target:
            return "is not a well-formed URL"
        return None
    if parts.scheme == "mailto":
        return None if re.fullmatch(r"[^@\s]+@[^@\s]+\.\w+", parts.path) else "bad address"
    if parts.scheme or parts.netloc:
        return f"has a scheme ({parts.scheme or '//'}) the docs do not use"
    dest = (page.parent / unquote(parts.path)).resolve() if parts.path else page
    if not dest.exists():
        return f"points to {dest.relative_to(ROOT) if ROOT in dest.parents else dest}, which does not exist"
    if ROOT not in dest.parents and dest != ROOT:
        return "leaves the repository"
    if parts.fragment:
        if dest.suffix != ".md":
            return "has an #anchor on a file that is not Markdown"
        if parts.fragment not in anchors(dest):
            return f"names #{parts.fragment}, which is no heading of {dest.name}"
    return None


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_link_resolves(page: Path) -> None:
    bad = [f"{t}: {why}" for t in links(page) if (why := check(page, t)) is not None]
    assert not bad, f"{page.relative_to(ROOT)}: broken links: {bad}"


def test_the_checker_finds_broken_links_and_anchors(tmp_path: Path) -> None:
    page = DOCS / "cli.md"
    assert "finding-entities-and-their-inputs" in anchors(page)
    assert check(page, "#finding-entities-and-their-inputs") is None
    assert check(page, "guides/backends.md#backend-options") is None
    assert "no heading" in (check(page, "#no-such-section") or "")
    assert "does not exist" in (check(page, "guides/nowhere.md") or "")
    assert "well-formed" in (check(page, "https://exa mple/") or "")
    assert check(page, "https://pypi.org/project/docstring-parser/") is None
    readme = ROOT / "README.md"
    assert "running-on-ray-flytelike-ray" in anchors(readme)
    probe = tmp_path / "p.md"
    probe.write_text(
        "[a](#x) `[b](nowhere.md)`\n\n```\n[c](gone.md)\n```\n<https://a.example.org>\n"
    )
    assert links(probe) == ["#x", "https://a.example.org"]
