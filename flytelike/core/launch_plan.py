"""``flytelike.core.launch_plan``: mirrors ``flytekit.core.launch_plan``."""

from typing import NoReturn

from flytelike._compat.aliases import not_provided
from flytelike._entities.launch_plan import LaunchPlan
from flytelike._entities.reference import ReferenceEntity as ReferenceLaunchPlan
from flytelike._entities.reference import reference_launch_plan

__all__ = ["LaunchPlan", "ReferenceLaunchPlan", "reference_launch_plan"]


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})
