"""``flytelike.sensor.file_sensor``: mirrors ``flytekit.sensor.file_sensor``."""

from flytelike._entities.sensor import FileSensor

__all__ = ["FileSensor"]
