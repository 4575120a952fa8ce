"""``flytelike.types.directory``: mirrors ``flytekit.types.directory``.

``FlyteDirectory`` is ``flytelike.FlyteDirectory`` (one implementation with ``flytelike.io.Dir``);
the predefined formats are ``FlyteDirectory["<format>"]`` under flytekit's names.
"""

from typing import TYPE_CHECKING, NoReturn

from flytelike._compat.aliases import not_provided
from typesystem.io import FlyteDirectory

# Type checkers see the class itself (its format is a run-time parameter); at run time each
# name is the cached class FlyteDirectory["<format>"].
if TYPE_CHECKING:
    TFRecordsDirectory = FlyteDirectory
    TensorboardLogs = FlyteDirectory
else:
    TFRecordsDirectory = FlyteDirectory["tfrecord"]
    TensorboardLogs = FlyteDirectory["tensorboard"]

__all__ = ["FlyteDirectory", "TFRecordsDirectory", "TensorboardLogs"]


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})
