"""Support for the alias modules that mirror flytekit's and flyte's import paths.

The alias modules (``flytelike.types.file``, ``flytelike.core.workflow``, ``flytelike.deck``, ...)
only re-export flytelike's own implementations. A name upstream has there but flytelike does not
implement is not faked: importing it raises ``ImportError`` naming what flytelike offers instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NoReturn


def not_provided(module: str, name: str, instead: Mapping[str, str]) -> NoReturn:
    """Raise for ``from <module> import <name>``: ``NotProvidedError`` (an ``ImportError``)
    when flytelike knows the name and has no implementation of it (the reason and alternative
    from ``instead``), else ``AttributeError`` as for any missing attribute.

    ``ImportError`` rather than ``AttributeError`` because ``from m import X`` replaces an
    ``AttributeError`` from a module ``__getattr__`` with a generic "cannot import name" message.
    """
    hint = instead.get(name)
    if hint is None:
        from flytelike._compat.flytekit_gaps import GAPS

        hint = GAPS.get(module, {}).get(name)
    if hint is None:
        raise AttributeError(f"module {module!r} has no attribute {name!r}")
    from flytelike.errors import NotProvidedError

    raise NotProvidedError(
        f"cannot import name {name!r} from {module!r}: flytelike does not implement it; {hint}",
        module=module,
    )
