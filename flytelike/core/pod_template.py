"""``flytelike.core.pod_template``: mirrors ``flytekit.core.pod_template``."""

from flytelike._carried import PodTemplate

__all__ = ["PodTemplate"]
