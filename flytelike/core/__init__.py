"""``flytelike.core``: mirrors the public modules of ``flytekit.core``.

Each submodule re-exports flytelike's implementation under flytekit's path
(``from flytelike.core.workflow import WorkflowFailurePolicy``); this package imports nothing.
"""

__all__: list[str] = []
