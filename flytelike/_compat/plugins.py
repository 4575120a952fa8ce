"""``load_implicit_plugins``: flytekit's call that loads the installed plugins now.

flytekit loads the entry points of its plugin group when it is imported; flytelike loads its
type plugins (entry point group ``flytelike.types``) on the first conversion instead, and this
call loads them at once (``FLYTELIKE_DISABLE_PLUGINS=1`` still keeps them out). Backends are
loaded by name when a run asks for one, so there is nothing to load ahead for them.
"""

from __future__ import annotations


def load_implicit_plugins() -> None:
    """Load the installed type plugins now (once; later calls load nothing)."""
    import typesystem

    typesystem.default_registry().load_plugins()
