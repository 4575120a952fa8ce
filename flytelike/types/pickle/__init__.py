"""``flytelike.types.pickle``: mirrors ``flytekit.types.pickle``, which flytelike does not implement.

``from flytelike.types.pickle import FlytePickle`` raises ``ImportError`` saying what to use.
"""

from typing import NoReturn

from flytelike._compat.aliases import not_provided

_INSTEAD = {
    "FlytePickle": (
        "annotate with the Python type itself: a type without a transformer is pickled "
        "(with a PickleFallbackWarning), or register a TypeTransformer for it "
        "(flytelike.types.TypeEngine.register)"
    ),
}

__all__: list[str] = []


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, _INSTEAD)
