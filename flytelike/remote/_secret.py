"""flyte 2's ``flyte.remote.Secret`` and ``SecretTypes``, locally: the secrets of the local
secret store (``<FLYTELIKE_HOME>/secrets``, owner-only files; the store and its rules live in
``flytelike._settings.secret_store``, which ``flytelike secrets`` also manages). Tasks that
request a secret by key get these values, as on a cluster.

Kept out: ``image_pull`` secrets (no image is pulled locally) and cluster pools (there is one
machine): asking for either raises ``NotSupportedLocallyError`` saying so.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from typing import Any, Literal

from flytelike.remote._errors import NotSupportedLocallyError
from flytelike.remote._sync import class_sync_and_aio

__all__ = ["Secret", "SecretTypes"]

SecretTypes = Literal["regular", "image_pull"]


def _store() -> Any:
    # (the store's one implementation, shared with the `flytelike secrets` command)
    from flytelike._settings.secret_store import SecretStore

    return SecretStore()


def _local_only(where: str, cluster_pool: str | None) -> None:
    if cluster_pool is not None:
        raise NotSupportedLocallyError(
            f"Secret.{where}(cluster_pool={cluster_pool!r}): there are no cluster pools locally; "
            "leave cluster_pool out"
        )


def _split(name: str) -> tuple[str, str | None]:
    """``"group/key"`` (as ``listall`` names grouped secrets) -> ``(key, group)``."""
    group, sep, key = name.rpartition("/")
    return (key, group) if sep else (name, None)


class Secret:
    """A secret of the local store: ``name`` (``"group/key"`` for a grouped one) and ``type``
    (always ``"regular"`` locally). Its value is never held here: tasks read it."""

    def __init__(self, name: str, type: str = "regular") -> None:
        self._name = name
        self._type = type

    name = property(lambda self: self._name)
    type = property(lambda self: self._type)

    @class_sync_and_aio
    def create(
        cls: builtins.type[Secret],
        name: str,
        value: str | bytes,
        type: SecretTypes = "regular",
        cluster_pool: str | None = None,
    ) -> Secret:
        """Store ``value`` as secret ``name`` (``"group/key"`` makes a grouped one); an existing
        secret of that name is replaced, as flyte's create does."""
        _local_only("create", cluster_pool)
        if type != "regular":
            raise NotSupportedLocallyError(
                f"Secret.create({name!r}, type={type!r}): no image is pulled locally, so only "
                "type='regular' secrets are stored"
            )
        key, group = _split(name)
        _store().create(key, value, group, overwrite=True)
        return cls(name)

    @class_sync_and_aio
    def get(cls: builtins.type[Secret], name: str, cluster_pool: str | None = None) -> Secret:
        """The secret ``name``; ``ConfigurationError`` saying how to create it if missing."""
        _local_only("get", cluster_pool)
        key, group = _split(name)
        _store().info(key, group)
        return cls(name)

    @class_sync_and_aio
    def listall(
        cls: builtins.type[Secret], limit: int = 10, cluster_pool: str | None = None
    ) -> Iterator[Secret]:
        """Up to ``limit`` secrets, ungrouped first, by name."""
        _local_only("listall", cluster_pool)
        found = [cls(f"{s.group}/{s.name}" if s.group else s.name) for s in _store().list()]
        return iter(found[:limit])

    @class_sync_and_aio
    def delete(cls: builtins.type[Secret], name: str, cluster_pool: str | None = None) -> None:
        """Remove the secret ``name`` (``ConfigurationError`` if there is none)."""
        _local_only("delete", cluster_pool)
        key, group = _split(name)
        _store().delete(key, group)

    def __repr__(self) -> str:
        return f"Secret(name={self._name!r}, type={self._type!r})"
