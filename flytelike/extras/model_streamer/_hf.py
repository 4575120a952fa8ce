"""``load_hf_model``: a Hugging Face ``transformers`` model whose weights are streamed onto a
device (needs torch and transformers; ``MissingDependencyError`` names the one missing)."""

from __future__ import annotations

import importlib
import logging
import pathlib
import tempfile
from collections.abc import Callable
from typing import Any

from flytelike.errors import MissingDependencyError
from flytelike.extras.model_streamer._streamer import ModelStreamer
from flytelike.extras.model_streamer._torch import (
    LoadResult,
    _entries,
    check_complete,
    empty_weights,
    require_torch,
)

_LOG = logging.getLogger("flytelike.extras.model_streamer")


async def load_hf_model(
    path: str,
    *,
    device: Any = "cuda",
    dtype: Any = None,
    model_class: Any = None,
    local_dir: str | pathlib.Path | None = None,
    trust_remote_code: bool = False,
    chunk_size: int | None = None,
    max_concurrency: int | None = None,
) -> tuple[Any, pathlib.Path]:
    """Build ``model_class`` (default ``AutoModelForCausalLM``; an ``Auto*`` class or a
    ``PreTrainedModel`` subclass) from the config under ``path`` with its parameters on
    ``meta``, stream the weights onto ``device`` (cast to ``dtype`` when given), and return
    ``(model in eval mode, the local directory)``. Config, tokenizer and generation config are
    copied to ``local_dir`` (a new temporary directory by default), so
    ``AutoTokenizer.from_pretrained(local_dir)`` works. Checkpoint keys the model has no use
    for are logged, a parameter left unfilled raises ``WeightsMismatchError``; checkpoints
    saved with or without the base model's prefix both load."""
    require_torch("load_hf_model")
    try:
        transformers = importlib.import_module("transformers")
    except ImportError as e:
        raise MissingDependencyError(
            "load_hf_model needs transformers; install it (`pip install transformers`)",
            package="transformers",
        ) from e
    streamer = ModelStreamer(path, chunk_size=chunk_size, max_concurrency=max_concurrency)
    local = await streamer.download_metadata(local_dir or tempfile.mkdtemp(prefix="model-"))
    config = transformers.AutoConfig.from_pretrained(local, trust_remote_code=trust_remote_code)
    cls = model_class or transformers.AutoModelForCausalLM
    with empty_weights():
        if hasattr(cls, "from_config"):  # (the Auto* factories)
            model = cls.from_config(config, trust_remote_code=trust_remote_code)
        else:
            model = cls(config)
    result = await streamer.load_into(
        model, device=device, dtype=dtype, strict=False, key_mapping=base_prefix_mapping(model)
    )
    if result.unexpected_keys:
        _LOG.warning(
            "load_hf_model: %d checkpoint tensors the model does not use: %s",
            len(result.unexpected_keys),
            ", ".join(result.unexpected_keys[:10]),
        )
    check_complete(LoadResult(missing_keys=result.missing_keys, unexpected_keys=[]))
    model.to(device)  # (buffers were made on the host: empty_weights keeps them real)
    if (local / "generation_config.json").exists() and getattr(
        model, "generation_config", None
    ) is not None:
        model.generation_config = transformers.GenerationConfig.from_pretrained(local)
    return model.eval(), local


def base_prefix_mapping(model: Any) -> Callable[[str], str | None]:
    """A key mapping that adds or strips ``model.base_model_prefix`` so a checkpoint saved from
    the bare model (``encoder.x``) loads into a head model (``bert.encoder.x``) and back."""
    names = set(_entries(model))
    prefix = getattr(model, "base_model_prefix", "") or ""

    def mapping(key: str) -> str | None:
        if key in names or not prefix:
            return key
        if f"{prefix}.{key}" in names:
            return f"{prefix}.{key}"
        bare = key.removeprefix(f"{prefix}.")
        return bare if bare != key and bare in names else key

    return mapping
