"""GPU accelerators: ``GPUAccelerator("nvidia-tesla-a100")``, constants and MIG partitions."""

from __future__ import annotations

from flytelike.ir import Accelerator, record


@record
class GPUAccelerator:
    """A GPU device, optionally a partition of it."""

    device: str
    partition: str = ""

    def to_ir(self) -> Accelerator:
        return Accelerator(self.device, self.partition)


class _A100(GPUAccelerator):
    @property
    def partition_1g_5gb(self) -> GPUAccelerator:
        return GPUAccelerator(self.device, "1g.5gb")

    @property
    def partition_2g_10gb(self) -> GPUAccelerator:
        return GPUAccelerator(self.device, "2g.10gb")

    @property
    def partition_3g_20gb(self) -> GPUAccelerator:
        return GPUAccelerator(self.device, "3g.20gb")

    @property
    def partition_4g_20gb(self) -> GPUAccelerator:
        return GPUAccelerator(self.device, "4g.20gb")

    @property
    def partition_7g_40gb(self) -> GPUAccelerator:
        return GPUAccelerator(self.device, "7g.40gb")


class _A100_80GB(GPUAccelerator):
    @property
    def partition_1g_10gb(self) -> GPUAccelerator:
        return GPUAccelerator(self.device, "1g.10gb")

    @property
    def partition_2g_20gb(self) -> GPUAccelerator:
        return GPUAccelerator(self.device, "2g.20gb")

    @property
    def partition_3g_40gb(self) -> GPUAccelerator:
        return GPUAccelerator(self.device, "3g.40gb")

    @property
    def partition_4g_40gb(self) -> GPUAccelerator:
        return GPUAccelerator(self.device, "4g.40gb")

    @property
    def partition_7g_80gb(self) -> GPUAccelerator:
        return GPUAccelerator(self.device, "7g.80gb")


A10G = GPUAccelerator("nvidia-a10g")
L4 = GPUAccelerator("nvidia-l4")
L40S = GPUAccelerator("nvidia-l40s")
K80 = GPUAccelerator("nvidia-tesla-k80")
M60 = GPUAccelerator("nvidia-tesla-m60")
P4 = GPUAccelerator("nvidia-tesla-p4")
P100 = GPUAccelerator("nvidia-tesla-p100")
T4 = GPUAccelerator("nvidia-tesla-t4")
V100 = GPUAccelerator("nvidia-tesla-v100")
A100 = _A100("nvidia-tesla-a100")
A100_80GB = _A100_80GB("nvidia-a100-80gb")
H100 = GPUAccelerator("nvidia-h100")
H200 = GPUAccelerator("nvidia-h200")
L4_VWS = GPUAccelerator("nvidia-l4-vws")
RTX_PRO_6000 = GPUAccelerator("nvidia-rtx-pro-6000")
BaseAccelerator = GPUAccelerator  # flytekit's base class of accelerator constants


def accelerator_ref(value: GPUAccelerator | str | None) -> Accelerator | None:
    """The IR form of ``accelerator=`` (a constant, a ``GPUAccelerator`` or a device name)."""
    if value is None:
        return None
    if isinstance(value, str):
        return Accelerator(value)
    if isinstance(value, GPUAccelerator):
        return value.to_ir()
    from flytelike.errors import DefinitionError

    raise DefinitionError(
        f"accelerator must be a GPUAccelerator or a device name, got {type(value).__name__}"
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
