"""Secret lookup for running tasks: ``current_context().secrets.get(group, key)``.

Lookup order (Flyte's, with flytelike's names):

1. the environment variable ``<prefix><GROUP>_<VERSION>_<KEY>`` (upper case, parts that are
   empty left out); the prefix is ``FLYTELIKE_SECRETS_ENV_PREFIX`` (default ``FLYTELIKE_SECRETS_``),
   and Flyte's ``_FSEC_`` prefix is accepted too;
2. the same name without a prefix (local execution only);
3. the file ``<dir>/<group>/<version>/<key>`` (lower case), ``<dir>`` being
   ``FLYTELIKE_SECRETS_DEFAULT_DIR`` (default ``/etc/secrets``).

Otherwise ``ValueError`` naming everywhere it looked. Requests (``secret_requests=``) are not
enforced locally.
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_PREFIX = "FLYTELIKE_SECRETS_"
DEFAULT_DIR = "/etc/secrets"


class _Group:
    def __init__(self, secrets: Secrets, group: str) -> None:
        self._secrets = secrets
        self._group = group

    def __getattr__(self, key: str) -> str:
        if key.startswith("__"):
            raise AttributeError(key)
        value = self._secrets.get(self._group, key)
        assert isinstance(value, str)
        return value


class Secrets:
    """Secrets visible to a task."""

    def __init__(self, directory: str = "", env_prefix: str = "") -> None:
        self._dir = directory
        self._prefix = env_prefix

    def _settings(self) -> tuple[str, Path]:
        prefix = self._prefix or os.environ.get("FLYTELIKE_SECRETS_ENV_PREFIX", DEFAULT_PREFIX)
        directory = self._dir or os.environ.get("FLYTELIKE_SECRETS_DEFAULT_DIR", DEFAULT_DIR)
        return prefix, Path(directory)

    @staticmethod
    def _env_name(group: str | None, version: str | None, key: str | None) -> str:
        return "_".join(p.upper() for p in (group, version, key) if p)

    def _file(self, group: str | None, version: str | None, key: str | None) -> Path:
        _, directory = self._settings()
        parts = [p.lower() for p in (group, version, key) if p]
        return directory.joinpath(*parts)

    def get(
        self,
        group: str | None = None,
        key: str | None = None,
        group_version: str | None = None,
        encode_mode: str = "r",
    ) -> str | bytes:
        """The secret's value (``encode_mode="rb"`` returns bytes)."""
        if not group and not key:
            raise ValueError("secrets.get: give at least `key` (and optionally `group`)")
        prefix, _ = self._settings()
        name = self._env_name(group, group_version, key)
        for env in (prefix + name, "_FSEC_" + name, name):
            if env in os.environ:
                value = os.environ[env]
                return value.encode() if "b" in encode_mode else value
        path = self._file(group, group_version, key)
        if path.is_file():
            with open(path, encode_mode) as f:
                data: str | bytes = f.read()
                return data
        raise ValueError(
            f"Please make sure to add secret_requests=[Secret(group={group!r}, key={key!r})] in "
            f"@task. Unable to find secret for key {key!r} in group {group!r} in Env Var: "
            f"{prefix + name} (or {name}) and FilePath: {path}"
        )

    def get_secrets_file(
        self, key: str | None = None, group: str | None = None, group_version: str | None = None
    ) -> str:
        """The path of the file holding the secret (it need not exist)."""
        return str(self._file(group, group_version, key))

    def __getattr__(self, group: str) -> _Group:
        if group.startswith("_"):
            raise AttributeError(group)
        return _Group(self, group)
