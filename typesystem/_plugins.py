"""Loading type plugins from the entry point group ``flytelike.types``.

Each entry point names a ``register(registry) -> None`` function. Loading happens when a registry
first needs a transformer it does not have cached (never at import), once per registry. A plugin
that fails to import or to register is rolled back (nothing it registered stays), recorded in
``registry.plugins`` with its error, and reported with a ``PluginLoadWarning`` naming the plugin and
its distribution; the other plugins load normally.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

from typesystem.errors import PluginError

if TYPE_CHECKING:
    from typesystem._registry import TypeRegistry


class PluginLoadWarning(UserWarning):
    """A type plugin failed to load; the message names it and its distribution."""


def load_entry_points(registry: TypeRegistry, group: str) -> None:
    from importlib.metadata import entry_points

    from typesystem._registry import PluginRecord

    done = {(p.distribution, p.name) for p in registry.plugins}
    for ep in sorted(entry_points(group=group), key=lambda e: e.name):
        dist = ep.dist.name if ep.dist is not None else "<unknown distribution>"
        if (dist, ep.name) in done:
            continue
        record = PluginRecord(ep.name, dist)
        snapshot = registry._snapshot()
        try:
            register = ep.load()
            if not callable(register):
                raise PluginError(f"entry point {ep.value!r} is not a callable register(registry)")
            with registry._scope(record):
                register(registry)
        except Exception as e:
            registry._restore(snapshot)
            message = (
                f"type plugin `{ep.name}` from distribution `{dist}` failed to load "
                f"({ep.value}): {type(e).__name__}: {e}. The other plugins were loaded; fix or "
                "uninstall it, or set FLYTELIKE_DISABLE_PLUGINS=1 to load no plugins."
            )
            registry.plugins.append(PluginRecord(ep.name, dist, message))
            warnings.warn(message, PluginLoadWarning, stacklevel=5)
            continue
        registry.plugins.append(record)


def plugin_errors(registry: TypeRegistry) -> list[PluginError]:
    """The load failures recorded in ``registry``, as exceptions naming each distribution."""
    return [PluginError(p.error, p.name, p.distribution) for p in registry.plugins if p.error]
