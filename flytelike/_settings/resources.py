"""``Resources``: CPU, memory, GPU and ephemeral storage quantities, parsed and validated.

Quantities follow Kubernetes: CPU and GPU as whole numbers, decimals or millis (``"500m"``);
memory and storage with binary (``Ki, Mi, Gi, Ti``) or decimal (``K, M, G, T``) suffixes. Values
are normalised to canonical strings for the IR. ``mem``/``memory`` and
``ephemeral_storage``/``storage``/``disk`` are spellings of the same fields.

``shm`` (flyte 2) is the size of the shared-memory volume (``/dev/shm``), a memory quantity or
``"auto"``; it is not a request or a limit, and v2 tasks carry it in their template's
``v2.shm`` entry.

GPUs may also be given as a device with a count, ``gpu="A100:1"`` (Flyte v2 style; a bare
``"A100"`` means one) or ``gpu=GPU("A100", 1)`` (a ``Device``); ``gpu_device`` splits the
device off for the accelerator.

Rules checked by ``validate_requirements`` (at decoration time): GPUs in ``requests`` and
``limits`` are equal (GPUs cannot be overcommitted); GPUs given in ``requests`` only are also the
limit, as Flyte sets them (``requests=Resources(gpu="1")``, as the seeds write it, records
``gpu="1"`` in both); requests <= limits for every field.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

from flytelike.errors import ResourceError
from flytelike.ir import ResourceRequirements, ResourceSpec, replace

_MEM_UNITS = {
    "": 1,
    "k": 1000, "K": 1000, "M": 1000**2, "G": 1000**3, "T": 1000**4, "P": 1000**5,
    "Ki": 1024, "Mi": 1024**2, "Gi": 1024**3, "Ti": 1024**4, "Pi": 1024**5,
}  # fmt: skip
_MEM = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kKMGTP]i?)?[bB]?\s*$")
_CPU = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(m?)\s*$")
_GPU_DEVICE = re.compile(r"^\s*([A-Za-z][\w.-]*)(?::(\d+))?\s*$")


# flyte's GPU names that had a space before its underscore spellings replaced them: still
# accepted, with a warning naming the current spelling (as flyte 2.12 does).
_DEPRECATED_GPU_NAMES = {"A100 80G": "A100_80G", "RTX PRO 6000": "RTX_PRO_6000"}


def gpu_device(value: Any) -> tuple[str, Any]:
    """``"A100:2"`` -> ``("A100", 2)``, ``"A100"`` -> ``("A100", 1)``, ``GPU("A100", 2)`` ->
    ``("A100", 2)``; other values -> ``("", value)``."""
    from flytelike._settings.v2config import Device

    if isinstance(value, Device):
        return value.device, value.quantity
    if isinstance(value, str):
        name, colon, count = value.partition(":")
        current = _DEPRECATED_GPU_NAMES.get(name.strip())
        if current is not None:
            warnings.warn(
                f"GPU type {name.strip()!r} is deprecated, use {current!r} instead",
                FutureWarning,
                stacklevel=3,
            )
            value = current + colon + count
    if isinstance(value, str) and not _CPU.match(value):
        m = _GPU_DEVICE.match(value)
        if m:
            return m.group(1), int(m.group(2) or 1)
    return "", value


def _cpu_millis(field: str, value: Any) -> int:
    if isinstance(value, bool):
        raise ResourceError(
            f"Resources.{field}: expected a number or a string like '500m', got a bool"
        )
    if isinstance(value, int | float):
        if value < 0:
            raise ResourceError(f"Resources.{field}: must not be negative, got {value!r}")
        return round(value * 1000)
    if isinstance(value, str):
        m = _CPU.match(value)
        if m:
            number = float(m.group(1))
            return round(number if m.group(2) else number * 1000)
    raise ResourceError(
        f"Resources.{field}: cannot parse {value!r}; use a number of cores (2, 0.5, '2') or "
        "millicores ('500m')"
    )


def _bytes(field: str, value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str):
        m = _MEM.match(value)
        if m:
            return round(float(m.group(1)) * _MEM_UNITS[m.group(2) or ""])
    raise ResourceError(
        f"Resources.{field}: cannot parse {value!r}; use a quantity like '512Mi', '2Gi' or '1G'"
    )


def _norm_cpu(millis: int) -> str:
    return str(millis // 1000) if millis % 1000 == 0 else f"{millis}m"


def _norm_bytes(n: int) -> str:
    for unit in ("Pi", "Ti", "Gi", "Mi", "Ki"):
        size = _MEM_UNITS[unit]
        if n >= size and n % size == 0:
            return f"{n // size}{unit}"
    return str(n)


class Resources:
    """Requested or limited resources: ``Resources(cpu="1", mem="2Gi", gpu=1)``.

    Accepts ``mem`` or ``memory``, and ``ephemeral_storage``, ``storage`` or ``disk``. A
    two-element tuple ``(request, limit)`` is allowed for ``resources=`` (``split()``).
    """

    __slots__ = ("cpu", "ephemeral_storage", "gpu", "mem", "shm")

    cpu: Any
    mem: Any
    gpu: Any
    ephemeral_storage: Any
    shm: Any

    def __init__(
        self,
        cpu: Any = None,
        mem: Any = None,
        gpu: Any = None,
        ephemeral_storage: Any = None,
        *,
        memory: Any = None,
        storage: Any = None,
        disk: Any = None,
        shm: Any = None,
    ) -> None:
        if mem is not None and memory is not None:
            raise ResourceError("Resources: give `mem` or `memory`, not both")
        storages = [v for v in (ephemeral_storage, storage, disk) if v is not None]
        if len(storages) > 1:
            raise ResourceError(
                "Resources: give one of `ephemeral_storage`, `storage`, `disk`, not several"
            )
        values = {
            "cpu": cpu,
            "mem": mem if mem is not None else memory,
            "gpu": gpu,
            "ephemeral_storage": storages[0] if storages else None,
        }
        for name, value in values.items():
            _check_value(name, value)
            object.__setattr__(self, name, value)
        if shm is not None and shm != "auto":
            if isinstance(shm, tuple | list):
                raise ResourceError("Resources.shm: one size (or 'auto'), not a (request, limit)")
            _bytes("shm", shm)
        object.__setattr__(self, "shm", shm)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Resources is immutable; create a new one")

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt through __init__ (pickle's default sets the slots one by one, which the
        # immutability above refuses): a Resources travels inside pickled values and closures.
        return (_rebuild, (self.cpu, self.mem, self.gpu, self.ephemeral_storage, self.shm))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Resources):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(repr(self._key()))

    def _key(self) -> tuple[Any, ...]:
        return (self.cpu, self.mem, self.gpu, self.ephemeral_storage, self.shm)

    def __repr__(self) -> str:
        parts = [
            f"{n}={getattr(self, n)!r}"
            for n in ("cpu", "mem", "gpu", "ephemeral_storage", "shm")
            if getattr(self, n) is not None
        ]
        return f"Resources({', '.join(parts)})"

    def shm_size(self) -> str | None:
        """``shm`` normalised for the IR (``"auto"`` stays), or ``None``."""
        if self.shm is None or self.shm == "auto":
            return self.shm  # type: ignore[no-any-return]
        return _norm_bytes(_bytes("shm", self.shm))

    @property
    def memory(self) -> Any:
        return self.mem

    def split(self) -> tuple[Resources, Resources]:
        """``(requests, limits)``: a tuple value gives both parts, a single value only requests."""
        req: dict[str, Any] = {}
        lim: dict[str, Any] = {}
        for name in ("cpu", "mem", "gpu", "ephemeral_storage"):
            value = getattr(self, name)
            if isinstance(value, tuple | list):
                req[name], lim[name] = value
            elif value is not None:
                req[name] = value
        return Resources(**req), Resources(**lim)

    def to_spec(self) -> ResourceSpec:
        """Normalised quantities for the IR."""
        for name in ("cpu", "mem", "gpu", "ephemeral_storage"):
            if isinstance(getattr(self, name), tuple | list):
                raise ResourceError(
                    f"Resources.{name}: a (request, limit) pair is only allowed in `resources=`; "
                    "in `requests=`/`limits=` give one value"
                )
        return ResourceSpec(
            cpu="" if self.cpu is None else _norm_cpu(_cpu_millis("cpu", self.cpu)),
            memory="" if self.mem is None else _norm_bytes(_bytes("mem", self.mem)),
            gpu="" if self.gpu is None else _norm_cpu(_cpu_millis("gpu", gpu_device(self.gpu)[1])),
            ephemeral_storage=""
            if self.ephemeral_storage is None
            else _norm_bytes(_bytes("ephemeral_storage", self.ephemeral_storage)),
        )


def _check_value(name: str, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, tuple | list):
        if len(value) != 2:
            raise ResourceError(
                f"Resources.{name}: a (request, limit) pair must have 2 items, got {len(value)}"
            )
        for v in value:
            _check_value(name, v)
        return
    if name == "gpu":
        _cpu_millis(name, gpu_device(value)[1])
    elif name == "cpu":
        _cpu_millis(name, value)
    else:
        _bytes(name, value)


def quantity(field: str, text: str) -> float:
    """A normalised IR quantity as a number (cores, GPUs or bytes); 0 when unset."""
    if not text:
        return 0.0
    if field in ("cpu", "gpu"):
        return _cpu_millis(field, text) / 1000
    return float(_bytes(field, text))


def validate_requirements(
    requests: Resources | None, limits: Resources | None, where: str
) -> ResourceRequirements:
    """Check the GPU and requests <= limits rules and return the IR form."""
    for label, value in (("requests", requests), ("limits", limits)):
        if value is not None and not isinstance(value, Resources):
            raise ResourceError(
                f"{where}: `{label}` must be a Resources(...), got {type(value).__name__}"
            )
    req = requests.to_spec() if requests is not None else ResourceSpec()
    lim = limits.to_spec() if limits is not None else ResourceSpec()
    if req.gpu and not lim.gpu:
        lim = replace(lim, gpu=req.gpu)  # (the limit a GPU request implies)
    if req.gpu and lim.gpu and quantity("gpu", req.gpu) != quantity("gpu", lim.gpu):
        raise ResourceError(
            f"{where}: GPU requests ({req.gpu}) and limits ({lim.gpu}) must be equal; "
            "specify GPUs in `limits` only"
        )
    for field in ("cpu", "memory", "ephemeral_storage"):
        r, l_ = getattr(req, field), getattr(lim, field)
        if r and l_ and quantity(field, r) > quantity(field, l_):
            raise ResourceError(
                f"{where}: {field} requests ({r}) exceed limits ({l_}); requests must be <= limits"
            )
    return ResourceRequirements(requests=req, limits=lim)


def _rebuild(cpu: Any, mem: Any, gpu: Any, ephemeral_storage: Any, shm: Any) -> Resources:
    return Resources(cpu, mem, gpu, ephemeral_storage, shm=shm)
