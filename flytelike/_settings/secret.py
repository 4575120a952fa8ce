"""``Secret``: a request for a secret a task needs (the IR stores the request, never a value).

One class serves flytekit's and flyte 2's spellings:

- flytekit: ``Secret(group=None, key=None, group_version=None, mount_requirement=ANY,
  env_var=None)``; positional arguments are flytekit's (``group``, then ``key``).
- flyte 2: ``Secret(key, group=None, mount=None, as_env_var=None)``: ``as_env_var`` is
  ``env_var``; ``mount`` (only ``"/etc/flyte/secrets"``, as flyte allows) asks for a file mount.
  A secret named by one string (``Secret("my-key")``, ``Secret(group="my-key")``) is that key.

In a v2 task (``TaskEnvironment``/``@env.task``), a secret with neither an env var nor a mount
gets flyte's default env var: ``<GROUP>_<KEY>`` or ``<KEY>``, upper case, ``-`` as ``_``
(``for_v2``). Locally, a requested secret with an env var is put in the task's environment for
each attempt from the local secret store (``flytelike secrets create``); every secret, mounted or
not, is readable with ``current_context().secrets.get(key=...)`` and
``current_context().secrets.get_secrets_file(key=...)`` gives the path of its owner-only file
(``flytelike.backends._secrets``).
"""

from __future__ import annotations

import enum
import os
import re

from flytelike.errors import DefinitionError
from flytelike.ir import SecretRequest

_ENV_VAR = re.compile(r"^[A-Z_][A-Z0-9_]*$")
MOUNT_PATH = "/etc/flyte/secrets"  # the only mount path flyte 2 accepts


class _MountType(enum.Enum):
    ANY = "any"
    ENV_VAR = "env_var"
    FILE = "file"


class Secret:
    """A secret a task requests (see the module docstring for both spellings)."""

    MountType = _MountType

    __slots__ = ("env_var", "group", "group_version", "key", "mount_requirement")

    def __init__(
        self,
        group: str | None = None,
        key: str | None = None,
        group_version: str | None = None,
        mount_requirement: _MountType = _MountType.ANY,
        env_var: str | None = None,
        *,
        as_env_var: str | None = None,
        mount: str | os.PathLike[str] | None = None,
    ) -> None:
        if group is None and key is None:
            raise DefinitionError("Secret: give at least `key` (and optionally `group`)")
        if key is None and group_version is None:  # one name: it is the key (flyte's Secret(key))
            group, key = None, group
        if as_env_var is not None:
            if env_var is not None and env_var != as_env_var:
                raise DefinitionError(
                    f"Secret({key!r}): env_var={env_var!r} and as_env_var={as_env_var!r} differ; "
                    "give one of them"
                )
            env_var = as_env_var
        if not isinstance(mount_requirement, _MountType):
            raise DefinitionError(
                f"Secret: mount_requirement must be Secret.MountType.ANY, ENV_VAR or FILE, got "
                f"{mount_requirement!r}"
            )
        if mount is not None:
            if os.fspath(mount).rstrip("/") != MOUNT_PATH:
                raise DefinitionError(
                    f"Secret({key!r}, mount={os.fspath(mount)!r}): only {MOUNT_PATH!r} is "
                    "supported as a secret mount path (as in flyte)"
                )
            if mount_requirement is _MountType.ENV_VAR:
                raise DefinitionError(
                    f"Secret({key!r}): mount= asks for a file, mount_requirement=ENV_VAR for an "
                    "env var; give one of them"
                )
            mount_requirement = _MountType.FILE
        if env_var is not None and not _ENV_VAR.match(env_var):
            raise DefinitionError(
                f"Invalid environment variable name: {env_var!r}; Secret(as_env_var=...) must "
                "match ^[A-Z_][A-Z0-9_]*$"
            )
        self.group = group
        self.key = key
        self.group_version = group_version
        self.mount_requirement = mount_requirement
        self.env_var = env_var

    @property
    def as_env_var(self) -> str | None:
        """flyte 2's name for ``env_var``. A secret with neither an env var nor a file mount gives
        the default name a v2 task exposes it under (``for_v2``), as flyte 2's ``Secret`` does
        (``Secret(key="api-key", group="openai").as_env_var == "OPENAI_API_KEY"``); ``None``
        when that default is not a valid env var name."""
        if self.env_var is not None or self.mount_requirement is _MountType.FILE:
            return self.env_var
        default = self._default_env_var()
        return default if _ENV_VAR.match(default) else None

    def _default_env_var(self) -> str:
        name = f"{self.group}_{self.key}" if self.group else str(self.key)
        return name.replace("-", "_").upper()

    @property
    def mount(self) -> str | None:
        """flyte 2's mount path: ``/etc/flyte/secrets`` for a file mount, else ``None``."""
        return MOUNT_PATH if self.mount_requirement is _MountType.FILE else None

    def for_v2(self, where: str) -> Secret:
        """This request as a flyte 2 task makes it: with flyte's default env var unless it has
        an env var or a file mount (``DefinitionError`` naming ``where`` when the default is not
        a valid env var name)."""
        if self.env_var is not None or self.mount_requirement is _MountType.FILE:
            return self
        default = self._default_env_var()
        if not _ENV_VAR.match(default):
            raise DefinitionError(
                f"{where}: secret {self.key!r} would be exposed as env var {default!r}, which is "
                "not a valid name; give one: Secret(key=..., as_env_var='MY_SECRET'), or mount "
                f"it: Secret(key=..., mount={MOUNT_PATH!r})"
            )
        return Secret(self.group, self.key, self.group_version, self.mount_requirement, default)

    def to_ir(self) -> SecretRequest:
        return SecretRequest(
            group=self.group or "",
            key=self.key or "",
            group_version=self.group_version or "",
            mount_requirement=self.mount_requirement.value,
            env_var=self.env_var or "",
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and self.to_ir() == other.to_ir()

    def __hash__(self) -> int:
        return hash(self.to_ir())

    def __repr__(self) -> str:
        extra = f", as_env_var={self.env_var!r}" if self.env_var else ""
        extra += f", mount={MOUNT_PATH!r}" if self.mount_requirement is _MountType.FILE else ""
        return f"Secret(group={self.group!r}, key={self.key!r}{extra})"
