"""``flytelike.sensor.base_sensor``: mirrors ``flytekit.sensor.base_sensor`` (``BaseSensor``)."""

from typing import NoReturn

from flytelike._compat.aliases import not_provided
from flytelike._entities.sensor import BaseSensor

__all__ = ["BaseSensor"]


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})
