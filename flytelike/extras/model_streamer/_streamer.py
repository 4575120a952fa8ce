"""``ModelStreamer``: safetensors weights under a prefix, read as parallel byte ranges and handed
over tensor by tensor as each one's last range lands (completion order, not file order).

- ``stream()`` is an async iterator of ``(name, tensor)``; ``stream_sync()`` the same from any
  thread (the download runs on its own event loop in a helper thread, with the caller's context
  variables, so the active data context still applies; its hand-off queue holds at most
  ``max_concurrency`` tensors, so a slow consumer pauses the download); ``state_dict()`` collects
  them; ``load_into(module)`` assigns them to a torch module's parameters and buffers
  (``flytelike.extras.model_streamer._torch``); ``download_metadata(dir)`` copies everything but
  the weights (config, tokenizer) to a local directory.
- Headers are read first (8 bytes, then the JSON), then each tensor as ``chunk_size`` ranges,
  ``max_concurrency`` ranges at a time, with at most ``max_concurrency`` tensors in flight.
- Tensors are ``torch.Tensor`` when torch is importable, ``numpy.ndarray`` otherwise (ours:
  flyte requires torch); ``device=`` other than the CPU and ``load_into`` need torch.
- ``chunk_size`` and ``max_concurrency`` default to flyte's ``FLYTE_MODEL_LOADER_CHUNK_SIZE``
  (16 MiB) and ``FLYTE_MODEL_LOADER_MAX_CONCURRENCY`` (32).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import os
import pathlib
import queue
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

from flytelike.errors import ConfigurationError, WeightsFormatError
from flytelike.extras.model_streamer import _format, _source
from flytelike.extras.model_streamer._format import TensorInfo

_LOG = logging.getLogger("flytelike.extras.model_streamer")
CHUNK_SIZE_ENV = "FLYTE_MODEL_LOADER_CHUNK_SIZE"
MAX_CONCURRENCY_ENV = "FLYTE_MODEL_LOADER_MAX_CONCURRENCY"
_END = object()


def _positive(value: Any, name: str, env: str, default: int) -> int:
    where = f"ModelStreamer: {name}"
    if value is None:
        raw = os.environ.get(env)
        if raw is None:
            return default
        where, value = f"{env}={raw!r}", raw.strip()
        try:
            value = int(value)
        except ValueError:
            raise ConfigurationError(f"{where}: must be a positive integer") from None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigurationError(f"{where} must be a positive integer, got {value!r}")
    return value


class ModelStreamer:
    """Stream the safetensors weights under ``path`` (a local directory or an object store
    prefix such as ``s3://bucket/models/m``, or one ``.safetensors`` file), tensor by tensor;
    see the module docstring."""

    def __init__(
        self, path: str, *, chunk_size: int | None = None, max_concurrency: int | None = None
    ) -> None:
        if not isinstance(path, str) or not path.strip("/"):
            raise ConfigurationError(
                f"ModelStreamer: path must be a model directory or prefix, got {path!r}"
            )
        self.path = path.rstrip("/")
        self.chunk_size = _positive(chunk_size, "chunk_size", CHUNK_SIZE_ENV, 16 * 1024 * 1024)
        self.max_concurrency = _positive(
            max_concurrency, "max_concurrency", MAX_CONCURRENCY_ENV, 32
        )

    def __repr__(self) -> str:
        return (
            f"ModelStreamer({self.path!r}, chunk_size={self.chunk_size}, "
            f"max_concurrency={self.max_concurrency})"
        )

    # ------------------------------------------------------------------ reading
    async def _plan(self, source: _source.Source, read: Callable[..., Any]) -> list[TensorInfo]:
        """Every tensor to read, from the files' headers (read concurrently)."""
        files = await asyncio.to_thread(source.weight_files)

        async def header(uri: str, wanted: set[str] | None) -> list[TensorInfo]:
            size = await asyncio.to_thread(source.size, uri)
            n = _format.header_length(await read(uri, 0, min(8, size)), uri)
            if 8 + n > size:
                raise WeightsFormatError(
                    f"{uri}: the header says {n} bytes but the file has {size - 8} after it"
                )
            tensors, _ = _format.parse_header(await read(uri, 8, 8 + n), uri, size)
            if wanted is None:
                return tensors
            missing = wanted - {t.name for t in tensors}
            if missing:
                raise WeightsFormatError(
                    f"{uri}: {_source.INDEX_FILE} places tensor(s) "
                    f"{', '.join(sorted(missing)[:10])} in this file, which has no such tensor"
                )
            return [t for t in tensors if t.name in wanted]

        seen: set[str] = set()
        plan: list[TensorInfo] = []
        for tensors in await asyncio.gather(*(header(u, w) for u, w in files)):
            for t in tensors:
                if t.name not in seen:  # (the first copy of a duplicated name wins)
                    seen.add(t.name)
                    plan.append(t)
        return plan

    async def _tensors(self) -> AsyncIterator[tuple[TensorInfo, Any]]:
        source = _source.Source(self.path)
        ranges = asyncio.Semaphore(self.max_concurrency)

        async def read(uri: str, start: int, end: int) -> bytes:
            async with ranges:
                return await asyncio.to_thread(source.read_range, uri, start, end)

        plan = await self._plan(source, read)

        async def fetch(t: TensorInfo) -> tuple[TensorInfo, Any]:
            buf = bytearray(t.nbytes)

            async def chunk(offset: int) -> None:
                end = min(offset + self.chunk_size, t.end)
                data = await read(t.source, offset, end)
                if len(data) != end - offset:
                    raise WeightsFormatError(
                        f"{t.source}: tensor {t.name!r}: read {len(data)} bytes at {offset}, "
                        f"expected {end - offset} (the file changed or is truncated)"
                    )
                buf[offset - t.start : end - t.start] = data

            await asyncio.gather(*(chunk(o) for o in range(t.start, t.end, self.chunk_size)))
            return t, _format.to_array(t, buf)

        todo = iter(plan)
        pending: set[asyncio.Future[tuple[TensorInfo, Any]]] = set()
        try:
            while True:
                while len(pending) < self.max_concurrency:
                    t = next(todo, None)
                    if t is None:
                        break
                    pending.add(asyncio.ensure_future(fetch(t)))
                if not pending:
                    return
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for finished in done:
                    yield finished.result()
        finally:
            for p in pending:
                p.cancel()

    async def stream(
        self, *, device: Any = None, dtype: Any = None
    ) -> AsyncIterator[tuple[str, Any]]:
        """``(name, tensor)`` pairs as each tensor completes; with ``device`` each is moved
        there as it arrives, with ``dtype`` floating-point tensors are cast (others kept)."""
        start = time.perf_counter()
        count = nbytes = 0
        async for info, tensor in self._tensors():
            count += 1
            nbytes += info.nbytes
            yield info.name, _format.place(tensor, device, dtype)
        elapsed = max(time.perf_counter() - start, 1e-9)
        _LOG.info(
            "streamed %d tensors (%.2f GiB) from %s in %.2fs (%.2f GiB/s)",
            count,
            nbytes / 2**30,
            self.path,
            elapsed,
            nbytes / 2**30 / elapsed,
        )

    def stream_sync(self, *, device: Any = None, dtype: Any = None) -> Iterator[tuple[str, Any]]:
        """``stream`` for synchronous code, from any thread (see the module docstring)."""
        handoff: queue.Queue[Any] = queue.Queue(maxsize=self.max_concurrency)
        stop = threading.Event()
        context = contextvars.copy_context()

        def put(item: Any) -> bool:
            while not stop.is_set():
                try:
                    handoff.put(item, timeout=0.1)
                    return True
                except queue.Full:
                    continue
            return False

        async def pump() -> None:
            async for item in self.stream():
                if not await asyncio.to_thread(put, item):
                    return

        def run() -> None:
            try:
                asyncio.run(pump())
            except BaseException as e:  # (re-raised in the consumer)
                put(e)
            else:
                put(_END)

        worker = threading.Thread(
            target=context.run, args=(run,), name="flytelike-model-streamer", daemon=True
        )
        worker.start()
        try:
            while True:
                item = handoff.get()
                if item is _END:
                    return
                if isinstance(item, BaseException):
                    raise item
                name, tensor = item
                yield name, _format.place(tensor, device, dtype)
        finally:
            stop.set()
            worker.join()

    async def state_dict(self, *, device: Any = None, dtype: Any = None) -> dict[str, Any]:
        """Every tensor by name, each placed as it lands."""
        return {name: t async for name, t in self.stream(device=device, dtype=dtype)}

    async def load_into(
        self,
        module: Any,
        *,
        device: Any = None,
        dtype: Any = None,
        strict: bool = True,
        key_mapping: Callable[[str], str | None] | None = None,
    ) -> Any:
        """Assign the streamed tensors to ``module``'s parameters and buffers as they arrive
        (a ``LoadResult``); needs torch (``_torch.load_into`` says how)."""
        from flytelike.extras.model_streamer import _torch

        return await _torch.load_into(
            self, module, device=device, dtype=dtype, strict=strict, key_mapping=key_mapping
        )

    async def download_metadata(self, local_dir: str | pathlib.Path) -> pathlib.Path:
        """Copy every file under the prefix except the ``*.safetensors`` weights (config,
        tokenizer, generation config, the index) into ``local_dir``; returns it."""
        local = pathlib.Path(local_dir)
        source = _source.Source(self.path)

        def copy() -> None:
            local.mkdir(parents=True, exist_ok=True)
            for rel in source.files():
                if rel.endswith(_source.SUFFIX):
                    continue
                target = local / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                source.store.copy_file(_source.join(source.prefix, rel), str(target))

        await asyncio.to_thread(copy)
        return local
