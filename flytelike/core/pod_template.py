"""``flytelike.core.pod_template``: mirrors ``flytekit.core.pod_template``."""

from typing import NoReturn

from flytelike._compat.aliases import not_provided
from flytelike._settings.carried import PodTemplate

__all__ = ["PodTemplate"]


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})
