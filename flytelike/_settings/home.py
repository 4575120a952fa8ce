"""Where flytelike keeps its files: ``FLYTELIKE_HOME``, else ``~/.flytelike`` (the run store, the
cache, the local secret store and deployed tasks live under it)."""

from __future__ import annotations

import os
from pathlib import Path


def default_home() -> Path:
    """``$FLYTELIKE_HOME`` when set (and not empty), else ``~/.flytelike``."""
    return Path(os.environ.get("FLYTELIKE_HOME") or Path.home() / ".flytelike")
