"""``Cache`` settings and cache version policies, and how ``@task`` cache arguments combine.

``Cache`` takes flytekit's form (``version=``) and Flyte v2's (``behavior=``,
``version_override=``); see its docstring.

``cache=True`` (or ``"auto"``) and ``Cache()`` without a version take the version from the
policies; the default policy, ``CacheFunctionBody``, hashes the function's source text. The
legacy ``cache_version``/``cache_serialize``/``cache_ignore_input_vars`` arguments still work
with ``cache=True`` and are an error together with a ``Cache`` object.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any, Literal, Protocol, TypeAlias

from flytelike.errors import DefinitionError
from flytelike.ir import CacheSpec, record


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
    """Version from the text of the function (not the functions it calls); flyte 2 calls it
    ``FunctionBodyPolicy``."""

    def get_version(self, salt: str, params: VersionParameters) -> str:
        text = salt + function_source(params.func)
        return hashlib.sha256(text.encode()).hexdigest()


FunctionBodyPolicy = CacheFunctionBody  # flyte 2's name (flyte._cache.FunctionBodyPolicy)

BEHAVIORS = ("auto", "override", "disable")
_BEHAVIOR_ALIASES = {
    "enable": "auto", "enabled": "auto", "on": "auto", "true": "auto", "yes": "auto",
    "disabled": "disable", "off": "disable", "false": "disable", "no": "disable", "none": "disable",
}  # fmt: skip


@record
class Cache:
    """Cache settings, in flytekit's form and in Flyte v2's form (both may be mixed).

    - v1: ``Cache(version=None, serialize=False, ignored_inputs=(), salt="", policies=None)``.
    - v2: ``Cache(behavior="auto"|"override"|"disable", version_override=None, serialize=False,
      ignored_inputs=(), salt="", policies=None)``. ``"auto"`` caches with the version from
      ``version_override`` or else the policies (default: the function body); ``"override"``
      caches with the explicit ``version_override`` (falling back to the policies when it is
      missing, as upstream); ``"disable"`` turns caching off. Upstream's aliases are accepted
      (``enable``/``on``/``true``/``yes`` -> auto, ``off``/``false``/``no``/``none`` -> disable).
      ``max_age`` (a ``timedelta``, seconds or ``"1h30m"``): an entry older than that is not
      used (the task runs again and its outputs replace the entry); v2 tasks carry it as
      ``v2.cache_max_age`` (seconds) and the engine honours it.
      As upstream's first positional parameter is ``behavior``, ``Cache("auto")``,
      ``Cache("override", ...)`` and ``Cache("disable")`` mean the behavior, not a version,
      and then a second and third positional are upstream's ``version_override`` and
      ``serialize`` (``Cache("auto", "1.2")``).

    ``version`` and ``version_override`` are two spellings of one setting: after construction
    both hold the same value (giving two different values is an error). In the IR a ``Cache``
    becomes a ``CacheSpec`` (``enabled``, ``version``, ``serialize``, ``ignored_inputs``,
    ``salt``); a disabled one becomes no cache at all.
    """

    version: str | None = None
    serialize: bool = False
    ignored_inputs: tuple[str, ...] | str | Sequence[str] = ()
    salt: str = ""
    policies: Sequence[CachePolicy] | CachePolicy | None = None
    behavior: str = "auto"
    version_override: str | None = None
    max_age: Any = None

    @classmethod
    def _normalize(cls, values: dict[str, Any]) -> dict[str, Any]:
        version, behavior = values["version"], values["behavior"]
        if version in BEHAVIORS and behavior == "auto":  # upstream order: Cache("override", ...)
            behavior, version = version, None
            # flyte's second and third positional parameters are version_override and
            # serialize; they land in flytekit's serialize and ignored_inputs, where a string
            # and a bool mean nothing else (Cache("auto", "1.2", True)).
            if isinstance(values["serialize"], str) and values["version_override"] is None:
                values["version_override"], values["serialize"] = values["serialize"], False
                if isinstance(values["ignored_inputs"], bool):
                    values["serialize"], values["ignored_inputs"] = values["ignored_inputs"], ()
        if not isinstance(behavior, str):
            raise DefinitionError(
                f"Cache(behavior=...) must be one of {', '.join(map(repr, BEHAVIORS))}, "
                f"got {behavior!r}"
            )
        low = behavior.lower()
        behavior = _BEHAVIOR_ALIASES.get(low, low)
        if behavior not in BEHAVIORS:
            raise DefinitionError(
                f"Cache(behavior={values['behavior']!r}): behavior must be one of "
                f"{', '.join(map(repr, BEHAVIORS))} (aliases: "
                f"{', '.join(sorted(_BEHAVIOR_ALIASES))})"
            )
        override = values["version_override"]
        for label, v in (("version", version), ("version_override", override)):
            if v is not None and not isinstance(v, str):
                raise DefinitionError(f"Cache({label}=...) must be a string, got {v!r}")
        if version is not None and override is not None and version != override:
            raise DefinitionError(
                f"Cache(version={version!r}, version_override={override!r}): these are two "
                "names for the same setting; give one of them"
            )
        version = version if version is not None else override
        if not isinstance(values["serialize"], bool):
            raise DefinitionError(
                f"Cache(serialize=...) must be True or False, got {values['serialize']!r}"
            )
        if not isinstance(values["salt"], str):
            raise DefinitionError(f"Cache(salt=...) must be a string, got {values['salt']!r}")
        ignored = values["ignored_inputs"]
        ignored = (ignored,) if isinstance(ignored, str) else tuple(ignored)
        bad = [name for name in ignored if not isinstance(name, str)]
        if bad:
            raise DefinitionError(
                f"Cache(ignored_inputs=...) must be input names (strings), got {bad[0]!r}"
            )
        max_age = values["max_age"]
        if max_age is not None:
            from flytelike._settings.durations import to_timedelta

            max_age = to_timedelta(max_age, "Cache.max_age", allow_zero=False)
        values.update(
            version=version,
            version_override=version,
            behavior=behavior,
            ignored_inputs=ignored,
            max_age=max_age,
        )
        return values

    @property
    def enabled(self) -> bool:
        """False for ``behavior="disable"``."""
        return self.behavior != "disable"

    def is_enabled(self) -> bool:
        """Upstream's spelling of ``enabled``."""
        return self.enabled

    def get_ignored_inputs(self) -> tuple[str, ...]:
        assert isinstance(self.ignored_inputs, tuple)
        return self.ignored_inputs

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


CacheRequest: TypeAlias = Literal["auto", "override", "disable"] | bool | Cache
"""What ``cache=`` takes (flyte's ``CacheRequest``, plus flytekit's ``True``/``False``)."""


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
        return cache if cache.enabled else None
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
    if cache is None or not cache.enabled:
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
