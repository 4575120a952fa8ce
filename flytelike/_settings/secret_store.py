"""The local secret store: named secrets kept on this machine for tasks that request them.

A secret is one file ``<FLYTELIKE_HOME>/secrets/<name>`` (``<group>/<name>`` for a grouped one)
holding the value's bytes. Directories are created with mode ``0700`` and files with ``0600``
(owner-only), written to a temporary file first and renamed into place, so a reader never sees
a partial value; the modes are re-applied on every write in case something loosened them. Values
never reach the run store, logs or events: a task gets them in its environment or through
``current_context().secrets`` for the length of an attempt (``flytelike.backends._secrets``).

Names and groups are made of letters, digits, ``_``, ``-`` and ``.`` (not starting with ``.``),
so a name can never point outside the store. The ``flytelike secrets`` command
(``create``/``get``/``list``/``delete``) manages the store.

What does not live here: how a running task finds a secret (``flytelike.backends._secrets``),
what a task requests (``flytelike.Secret``).
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flytelike.errors import ConfigurationError

_NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9_.-]*$")


@dataclass(frozen=True, slots=True)
class StoredSecret:
    """What ``list``/``info`` tell about a secret: never its value."""

    name: str
    group: str
    path: Path
    size: int
    modified: float


class SecretStore:
    """The secrets under ``root`` (default ``<FLYTELIKE_HOME>/secrets``, read when made)."""

    def __init__(self, root: str | os.PathLike[str] | None = None) -> None:
        if root is None:
            from flytelike._settings.home import default_home

            root = default_home() / "secrets"
        self.root = Path(root)

    # ------------------------------------------------------------------ paths
    def path(self, name: str, group: str | None = None) -> Path:
        """Where secret ``name`` (of ``group``) is or would be stored; validates both."""
        _check(name, "name")
        if group:
            _check(group, "group")
            return self.root / group / name
        return self.root / name

    def _private_dir(self, path: Path) -> None:
        for d in (self.root, path) if path != self.root else (self.root,):
            d.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.chmod(d, 0o700)

    # ------------------------------------------------------------------ operations
    def create(
        self, name: str, value: str | bytes, group: str | None = None, *, overwrite: bool = False
    ) -> StoredSecret:
        """Store ``value`` as secret ``name``; an existing one is replaced only with
        ``overwrite`` (else ``ConfigurationError``)."""
        target = self.path(name, group)
        if target.exists() and not overwrite:
            raise ConfigurationError(
                f"secret {_label(name, group)} already exists in {self.root}; delete it first "
                "or replace it (`flytelike secrets create --force`, overwrite=True)"
            )
        self._private_dir(target.parent)
        data = value.encode() if isinstance(value, str) else bytes(value)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)  # (mode 0600)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.chmod(tmp, 0o600)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return self.info(name, group)

    def get(self, name: str, group: str | None = None) -> bytes:
        """The value of secret ``name``; ``ConfigurationError`` names the fix when missing."""
        target = self.path(name, group)
        try:
            return target.read_bytes()
        except FileNotFoundError:
            raise ConfigurationError(
                f"no secret {_label(name, group)} in the local secret store {self.root}; "
                f"create it with `flytelike secrets create {name}"
                + (f" --group {group}" if group else "")
                + "`"
            ) from None

    def exists(self, name: str, group: str | None = None) -> bool:
        return self.path(name, group).is_file()

    def info(self, name: str, group: str | None = None) -> StoredSecret:
        target = self.path(name, group)
        if not target.is_file():
            self.get(name, group)  # raises ConfigurationError
        st = target.stat()
        return StoredSecret(name, group or "", target, st.st_size, st.st_mtime)

    def list(self) -> list[StoredSecret]:
        """Every secret in the store (ungrouped first, then by group), sorted by name."""
        if not self.root.is_dir():
            return []
        out: list[StoredSecret] = []
        for entry in sorted(self.root.iterdir()):
            if entry.name.startswith("."):
                continue
            if entry.is_dir():
                for inner in sorted(entry.iterdir()):
                    if inner.is_file() and not inner.name.startswith("."):
                        out.append(self.info(inner.name, entry.name))
            elif entry.is_file():
                out.append(self.info(entry.name))
        return sorted(out, key=lambda s: (s.group, s.name))

    def delete(self, name: str, group: str | None = None) -> None:
        target = self.path(name, group)
        if not target.is_file():
            self.get(name, group)  # raises ConfigurationError
        target.unlink()
        if group and not any(target.parent.iterdir()):
            target.parent.rmdir()

    def private(self, name: str, group: str | None = None) -> bool:
        """Whether the secret's file and directories are owner-only (``0600``/``0700``)."""
        target = self.path(name, group)
        dirs = [self.root] + ([target.parent] if group else [])
        return stat.S_IMODE(target.stat().st_mode) == 0o600 and all(
            stat.S_IMODE(d.stat().st_mode) == 0o700 for d in dirs
        )


def _check(text: str, what: str) -> None:
    if not isinstance(text, str) or not _NAME.match(text):
        raise ConfigurationError(
            f"invalid secret {what} {text!r}: use letters, digits, '_', '-' and '.' (not first)"
        )


def _label(name: str, group: str | None) -> str:
    return f"{name!r} (group {group!r})" if group else repr(name)
