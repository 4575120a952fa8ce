"""``TypeRegistry``: which transformer converts which Python type.

Lookup order (the one place it is written down)
------------------------------------------------
1. ``Annotated[T, *meta]``: a ``TypeTransformer`` instance in ``meta`` wins. Otherwise ``T`` is
   resolved and then ``HashMethod`` wraps it and the transformer's ``with_annotations(meta)``
   hook, if it has one, sees the rest (unknown metadata is ignored).
2. Restricted types (generators, coroutines, open files, locks) raise ``UnsupportedTypeError``.
3. Exact registrations (``register``), the newest registration for a type winning.
4. Factories (``register_factory``), newest first: plugin factories, then the built-ins in this
   order: pydantic, dataclass, NamedTuple, tuple, dict, list, union, ``typing.Literal``, Enum
   (so ``class E(str, Enum)`` is an enum, never a ``str``).
5. Exact registrations of a base class, along the MRO (``object`` excluded).
6. The fallback: untyped ``dict``/``list``/``Any`` as plain msgpack data (an ``Any`` value that
   is not plain data, such as a task or function, goes through cloudpickle with a
   ``PickleFallbackWarning`` when it is converted); anything else, callables
   (``Callable[[int], Awaitable[int]]``) included, through cloudpickle with a
   ``PickleFallbackWarning``, or ``UnsupportedTypeError`` in strict mode.

Lookups are cached per type (unhashable ``Annotated`` metadata is keyed by its repr); every
registration clears the cache. Type plugins (entry point group ``flytelike.types``) are loaded
on the first lookup that misses the cache, never at import.
"""

from __future__ import annotations

import os
import threading
import typing
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from typesystem import _typing as ty
from typesystem._annotations import HashingTransformer, HashMethod
from typesystem._literals import Literal
from typesystem._transformer import TypeTransformer
from typesystem._types import LiteralType
from typesystem.errors import (
    PickleFallbackWarning,
    RegistrationError,
    SettingError,
    TypeResolutionError,
    UnsupportedTypeError,
)

Factory = Callable[[Any, "TypeRegistry"], TypeTransformer[Any]]
Predicate = Callable[[Any], bool]

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_flag(name: str) -> bool:
    """The boolean environment variable ``name`` (unset or empty: false); a value that is no
    boolean raises ``SettingError`` naming it (read when a registry needs it, never at import)."""
    value = os.environ.get(name, "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SettingError(
        f"environment variable {name}={os.environ[name]!r} is not valid: expected a boolean: "
        f"one of 1, true, yes, on, 0, false, no, off; fix or unset it (`unset {name}`)",
        variable=name,
    )


@dataclass(frozen=True, slots=True)
class FactoryEntry:
    name: str
    predicate: Predicate
    factory: Factory
    origin: str = "builtin"


@dataclass(frozen=True, slots=True)
class PluginRecord:
    """A type plugin the registry loaded (or failed to load)."""

    name: str
    distribution: str
    error: str | None = None


def _key(t: Any) -> Any:
    try:
        hash(t)
    except TypeError:
        return ("unhashable", repr(t))
    return t


class TypeRegistry:
    """A set of transformers with a written lookup order and a dispatch cache.

    ``builtins``: start with the built-in transformers (``False`` gives an empty registry).
    ``plugins``: load type plugins on first lookup; ``None`` (default) consults
    ``FLYTELIKE_DISABLE_PLUGINS`` at that moment. ``strict``: refuse the pickle fallback.
    """

    def __init__(
        self, *, builtins: bool = True, plugins: bool | None = None, strict: bool = False
    ) -> None:
        self.strict = strict
        self._exact: dict[Any, TypeTransformer[Any]] = {}
        self._factories: list[FactoryEntry] = []
        self._cache: dict[Any, TypeTransformer[Any]] = {}
        self._resolving: dict[Any, _Deferred] = {}
        self._origins: dict[str, str] = {}
        self._lock = threading.RLock()
        self._plugins_wanted = plugins
        self._plugins_loaded = plugins is False
        self._plugin_scope: PluginRecord | None = None
        # Types whose pickle fallback was already announced: the warning comes once per type,
        # not again each time a registration clears the dispatch cache.
        self._fallback_warned: set[Any] = set()
        self.plugins: list[PluginRecord] = []
        # Counts registrations: a process that shipped ``direct_registrations`` elsewhere knows
        # whether there is anything new to ship.
        self.generation = 0
        if builtins:
            # The one import circle kept on purpose: the built-in transformers need the registry
            # (a container's transformer asks it for its items' transformer), and a registry
            # installs them when it is made. cattrs' converters and their structure hooks have the
            # same shape. The import is here, at first use, so that loading either module alone
            # does not load the other.
            from typesystem._builtins import install_builtins

            install_builtins(self)

    # -- registration ---------------------------------------------------------------------
    def register(
        self, transformer: TypeTransformer[Any], python_type: Any = None
    ) -> TypeTransformer[Any]:
        """Register ``transformer`` for exactly ``python_type`` (default: its ``python_type``)."""
        t = python_type if python_type is not None else transformer.python_type
        self._validate_transformer(transformer, t)
        with self._lock:
            self._exact[_key(t)] = transformer
            self._origins[f"type:{ty.qualified_name(t)}"] = self._origin()
            self._cache.clear()
            self.generation += 1
        return transformer

    def register_factory(self, predicate: Predicate, factory: Factory, *, name: str = "") -> None:
        """Register ``factory(t, registry)`` for every type where ``predicate(t)`` is true."""
        if not callable(predicate) or not callable(factory):
            raise RegistrationError(self._where() + "predicate and factory must be callables")
        entry = FactoryEntry(
            name or getattr(factory, "__name__", "factory"), predicate, factory, self._origin()
        )
        with self._lock:
            self._factories.append(entry)
            self._cache.clear()
            self.generation += 1

    def _origin(self) -> str:
        scope = self._plugin_scope
        return f"plugin {scope.name} ({scope.distribution})" if scope else "direct"

    def _where(self) -> str:
        scope = self._plugin_scope
        if scope is None:
            return ""
        return f"type plugin `{scope.name}` from distribution `{scope.distribution}`: "

    def _validate_transformer(self, transformer: Any, t: Any) -> None:
        if not isinstance(transformer, TypeTransformer):
            raise RegistrationError(
                self._where() + f"{transformer!r} is not a TypeTransformer; subclass "
                "typesystem.TypeTransformer and implement literal_type, to_literal, to_python"
            )
        if t is None:
            raise RegistrationError(
                self._where() + f"{transformer!r} names no Python type; pass python_type= "
                "or set it in TypeTransformer.__init__(name, t)"
            )
        try:
            hash(t)
        except TypeError as e:
            raise RegistrationError(
                self._where() + f"cannot register for unhashable type {t!r}"
            ) from e
        for method in ("literal_type", "to_literal", "to_python"):
            if getattr(type(transformer), method) is getattr(TypeTransformer, method):
                raise RegistrationError(
                    self._where() + f"transformer {transformer.name!r} for "
                    f"`{ty.type_name(t)}` does not implement {method}()"
                )

    def direct_registrations(
        self,
    ) -> tuple[list[tuple[Any, TypeTransformer[Any]]], list[FactoryEntry]]:
        """What was registered at run time (neither built in nor by a type plugin), oldest
        first: the exact ``(type, transformer)`` pairs and the factories. A process that only
        loads the type plugins (a remote worker) lacks exactly these."""
        with self._lock:
            exact = [
                (t, tr)
                for t, tr in self._exact.items()
                if self._origins.get(f"type:{ty.qualified_name(t)}") == "direct"
            ]
            factories = [f for f in self._factories if f.origin == "direct"]
        return exact, factories

    def registered_by(self, t: Any) -> str:
        """Who registered the exact transformer for ``t``: builtin, direct or a plugin."""
        return self._origins.get(f"type:{ty.qualified_name(t)}", "builtin")

    # -- lookup ---------------------------------------------------------------------------
    def get_transformer(self, t: Any) -> TypeTransformer[Any]:
        """The transformer for ``t`` (cached; see the lookup order in the module docstring)."""
        key = _key(t)
        tr = self._cache.get(key)
        if tr is not None:
            return tr
        with self._lock:
            tr = self._cache.get(key)
            if tr is not None:
                return tr
            deferred = self._resolving.get(key)
            if deferred is not None:  # a recursive type refers to itself
                return deferred
            if not self._plugins_loaded:
                self.load_plugins()
            self._resolving[key] = _Deferred(self, t)
            try:
                tr = self._resolve(t)
            finally:
                del self._resolving[key]
            self._cache[key] = tr
            return tr

    def _resolve(self, t: Any) -> TypeTransformer[Any]:
        if t is None:
            t = ty.NoneType
        base, meta = ty.strip_annotated(t)
        if meta:
            for m in meta:
                if isinstance(m, TypeTransformer):
                    return m
            tr = self.get_transformer(base)
            hook = getattr(tr, "with_annotations", None)
            if hook is not None:
                tr = hook(meta)
            methods = [m for m in meta if isinstance(m, HashMethod)]
            if methods:
                tr = HashingTransformer(tr, methods[-1], base)
            return tr
        from typesystem._fallback import is_restricted

        if is_restricted(t):
            raise UnsupportedTypeError(
                f"`{ty.type_name(t)}` cannot be a task input or output: such values "
                "(generators, coroutines, open files, locks, sockets) cannot be stored or sent. "
                "Return the data they produce instead.",
                t,
            )
        exact = self._exact.get(_key(t))
        if exact is not None:
            return exact
        for entry in reversed(self._factories):
            if entry.predicate(t):
                return entry.factory(t, self)
        for cls in getattr(t, "__mro__", ())[1:-1]:
            inherited = self._exact.get(cls)
            if inherited is not None:
                return inherited
        return self._fallback(t)

    def _fallback(self, t: Any) -> TypeTransformer[Any]:
        from typesystem._fallback import PickleTransformer, PlainDataTransformer

        if t in (dict, list, typing.Any):
            return PlainDataTransformer(t, strict=self.strict)
        if t is typing.Dict or t is typing.List:  # noqa: UP006 (bare, as flytekit takes Dict)
            return PlainDataTransformer(typing.get_origin(t), strict=self.strict)
        if not isinstance(t, type) and not ty.is_callable(t):
            raise TypeResolutionError(
                f"`{t!r}` is not a type that can be converted; annotate with a class or a "
                "supported typing construct (list[T], dict[K, V], Optional[T], ...)",
                t,
            )
        name = ty.type_name(t) if ty.is_callable(t) else ty.qualified_name(t)
        if self.strict:
            raise UnsupportedTypeError(
                f"`{name}` has no type transformer and strict mode refuses "
                "the pickle fallback. Register a TypeTransformer for it (or install the type "
                "plugin that provides one), or make it a dataclass.",
                t,
            )
        key = _key(t)
        if key in self._fallback_warned:
            return PickleTransformer(t)
        self._fallback_warned.add(key)
        warnings.warn(
            f"`{name}` has no type transformer; its values will be converted "
            "with cloudpickle (Python-only, version-fragile, opaque). Register a "
            "TypeTransformer or make it a dataclass to avoid this.",
            PickleFallbackWarning,
            stacklevel=4,
        )
        return PickleTransformer(t)

    # -- conversions ----------------------------------------------------------------------
    def literal_type(self, t: Any) -> LiteralType:
        """The ``LiteralType`` that describes values of ``t``."""
        return self.get_transformer(t).literal_type(t)

    def to_literal(self, value: Any, t: Any) -> Literal:
        """Convert ``value`` (of type ``t``) to a literal; ``ConversionError`` lists every issue."""
        try:
            tr = self._cache[t]
        except (KeyError, TypeError):
            tr = self.get_transformer(t)
        return tr.to_literal(value, t)

    def to_python(self, literal: Literal, t: Any) -> Any:
        """Convert ``literal`` back to a Python value of type ``t``."""
        try:
            tr = self._cache[t]
        except (KeyError, TypeError):
            tr = self.get_transformer(t)
        return tr.to_python(literal, t)

    def validate(self, value: Any, t: Any) -> None:
        """Raise ``ConversionError`` unless ``value`` is a valid value of ``t``."""
        self.get_transformer(t).validate(value, t)

    def guess_python_type(self, literal_type: LiteralType) -> Any:
        """A Python type for ``literal_type`` (synthesising records when no class is known)."""
        from typesystem._guess import guess_python_type

        return guess_python_type(self, literal_type)

    def transformers(self) -> list[TypeTransformer[Any]]:
        """Every transformer registered or built so far, newest first."""
        seen: dict[int, TypeTransformer[Any]] = {}
        for tr in [*reversed(self._cache.values()), *reversed(self._exact.values())]:
            seen.setdefault(id(tr), tr)
        return list(seen.values())

    # -- plugins and copies ---------------------------------------------------------------
    def load_plugins(self, group: str = "flytelike.types", *, force: bool = False) -> None:
        """Load type plugins from entry points (once; ``force`` ignores the opt-out)."""
        with self._lock:
            if not force:
                wanted = self._plugins_wanted
                if wanted is None:
                    wanted = not env_flag("FLYTELIKE_DISABLE_PLUGINS")
                self._plugins_loaded = True
                if not wanted:
                    return
            from typesystem._plugins import load_entry_points

            load_entry_points(self, group)

    @contextmanager
    def _scope(self, record: PluginRecord) -> Iterator[None]:
        previous = self._plugin_scope
        self._plugin_scope = record
        try:
            yield
        finally:
            self._plugin_scope = previous

    def _snapshot(self) -> tuple[dict[Any, TypeTransformer[Any]], list[FactoryEntry]]:
        return dict(self._exact), list(self._factories)

    def _restore(self, snap: tuple[dict[Any, TypeTransformer[Any]], list[FactoryEntry]]) -> None:
        self._exact, self._factories = dict(snap[0]), list(snap[1])
        self._cache.clear()

    def copy(self) -> TypeRegistry:
        """An independent registry with the same registrations (and plugin state)."""
        other = TypeRegistry(builtins=False, plugins=self._plugins_wanted, strict=self.strict)
        other._exact = dict(self._exact)
        other._factories = list(self._factories)
        other._origins = dict(self._origins)
        other._plugins_loaded = self._plugins_loaded
        other.plugins = list(self.plugins)
        other._fallback_warned = set(self._fallback_warned)
        other.generation = self.generation
        return other


class _Deferred(TypeTransformer[Any]):
    """Stands in for a type while it is being resolved (recursive records)."""

    def __init__(self, registry: TypeRegistry, t: Any) -> None:
        super().__init__(ty.type_name(t), t)
        self._registry = registry
        self._t = t

    def _target(self) -> TypeTransformer[Any]:
        return self._registry.get_transformer(self._t)

    def literal_type(self, t: Any) -> LiteralType:
        from typesystem._types import RefType

        return RefType(ty.qualified_name(self._t))

    def to_literal(self, value: Any, t: Any) -> Literal:
        return self._target().to_literal(value, t)

    def to_python(self, literal: Literal, t: Any) -> Any:
        return self._target().to_python(literal, t)

    def encode(self, value: Any, t: Any) -> Any:
        return self._target().encode(value, t)

    def decode(self, value: Any, t: Any) -> Any:
        return self._target().decode(value, t)

    def matches(self, value: Any, t: Any) -> bool:
        return self._target().matches(value, t)


_default: TypeRegistry | None = None
_default_lock = threading.Lock()


def default_registry() -> TypeRegistry:
    """The process-wide registry (created on first use; plugins load on first lookup)."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = TypeRegistry(strict=env_flag("FLYTELIKE_STRICT_TYPES"))
    return _default
