"""``flytelike.types``: mirrors ``flytekit.types`` (subpackages) and ``flyte.types`` (names).

flytekit's subpackages: ``flytelike.types.file`` (``FlyteFile``, ``CSVFile``, ...),
``flytelike.types.directory`` (``FlyteDirectory``), ``flytelike.types.structured``
(``StructuredDataset``, encoders and decoders), ``flytelike.types.error``,
``flytelike.types.pickle`` (``FlytePickle``) and ``flytelike.types.iterator``
(``FlyteIterator``).

Flyte v2's ``from flyte.types import TypeEngine, TypeTransformer, TypeTransformerFailedError``
works as ``from flytelike.types import ...``; the names load on first use, so importing a
subpackage does not load the type engine. This ``TypeEngine`` is flyte 2's: its ``to_literal``
and ``to_python_value`` are coroutines (``flytelike.types._engine``); flytekit's synchronous one
is ``flytelike.extend.TypeEngine``.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flytelike.types._engine import TypeEngine
    from typesystem import TypeTransformer
    from typesystem.errors import TypeTransformerFailedError

_LAZY = {
    "TypeEngine": ("flytelike.types._engine", "TypeEngine"),
    "TypeTransformer": ("typesystem", "TypeTransformer"),
    "TypeTransformerFailedError": ("typesystem.errors", "TypeTransformerFailedError"),
}

_SUBPACKAGES = frozenset({"directory", "error", "file", "iterator", "pickle", "structured"})

__all__ = ["TypeEngine", "TypeTransformer", "TypeTransformerFailedError"]


def __getattr__(name: str) -> Any:
    import importlib

    if name in _SUBPACKAGES:  # flytekit's `flytekit.directory`/`flytekit.file` are these
        return importlib.import_module(f"{__name__}.{name}")
    spec = _LAZY.get(name)
    if spec is None:
        raise AttributeError(f"module 'flytelike.types' has no attribute {name!r}")

    value = getattr(importlib.import_module(spec[0]), spec[1])
    globals()[name] = value
    return value
