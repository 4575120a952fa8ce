"""Where an action's files live when it runs on a Ray worker, possibly on another machine.

- **Offloaded values** (files, directories, dataframes, large literals) go under the run's raw
  data prefix through fsspec, with the driver's storage options (``storage_options`` of the
  data context the run started in: an S3 endpoint, credentials), which travel with each
  request: ``worker_data`` makes them the worker's data context around the attempt.
- **Checkpoints** live under the run's location on that prefix (``run_uri``:
  ``<raw data prefix>/runs/<run>``, set by the driver as ``ActionContext.run_uri``: the run's
  own folder of the blob store, which ``flytelike runs delete`` and ``prune`` remove with the
  run), so a retry on another worker, or a resumed run, finds them.
- **Scratch** (the working directory of an attempt) stays on the worker: the context's
  ``run_dir`` is replaced by a directory of the worker's machine.
- **Large literals** (an output whose msgpack encoding is over the backend's ``offload_limit``,
  64 KiB by default) are written by the worker under the run's location
  (``<run_uri>/actions/<action>/<attempt>/<name>.msgpack``, through the data context's store,
  so with the run's storage options) and only their URI travels back through Ray (``put_large``,
  ``get_large``); the driver reads them from there, and a later action that takes the same
  literal as input gets the URI too and reads it on its worker. Small literals travel inline.
- **Decks** come back with the outcome: the worker reads the page it rendered (``take_decks``)
  and the driver writes it where the local backend would, under its own run directory
  (``put_decks``), so ``flytelike run``, reports and the UI read it as any other deck.

What does not live here: running the attempt (``_worker``), the request (``_backend``).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from flytelike.backends import ActionContext, Deck

# The action's directory name inside a run directory is the local backend's rule (one place).
from flytelike.backends._runtime import _safe
from typesystem.io import DataContext, current_data_context, use_data_context

# (tab names, page HTML) per page an attempt rendered
DeckPages = tuple[tuple[tuple[str, ...], str], ...]


def run_uri(prefix: str, run_name: str) -> str:
    """The run's location under the raw data prefix (checkpoints, large outputs): the folder
    the engine keeps the run's offloaded literal maps in (``<prefix>/runs/<run>/<action>/...``;
    no action is called ``actions``), removed with the run."""
    return f"{prefix.rstrip('/')}/runs/{run_name}" if prefix else ""


def outputs_uri(context: ActionContext) -> str:
    """Where the worker writes the large outputs of ``context``'s attempt ("" : nowhere, they
    travel inline)."""
    if not context.run_uri:
        return ""
    return f"{context.run_uri}/actions/{_safe(context.action_id)}/{context.attempt}"


def put_large(data: bytes, uri: str, limit: int) -> bytes | str:
    """``data`` itself, or (over ``limit`` bytes, with a ``uri`` to put it at) written at
    ``uri`` through the active data context's store and that URI instead."""
    if not uri or not limit or len(data) <= limit:
        return data
    from typesystem.io import current_store

    with current_store().open(uri, "wb") as f:
        f.write(data)
    return uri


def get_large(value: bytes | str) -> bytes:
    """What ``put_large`` returned, as bytes again (read through the active data context)."""
    if not isinstance(value, str):
        return value
    from typesystem.io import current_store

    with current_store().open(value, "rb") as f:
        data: bytes = f.read()
    return data


def storage_options() -> dict[str, Any]:
    """The driver's storage options now (the run's data context, in the engine's thread)."""
    from typesystem.io import current_data_context

    return {k: dict(v) for k, v in current_data_context().storage_options.items()}


FRAME_FORMATS = ("auto", "arrow", "parquet", "csv", "")


def is_local(prefix: str) -> bool:
    """Whether the raw data prefix is a path of this machine's file system."""
    return not prefix or prefix.startswith(("file://", "/"))


def frame_format(option: str, prefix: str) -> str:
    """The format the workers write dataframes in when the task's annotation names none
    (``DataContext.frame_format``): ``option``, where ``"auto"`` is Arrow IPC on a local
    prefix (written uncompressed, memory-mapped by the reader: no encoding or decoding on one
    machine) and the frame type's default (parquet) on remote storage, where compressed files
    move fewer bytes; ``""``: the frame type's default."""
    if option != "auto":
        return option
    return "arrow" if is_local(prefix) else ""


# (id(base context), frame format) -> (base, the worker's context): built once per pair
_CONTEXTS: dict[tuple[int, str], tuple[Any, Any]] = {}
_SCRATCH: dict[str, str] = {}  # run name -> its scratch directory on this machine


def scratch_dir(run_name: str) -> str:
    """The run's scratch directory on this machine (an attempt's ``run_dir`` on a worker)."""
    found = _SCRATCH.get(run_name)
    if found is None:
        if len(_SCRATCH) > 64:
            _SCRATCH.clear()
        found = _SCRATCH[run_name] = os.path.join(
            tempfile.gettempdir(), "flytelike-ray", _safe(run_name)
        )
    return found


def worker_data(
    context: ActionContext, storage: Mapping[str, Mapping[str, Any]], frame_fmt: str = ""
) -> DataContext | None:
    """The data context an attempt of ``context`` runs in on a worker: the driver's storage
    options active for the run's raw data prefix and ``frame_fmt`` as the data context's
    ``frame_format`` (``None``: the worker's own, with neither to change)."""
    with_storage = bool(storage and context.raw_data_prefix)
    if not with_storage and not frame_fmt:
        return None
    base = current_data_context()
    if with_storage:
        return base.replace(
            raw_data_prefix=context.raw_data_prefix,
            storage_options=dict(storage),
            frame_format=frame_fmt,
        )
    found = _CONTEXTS.get((id(base), frame_fmt))
    if found is None or found[0] is not base:
        if len(_CONTEXTS) > 16:
            _CONTEXTS.clear()
        found = _CONTEXTS[(id(base), frame_fmt)] = (base, base.replace(frame_format=frame_fmt))
    data: DataContext = found[1]
    return data


def data_scope(
    context: ActionContext, storage: Mapping[str, Mapping[str, Any]], frame_fmt: str = ""
) -> AbstractContextManager[Any]:
    """``worker_data`` active inside the ``with`` block."""
    data = worker_data(context, storage, frame_fmt)
    return nullcontext() if data is None else use_data_context(data)


def take_decks(decks: tuple[Deck, ...]) -> DeckPages:
    """The pages ``decks`` point at (on this worker), read and removed."""
    if not decks:
        return ()
    pages: dict[str, list[str]] = {}
    for d in decks:
        pages.setdefault(d.uri, []).append(d.name)
    out = []
    for uri, names in pages.items():
        path = Path(uri.removeprefix("file://"))
        try:
            html = path.read_text(encoding="utf-8")
        except OSError:
            continue
        path.unlink(missing_ok=True)
        out.append((tuple(names), html))
    return tuple(out)


def put_decks(context: ActionContext, pages: DeckPages) -> tuple[Deck, ...]:
    """Write ``pages`` where the local backend writes an action's deck, in the driver."""
    if not pages:
        return ()
    base = context.run_dir or os.path.join(tempfile.gettempdir(), "flytelike-adhoc")
    folder = Path(base) / "actions" / _safe(context.action_id) / "decks"
    folder.mkdir(parents=True, exist_ok=True)
    out: list[Deck] = []
    for i, (names, html) in enumerate(pages):
        path = folder / ("deck.html" if i == 0 else f"deck-{i}.html")
        path.write_text(html, encoding="utf-8")
        out.extend(Deck(n, "file://" + str(path)) for n in names)
    return tuple(out)
