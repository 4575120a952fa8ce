"""``flytelike.core.launch_plan``: mirrors ``flytekit.core.launch_plan``."""

from flytelike._launch_plan import LaunchPlan
from flytelike._reference import reference_launch_plan

__all__ = ["LaunchPlan", "reference_launch_plan"]
