"""``flytelike.types.error``: mirrors ``flytekit.types.error``, whose ``FlyteError`` flytelike does
not define. ``from flytelike.types.error import FlyteError`` raises ``ImportError`` saying what to
annotate an ``on_failure`` handler's ``err`` input with instead.
"""

from typing import NoReturn

from flytelike._aliases import not_provided

_INSTEAD = {
    "FlyteError": (
        "annotate the on_failure handler's `err` input as `str` (or `Optional[str]`) to receive "
        "the failure message, or as a dataclass with `message: str` and `failed_node_id: str`"
    ),
}

__all__: list[str] = []


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, _INSTEAD)
