"""Moved: the run store is ``flytelike.engine._run_store`` (this alias goes once no import uses it)."""

from flytelike.engine._run_store import RunStore

__all__ = ["RunStore"]
