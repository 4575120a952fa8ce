"""flyte's ``flyte.connectors.utils`` helpers: ``is_terminal_phase`` and
``convert_to_flyte_phase`` (a job state as external systems spell it -> a phase)."""

from __future__ import annotations

from flytelike.connectors._connector import convert_to_flyte_phase, is_terminal_phase

__all__ = ["convert_to_flyte_phase", "is_terminal_phase"]
