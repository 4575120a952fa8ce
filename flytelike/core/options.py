"""``flytelike.core.options``: mirrors ``flytekit.core.options`` (see
``flytelike._settings.options`` for where ``Options`` are honoured)."""

from flytelike._settings.options import Options

__all__ = ["Options"]
