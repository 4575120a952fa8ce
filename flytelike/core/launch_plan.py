"""``flytelike.core.launch_plan``: mirrors ``flytekit.core.launch_plan``."""

from typing import NoReturn

from flytelike._aliases import not_provided
from flytelike._launch_plan import LaunchPlan
from flytelike._reference import ReferenceEntity as ReferenceLaunchPlan
from flytelike._reference import reference_launch_plan

__all__ = ["LaunchPlan", "ReferenceLaunchPlan", "reference_launch_plan"]


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})
