"""``flytelike.sensor.base_sensor``: mirrors ``flytekit.sensor.base_sensor`` (not available yet)."""

from typing import NoReturn

from flytelike._aliases import not_provided

__all__: list[str] = []


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})
