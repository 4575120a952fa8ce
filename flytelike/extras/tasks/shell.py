"""``from flytelike.extras.tasks.shell import OutputLocation, ShellTask`` (flytekit's path)."""

from flytelike._container import OutputLocation, ShellTask

__all__ = ["OutputLocation", "ShellTask"]
