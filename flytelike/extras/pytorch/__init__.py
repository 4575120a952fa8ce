"""``flytelike.extras.pytorch``: mirrors ``flytekit.extras.pytorch``, whose names are not
provided (``flytelike._compat.flytekit_gaps`` says why and what to use: flytelike has no
PyTorch transformers; tensors and modules travel by cloudpickle, visibly)."""

from __future__ import annotations

from typing import NoReturn

from flytelike._compat.aliases import not_provided

__all__: list[str] = []


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})
