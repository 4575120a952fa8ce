"""``flytelike.types.error``: mirrors ``flytekit.types.error``.

``FlyteError`` (``message``, ``failed_node_id``) is what a workflow's ``on_failure`` handler
receives in its ``err`` input (see ``flytelike.types.error.error``).
"""

from flytelike.types.error.error import FlyteError

__all__ = ["FlyteError"]
