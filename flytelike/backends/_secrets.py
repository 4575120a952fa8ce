"""Secrets for running tasks: ``current_context().secrets.get(group, key)`` and the secrets a
task requests put in its environment (``secret_environment``).

Lookup order (Flyte's, with flytelike's names):

1. the environment variable ``<prefix><GROUP>_<VERSION>_<KEY>`` (upper case, parts that are
   empty left out); the prefix is ``FLYTELIKE_SECRETS_ENV_PREFIX`` (default ``FLYTELIKE_SECRETS_``),
   and Flyte's ``_FSEC_`` prefix is accepted too;
2. the same name without a prefix (local execution only);
3. the local secret store (``flytelike secrets create``; ``flytelike._settings.secret_store``): the
   secret ``<key>`` of ``<group>``;
4. the file ``<dir>/<group>/<version>/<key>`` (lower case), ``<dir>`` being
   ``FLYTELIKE_SECRETS_DEFAULT_DIR`` (default ``/etc/secrets``).

Otherwise ``ValueError`` naming everywhere it looked. Requests (``secret_requests=``,
``secrets=``) are not enforced locally, but a request with an env var (flyte 2's
``as_env_var``, its default for v2 tasks, or flytekit's ``env_var``) is honoured: for each
attempt the backend sets that variable to the secret's value from the local secret store and
restores the environment after (``secret_environment``). A requested secret missing from the
store is left out with a logged warning naming the command that creates it (a variable already
set in the environment stays as it is). Values are never written to the run store, logs or
events.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

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
        stored = _stored(group, key)
        if stored is not None:
            return stored if "b" in encode_mode else stored.decode()
        path = self._file(group, group_version, key)
        if path.is_file():
            with open(path, encode_mode) as f:
                data: str | bytes = f.read()
                return data
        raise ValueError(
            f"Please make sure to add secret_requests=[Secret(group={group!r}, key={key!r})] in "
            f"@task. Unable to find secret for key {key!r} in group {group!r} in Env Var: "
            f"{prefix + name} (or {name}), the local secret store (`flytelike secrets create "
            f"{key}`) and FilePath: {path}"
        )

    def get_secrets_env_var(
        self, group: str | None = None, key: str | None = None, group_version: str | None = None
    ) -> str:
        """The environment variable the secret is read from first (flytekit's name)."""
        prefix, _ = self._settings()
        return prefix + self._env_name(group, group_version, key)

    def get_secrets_file(
        self, key: str | None = None, group: str | None = None, group_version: str | None = None
    ) -> str:
        """The path of the file holding the secret (it need not exist): the local secret
        store's owner-only file when the store has it, else the secrets directory's."""
        if key and not group_version:
            from flytelike._settings.secret_store import SecretStore

            store = SecretStore()
            if store.exists(key, group):
                return str(store.path(key, group))
        return str(self._file(group, group_version, key))

    def __getattr__(self, group: str) -> _Group:
        if group.startswith("_"):
            raise AttributeError(group)
        return _Group(self, group)


def _stored(group: str | None, key: str | None) -> bytes | None:
    """The value of ``key`` (of ``group``) in the local secret store, or ``None``."""
    if not key:
        return None
    from flytelike._settings.secret_store import SecretStore
    from flytelike.errors import ConfigurationError

    try:
        return SecretStore().get(key, group)
    except ConfigurationError:  # (missing, or a name the store cannot hold)
        return None


def secret_environment(task: Any) -> dict[str, str]:
    """The environment variables the secret requests of ``task`` (a ``TaskTemplate``) ask for,
    with their values from the local secret store (see the module docstring)."""
    env: dict[str, str] = {}
    for req in task.secrets:
        if not req.env_var:
            continue
        value = _stored(req.group or None, req.key or None)
        if value is not None:
            env[req.env_var] = value.decode()
        elif req.env_var not in os.environ:
            from flytelike.backends._logging import logger

            group = f" --group {req.group}" if req.group else ""
            logger.warning(
                "task %s requests secret %r as env var %s, but the local secret store has no "
                "such secret; create it with `flytelike secrets create %s%s`",
                task.id.name,
                req.key,
                req.env_var,
                req.key,
                group,
            )
    return env
