"""``GitStatus`` and ``config_from_root``: the local git repository, read with the ``git``
command (no git library). Without ``git`` on ``PATH`` or outside a repository, a status is
``is_valid=False`` and ``config_from_root`` returns ``None``, as in flyte; nothing here raises
for a missing repository. Kept out: anything that writes to the repository.
"""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
from pathlib import Path

__all__ = ["GitStatus", "config_from_root"]

# Where a source line lives on each known host, given the HTTPS remote URL, the file's path in
# the repository and the commit; a clean tree also pins the line.
_BLOB_PATHS = {"github.com": "{url}/blob/{sha}/{path}", "gitlab.com": "{url}/-/blob/{sha}/{path}"}


def _git(*args: str, cwd: str | os.PathLike[str] | None = None) -> str | None:
    """``git ARGS`` output without its trailing newline, or ``None`` if git failed or is absent."""
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.rstrip("\n") if done.returncode == 0 else None


def _https(url: str) -> str:
    """A remote URL as HTTPS without ``.git``: ``git@host:o/r.git`` and ``ssh://git@host/o/r``
    become ``https://host/o/r``; credentials in an HTTPS URL are dropped."""
    url = url.strip()
    scp = re.fullmatch(r"[\w.-]+@([\w.-]+):(?!/)(.+)", url)
    if scp:
        url = f"https://{scp.group(1)}/{scp.group(2)}"
    else:
        url = re.sub(r"^(?:ssh|git|git\+ssh)://(?:[^@/]+@)?", "https://", url)
        url = re.sub(r"^(https?://)[^@/]+@", r"\1", url)
    return url[:-4] if url.endswith(".git") else url


@dataclasses.dataclass(frozen=True)
class GitStatus:
    """The state of a git repository: ``is_valid`` (a repository with a commit was found),
    ``is_tree_clean`` (no uncommitted or untracked changes), ``remote_url`` (origin's, else
    the first remote's, as HTTPS), ``repo_dir`` (its root) and ``commit_sha`` (``HEAD``)."""

    is_valid: bool = False
    is_tree_clean: bool = False
    remote_url: str = ""
    repo_dir: Path = dataclasses.field(default_factory=Path)
    commit_sha: str = ""

    @classmethod
    def from_current_repo(cls) -> GitStatus:
        """The repository of the working directory; ``GitStatus()`` (not valid) outside one."""
        root = _git("rev-parse", "--show-toplevel")
        if not root:
            return cls()
        repo_dir = Path(root)
        sha = _git("rev-parse", "HEAD", cwd=repo_dir)
        if not sha:
            return cls(repo_dir=repo_dir)
        porcelain = _git("status", "--porcelain", cwd=repo_dir)
        if porcelain is None:
            return cls(repo_dir=repo_dir, commit_sha=sha)
        clean = not porcelain.strip()
        remote = _git("remote", "get-url", "--push", "origin", cwd=repo_dir)
        if not remote:
            names = (_git("remote", cwd=repo_dir) or "").split()
            remote = _git("remote", "get-url", "--push", names[0], cwd=repo_dir) if names else None
        if not remote:
            return cls(repo_dir=repo_dir, commit_sha=sha, is_tree_clean=clean)
        return cls(True, clean, _https(remote), repo_dir, sha)

    def build_url(self, path: Path | str, line_number: int) -> str:
        """The web URL of ``path`` (inside ``repo_dir``) at ``commit_sha``, ending ``#L<line>``
        when the tree is clean; ``""`` when the status is not valid, the path is outside the
        repository or the host is neither github.com nor gitlab.com."""
        if not self.is_valid:
            return ""
        host = re.sub(r"^https?://", "", self.remote_url).split("/", 1)[0].split(":")[0]
        template = _BLOB_PATHS.get(host)
        try:
            relative = Path(path).resolve().relative_to(self.repo_dir.resolve())
        except ValueError:
            return ""
        if template is None:
            return ""
        url = template.format(url=self.remote_url, sha=self.commit_sha, path=relative.as_posix())
        return f"{url}#L{line_number}" if self.is_tree_clean else url


def config_from_root(path: Path | str = ".flyte/config.yaml") -> Path | None:
    """The config file ``path`` under the root of the working directory's git repository, or
    ``None`` outside a repository or when the file is not there. Locally the answer is the
    file's absolute path (flyte returns a parsed config): pass it on as
    ``flytelike.init_from_config(config_from_root())``, which reads ``task.project``/``domain``
    from it, and takes ``None`` as "no file"."""
    root = _git("rev-parse", "--show-toplevel")
    if not root:
        return None
    found = Path(root) / path
    return found if found.is_file() else None
