"""Streamed weights into torch modules: ``load_into`` (``ModelStreamer.load_into``),
``empty_weights`` (build a module with its parameters on the ``meta`` device), ``LoadResult`` and
``missing_parameters``. Everything here but ``LoadResult`` and ``missing_parameters`` needs torch
and raises ``MissingDependencyError`` naming it when it is not installed.

``load_into`` assigns each tensor as it arrives (as ``load_state_dict(assign=True)``), to
``device`` when given, else to the device of the entry it replaces (a ``meta`` entry needs
``device=``); a shape that differs from the module's raises ``WeightsFormatError``.
``key_mapping(name)`` renames a checkpoint key to the module's, or returns None to skip it. A
module with ``tie_weights()`` (Hugging Face models) has it called once the stream ends, since
checkpoints keep a tied weight once. With ``strict`` a parameter still on ``meta`` or a
checkpoint key no entry takes raises ``WeightsMismatchError`` (a ``KeyError``, as flyte's).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flytelike.errors import MissingDependencyError, WeightsFormatError, WeightsMismatchError
from flytelike.extras.model_streamer._format import place


@dataclass
class LoadResult:
    """What ``load_into`` did not match: module entries no tensor filled (``missing_keys``) and
    streamed tensors no entry took (``unexpected_keys``)."""

    missing_keys: list[str]
    unexpected_keys: list[str]


def require_torch(what: str) -> Any:
    """The torch module; ``MissingDependencyError`` saying ``what`` needs it when it is absent."""
    try:
        return importlib.import_module("torch")
    except ImportError as e:
        raise MissingDependencyError(
            f"{what} needs torch; install it (`pip install torch`)", package="torch"
        ) from e


def missing_parameters(module: Any) -> list[str]:
    """Names of ``module``'s parameters and buffers still on the ``meta`` device."""
    entries = [*module.named_parameters(), *module.named_buffers()]
    return [name for name, tensor in entries if tensor.device.type == "meta"]


def _entries(module: Any) -> dict[str, tuple[Any, str, bool]]:
    """Every parameter and buffer name -> (owning module, attribute, is a parameter); a tied
    entry appears under each name that reaches it."""
    out: dict[str, tuple[Any, str, bool]] = {}
    for prefix, sub in module.named_modules(remove_duplicate=False):
        dot = f"{prefix}." if prefix else ""
        out.update({dot + name: (sub, name, True) for name in sub._parameters})
        out.update({dot + name: (sub, name, False) for name in sub._buffers})
    return out


def check_complete(result: LoadResult) -> None:
    problems = []
    if result.missing_keys:
        problems.append(
            f"{len(result.missing_keys)} missing: {', '.join(result.missing_keys[:10])}"
        )
    if result.unexpected_keys:
        problems.append(
            f"{len(result.unexpected_keys)} unexpected: {', '.join(result.unexpected_keys[:10])}"
        )
    if problems:
        raise WeightsMismatchError(
            "the streamed weights do not match the module (" + "; ".join(problems) + "); pass "
            "key_mapping= to rename checkpoint keys, or strict=False to get a LoadResult"
        )


async def load_into(
    streamer: Any,
    module: Any,
    *,
    device: Any,
    dtype: Any,
    strict: bool,
    key_mapping: Callable[[str], str | None] | None,
) -> LoadResult:
    torch = require_torch("ModelStreamer.load_into")
    entries = _entries(module)
    unexpected: list[str] = []
    async for name, tensor in streamer.stream():
        key = key_mapping(name) if key_mapping is not None else name
        if key is None:
            continue
        if key not in entries:
            unexpected.append(name)
            continue
        owner, attr, is_param = entries[key]
        current = (owner._parameters if is_param else owner._buffers)[attr]
        target = device
        if target is None:
            if current is None or current.device.type == "meta":
                raise WeightsFormatError(
                    f"load_into: {key!r} is on the meta device; pass device= to place it"
                )
            target = current.device
        if current is not None and tuple(current.shape) != tuple(tensor.shape):
            raise WeightsFormatError(
                f"load_into: {key!r} is {tuple(tensor.shape)} in the checkpoint and "
                f"{tuple(current.shape)} in the module"
            )
        placed = place(tensor, target, dtype)
        if is_param:
            grad = bool(current.requires_grad) if current is not None else False
            owner._parameters[attr] = torch.nn.Parameter(placed, requires_grad=grad)
        else:
            owner._buffers[attr] = placed
    tie = getattr(module, "tie_weights", None)
    if callable(tie):
        tie()
    result = LoadResult(missing_keys=missing_parameters(module), unexpected_keys=unexpected)
    if strict:
        check_complete(result)
    return result


@contextmanager
def empty_weights() -> Iterator[None]:
    """Modules built in the block get their parameters on the ``meta`` device (no memory);
    buffers are made as usual, so values computed in ``__init__`` (rotary frequencies) stay."""
    torch = require_torch("empty_weights()")
    module_cls = torch.nn.Module
    register = module_cls.register_parameter

    def on_meta(self: Any, name: str, param: Any) -> None:
        register(self, name, param)
        if param is not None and param.device.type != "meta":
            extra = dict(param.__dict__)
            extra["requires_grad"] = param.requires_grad
            self._parameters[name] = type(param)(param.to(torch.device("meta")), **extra)

    module_cls.register_parameter = on_meta
    try:
        yield
    finally:
        module_cls.register_parameter = register
