"""``flytelike.sensor``: mirrors ``flytekit.sensor`` (``BaseSensor``, ``FileSensor``; sensors
are tasks that poke until true, see ``flytelike._entities.sensor``). flytekit's ``SensorEngine`` is the
cluster agent that pokes them; locally the task itself does."""

from typing import NoReturn

from flytelike._compat.aliases import not_provided
from flytelike._entities.sensor import BaseSensor, FileSensor

__all__ = ["BaseSensor", "FileSensor"]


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})
