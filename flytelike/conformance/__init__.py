"""The backend conformance suite: what every backend must do, as pytest classes to subclass.

    from flytelike.conformance import BackendConformance

``BackendConformance`` runs the tasks and workflows of :mod:`flytelike.conformance.tasks` through
the engine on the backend a subclass provides. The suite drives a backend through the public API,
so it stands above the engine and the backends it checks: backend authors import it from their
tests, as fsspec's abstract test suites are reused.
"""

from __future__ import annotations

from flytelike.conformance._suite import BackendConformance

__all__ = ["BackendConformance"]
