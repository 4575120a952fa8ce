"""``flytelike.extras.accelerators``: GPU accelerators (flytekit's
``flytekit.extras.accelerators``), defined with the other task settings in
``flytelike._settings.accelerators``."""

from typing import NoReturn

from flytelike._compat.aliases import not_provided
from flytelike._settings.accelerators import (
    A10G,
    A100,
    A100_80GB,
    H100,
    H200,
    K80,
    L4,
    L4_VWS,
    L40S,
    M60,
    P4,
    P100,
    RTX_PRO_6000,
    T4,
    V100,
    BaseAccelerator,
    GPUAccelerator,
    accelerator_ref,
)

__all__ = [
    "A10G",
    "A100",
    "A100_80GB",
    "H100",
    "H200",
    "K80",
    "L4",
    "L4_VWS",
    "L40S",
    "M60",
    "P4",
    "P100",
    "RTX_PRO_6000",
    "T4",
    "V100",
    "BaseAccelerator",
    "GPUAccelerator",
    "accelerator_ref",
]


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})
