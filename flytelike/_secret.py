"""``Secret``: a request for a secret a task needs (the IR stores the request, never a value)."""

from __future__ import annotations

import enum
import re

from flytelike.errors import DefinitionError
from flytelike.ir._model import SecretRequest

_ENV_VAR = re.compile(r"^[A-Z_][A-Z0-9_]*$")


class _MountType(enum.Enum):
    ANY = "any"
    ENV_VAR = "env_var"
    FILE = "file"


class Secret:
    """``Secret(group=None, key=None, group_version=None, mount_requirement=ANY, env_var=None)``."""

    MountType = _MountType

    __slots__ = ("env_var", "group", "group_version", "key", "mount_requirement")

    def __init__(
        self,
        group: str | None = None,
        key: str | None = None,
        group_version: str | None = None,
        mount_requirement: _MountType = _MountType.ANY,
        env_var: str | None = None,
    ) -> None:
        if group is None and key is None:
            raise DefinitionError("Secret: give at least `key` (and optionally `group`)")
        if env_var is not None and not _ENV_VAR.match(env_var):
            raise DefinitionError(
                f"Invalid environment variable name: {env_var!r}; Secret(env_var=...) must match "
                "^[A-Z_][A-Z0-9_]*$"
            )
        if not isinstance(mount_requirement, _MountType):
            raise DefinitionError(
                f"Secret: mount_requirement must be Secret.MountType.ANY, ENV_VAR or FILE, got "
                f"{mount_requirement!r}"
            )
        self.group = group
        self.key = key
        self.group_version = group_version
        self.mount_requirement = mount_requirement
        self.env_var = env_var

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
        return f"Secret(group={self.group!r}, key={self.key!r})"
