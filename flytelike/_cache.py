"""``Cache`` settings and cache version policies, and how ``@task`` cache arguments combine.

``cache=True`` (or ``"auto"``) and ``Cache()`` without a version take the version from the
policies; the default policy, ``CacheFunctionBody``, hashes the function's source text. The
legacy ``cache_version``/``cache_serialize``/``cache_ignore_input_vars`` arguments still work
with ``cache=True`` and are an error together with a ``Cache`` object.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from flytelike.errors import DefinitionError
from flytelike.ir._model import CacheSpec
from flytelike.ir._record import record


@record
class VersionParameters:
    """What a cache policy may look at to produce a version."""

    func: Callable[..., Any] | None
    container_image: Any = None
    pod_template: Any = None
    pod_template_name: str | None = None


class CachePolicy(Protocol):
    def get_version(self, salt: str, params: VersionParameters) -> str: ...


def function_source(func: Callable[..., Any] | None) -> str:
    """The function's source text, or its bytecode when the source is not available."""
    if func is None:
        return ""
    import inspect

    try:
        return inspect.getsource(func)
    except (OSError, TypeError):
        code = getattr(func, "__code__", None)
        return code.co_code.hex() if code is not None else repr(func)


class CacheFunctionBody:
    """Version from the text of the function (not the functions it calls)."""

    def get_version(self, salt: str, params: VersionParameters) -> str:
        text = salt + function_source(params.func)
        return hashlib.sha256(text.encode()).hexdigest()


@record
class Cache:
    """``Cache(version=None, serialize=False, ignored_inputs=(), salt="", policies=None)``."""

    version: str | None = None
    serialize: bool = False
    ignored_inputs: tuple[str, ...] | str | Sequence[str] = ()
    salt: str = ""
    policies: Sequence[CachePolicy] | CachePolicy | None = None

    @classmethod
    def _normalize(cls, values: dict[str, Any]) -> dict[str, Any]:
        ignored = values["ignored_inputs"]
        values["ignored_inputs"] = (ignored,) if isinstance(ignored, str) else tuple(ignored)
        version = values["version"]
        if version is not None and not isinstance(version, str):
            raise DefinitionError(f"Cache(version=...) must be a string, got {version!r}")
        return values

    def get_policies(self) -> list[CachePolicy]:
        if self.policies is None:
            return [CacheFunctionBody()]
        if isinstance(self.policies, Sequence):
            return list(self.policies)
        return [self.policies]

    def get_version(self, params: VersionParameters) -> str:
        if self.version is not None:
            return self.version
        policies = self.get_policies()
        if not policies:
            raise DefinitionError(
                "Cache(): no version and no cache policies; give version= or policies="
            )
        parts = "".join(p.get_version(self.salt, params) for p in policies)
        return hashlib.sha256(parts.encode()).hexdigest()


def resolve_cache(
    cache: bool | str | Cache | None,
    cache_version: str,
    cache_serialize: bool,
    cache_ignore_input_vars: Sequence[str],
    where: str,
) -> Cache | None:
    """Combine ``@task`` cache arguments into one ``Cache`` (``None``: caching disabled)."""
    legacy = bool(cache_version) or cache_serialize or bool(cache_ignore_input_vars)
    if isinstance(cache, Cache):
        if legacy:
            raise DefinitionError(
                f"{where}: cache_version, cache_serialize and cache_ignore_input_vars cannot be "
                "combined with a Cache object; set version=, serialize= and ignored_inputs= on "
                "Cache(...) instead"
            )
        return cache
    if cache is True or cache == "auto":
        return Cache(
            version=cache_version or None,
            serialize=cache_serialize,
            ignored_inputs=tuple(cache_ignore_input_vars),
        )
    if cache in (False, None, "disable"):
        if legacy:
            raise DefinitionError(
                f"{where}: cache_version/cache_serialize/cache_ignore_input_vars given but "
                "caching is off; add cache=True"
            )
        return None
    raise DefinitionError(
        f"{where}: cache must be True, False, 'auto' or a Cache(...), got {cache!r}"
    )


def cache_spec(
    cache: Cache | None, params: VersionParameters, inputs: Sequence[str], where: str
) -> CacheSpec | None:
    """The IR form, with the version computed and ignored inputs checked against ``inputs``."""
    if cache is None:
        return None
    assert isinstance(cache.ignored_inputs, tuple)
    unknown = [name for name in cache.ignored_inputs if name not in inputs]
    if unknown:
        raise DefinitionError(
            f"{where}: Cache(ignored_inputs=...) names {', '.join(map(repr, unknown))}, which "
            f"is not an input; inputs are {', '.join(inputs) or '(none)'}"
        )
    return CacheSpec(
        enabled=True,
        version=cache.get_version(params),
        serialize=cache.serialize,
        ignored_inputs=cache.ignored_inputs,
        salt=cache.salt,
    )
