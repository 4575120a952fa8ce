"""flyte 2's ``flyte.extras.model_streamer``: safetensors weights streamed from a local directory
or object storage, as parallel byte ranges, tensor by tensor, without a copy on local disk.

- ``ModelStreamer(path, chunk_size=None, max_concurrency=None)``: ``stream()`` (async),
  ``stream_sync()``, ``state_dict()``, ``load_into(module)``, ``download_metadata(dir)``.
- ``load_hf_model(path, device=, dtype=, model_class=, ...)``: a ``transformers`` model built on
  ``meta`` and filled from the stream.
- ``empty_weights()``, ``missing_parameters(module)``, ``LoadResult``.

Files are read through the active data context (a task's run: its raw data store and storage
options), so ``s3://`` prefixes reach the same endpoint as ``File`` does. The safetensors format
is parsed here (8-byte header length, JSON header, raw little-endian bytes); neither the
``safetensors`` package nor flyte's loader is used.

Ours: tensors are ``torch.Tensor`` when torch is importable and ``numpy.ndarray`` without it
(flyte requires torch); a dtype numpy lacks (``BF16``, the 8-bit floats), a ``device=`` other
than the CPU, ``load_into``, ``empty_weights`` and ``load_hf_model`` need torch, and
``load_hf_model`` needs transformers: each raises ``flytelike.errors.MissingDependencyError``
(an ``ImportError``) naming the package. A path that is itself a ``.safetensors`` file is read
alone. A file that is not valid safetensors raises ``WeightsFormatError`` naming the file and
the tensor; a strict ``load_into`` mismatch raises ``WeightsMismatchError`` (a ``KeyError``, as
flyte's).
"""

from flytelike.extras.model_streamer._hf import load_hf_model
from flytelike.extras.model_streamer._streamer import ModelStreamer
from flytelike.extras.model_streamer._torch import LoadResult, empty_weights, missing_parameters

__all__ = ["LoadResult", "ModelStreamer", "empty_weights", "load_hf_model", "missing_parameters"]
