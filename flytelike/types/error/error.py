"""``flytelike.types.error.error``: mirrors ``flytekit.types.error.error``.

``FlyteError`` is what a workflow's ``on_failure`` handler receives in its ``err`` (or
``error``) input: the failure's message and the id of the node that failed. Annotate the input
``Optional[FlyteError] = None`` as flytekit's documentation does; ``str`` receives the message
alone.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class FlyteError:
    """A workflow's failure, as its ``on_failure`` handler receives it."""

    message: str
    failed_node_id: str


__all__ = ["FlyteError"]
