"""Map items in the run store: one row per batch of items, not one row per item.

A map over 10,000 items records 10,000 actions. Written one row each, the run store's writer
would spend more time than the items themselves; so the fast map path hands its items over in
batches (each item encoded once, ``encode_item``, as it finishes: the same bytes go to the map's
journal, see ``_journal``) and each batch becomes one row of the ``map_items`` table: the map
action's id and a msgpack list of item records. Reading expands them into ordinary
``ActionRecord``s (kind ``map_item``, ids ``<map>[i]``) merged with the ``actions`` table, so
``Run.actions()``, resume and the CLI see no difference. A later record of an item (a resumed run
re-running an item that failed) replaces an earlier one, as ``INSERT OR REPLACE`` would. The
table itself is declared with the others in ``_store``.

Item outputs are stored as ``{name: typesystem.to_msgpack(literal)}`` (bytes), or the bare value
for a scalar msgpack holds natively; outputs too large to keep inline are offloaded through the
run store's codec like any action's.

Items that ran as a chunk (first attempts run in one loop, ``flytelike.backends._item_chunks``)
are stored as one columnar record for the chunk (``encode_chunk``): ``["chunk", start, bounds,
{name: values}, skip]``, where item ``start + k`` started at ``bounds[k]``, ended at
``bounds[k + 1]``, succeeded at its first attempt with output values ``values[k]`` (stored as
above), except the positions in ``skip``, which have records of their own (a failed item, an
output too large to keep inline). ``expand`` reads both kinds.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import msgpack

import typesystem
from typesystem import Literal, Scalar

# Scalar values msgpack stores natively (an item output that is one of these is stored bare).
_NATIVE = frozenset({int, float, str, bool, type(None)})

INSERT_SQL = "INSERT INTO map_items (run_name, action_id, node_id, name, data) VALUES (?,?,?,?,?)"

# What the engine hands over per item: (index, started, ended, outputs | None, error dict |
# None, attempts); output values may be literals or bare primitives.
MapItemRow = tuple[int, float, float, "Mapping[str, Any] | None", "dict[str, Any] | None", int]


# One packer for every thread: ``pack`` is a single C call that runs no Python code for these
# records (no ``default`` hook), so under the GIL no two calls interleave; it skips making a
# packer per item, which ``msgpack.packb`` does.
_PACK = msgpack.Packer(use_bin_type=True).pack


def item_encoder(codec: Any, run: str, aid: str) -> Callable[[MapItemRow], bytes]:
    """``encode_item`` for the items of map action ``aid`` of ``run``, offloading large
    outputs through the run store's ``codec``."""
    limit = codec.inline_limit

    def offload(i: int, outputs: Any) -> str | None:
        return codec.encode(outputs, run, f"{aid}[{i}]", "outputs")[1]  # type: ignore[no-any-return]

    def encode(row: MapItemRow) -> bytes:
        return encode_item(row, limit, offload)

    return encode


def encode_item(row: MapItemRow, inline_limit: int, offload: Any) -> bytes:
    """One item's record (a msgpack list); ``offload(index, outputs) -> uri`` stores outputs
    that are too large to keep inline. A batch is a msgpack array of such records
    (``_journal.join_items``)."""
    i, t0, t1, outputs, error, attempts = row
    out: dict[str, Any] | None = None
    uri = None
    if outputs is not None:
        out = {}
        size = 0
        for k, lit in outputs.items():
            v: Any = lit.value if type(lit) is Scalar and type(lit.value) in _NATIVE else lit
            if type(v) in _NATIVE:  # msgpack's own int/float/str/bool/nil
                out[k] = v
                size += len(v) if type(v) is str else 9
            else:
                out[k] = b = typesystem.to_msgpack(typesystem.box(v))
                size += len(b)
        if size > inline_limit:
            out, uri = None, offload(i, outputs)
    record = [i, t0, t1, out, uri, json.dumps(error) if error else None, attempts]
    return _PACK(record)


CHUNK = "chunk"
_BARE_NUMBERS = frozenset({int, float, bool, type(None)})


def encode_chunk(
    start: int,
    bounds: list[float],
    outputs: Mapping[str, list[Any]],
    skip: list[int],
    inline_limit: int,
) -> tuple[bytes, list[int]]:
    """The record of a chunk (see the module docstring) and the positions, beyond ``skip``, whose
    outputs are too large to keep inline (they are left out: record them one by one, with
    ``encode_item``, which offloads them). ``skip`` is extended with those."""
    stored: dict[str, list[Any]] = {}
    large: list[int] = []
    skipped = set(skip)
    for name, col in outputs.items():
        kinds = set(map(type, col))
        if kinds <= _BARE_NUMBERS:  # (each well within any inline limit)
            stored[name] = col
            continue
        out: list[Any] = []
        for k, v in enumerate(col):
            if k in skipped:
                out.append(None)
                continue
            if type(v) not in _NATIVE:
                v = typesystem.to_msgpack(typesystem.box(v))
            if type(v) in (str, bytes) and len(v) > inline_limit:
                large.append(k)
                skipped.add(k)
                v = None
            out.append(v)
        stored[name] = out
    if large:
        skip.extend(large)
        skip.sort()
        for n, col in stored.items():
            if col is outputs[n]:  # (the caller's list stays as it was)
                col = stored[n] = list(col)
            for k in large:
                col[k] = None
    return _PACK([CHUNK, start, bounds, stored, skip]), large


def chunk_count(raw: list[Any]) -> int:
    """How many items a decoded chunk record holds."""
    return len(raw[2]) - 1 - len(raw[4])


def is_chunk(raw: Any) -> bool:
    """Whether a decoded record is a chunk's (a well-formed one)."""
    return (
        isinstance(raw, list)
        and len(raw) == 5
        and raw[0] == CHUNK
        and isinstance(raw[1], int)
        and isinstance(raw[2], list)
        and isinstance(raw[3], dict)
        and isinstance(raw[4], list)
    )


class ItemRecord:
    """One decoded item: the fields of an ``ActionRecord`` plus its stored outputs."""

    __slots__ = ("action_id", "attempts", "ended", "error", "index", "outputs", "started", "uri")

    def __init__(self, action_id: str, raw: list[Any]) -> None:
        self.action_id = action_id
        self.index: int = raw[0]
        self.started: float = raw[1]
        self.ended: float = raw[2]
        self.outputs: dict[str, Any] | None = raw[3]
        self.uri: str | None = raw[4]
        self.error: dict[str, Any] | None = json.loads(raw[5]) if raw[5] else None
        self.attempts: int = raw[6]

    @property
    def phase(self) -> str:
        return "FAILED" if self.error is not None else "SUCCEEDED"

    def literals(self, codec: Any) -> dict[str, Literal] | None:
        if self.outputs is not None:
            return {
                k: typesystem.from_msgpack(v) if type(v) is bytes else Scalar(v)
                for k, v in self.outputs.items()
            }
        if self.uri is not None:
            return codec.decode(None, self.uri)  # type: ignore[no-any-return]
        return None


def expand(
    rows: Iterable[tuple[str, str, str, bytes]],
) -> Iterator[tuple[str, str, str, ItemRecord]]:
    """``(map action id, node id, name, item)`` for every item in the batch rows ``(action_id,
    node_id, name, data)`` (in insertion order), the latest record of each item only."""
    latest: dict[str, tuple[str, str, str, ItemRecord]] = {}
    for aid, node_id, name, data in rows:
        for raw in msgpack.unpackb(data, raw=False):
            if raw[0] == CHUNK:
                _, start, bounds, outputs, skip = raw
                skipped = set(skip)
                for k in range(len(bounds) - 1):
                    if k in skipped:
                        continue
                    i = start + k
                    iid = f"{aid}[{i}]"
                    out = {n: col[k] for n, col in outputs.items()}
                    item = [i, bounds[k], bounds[k + 1], out, None, None, 1]
                    latest[iid] = (aid, node_id, name, ItemRecord(iid, item))
                continue
            iid = f"{aid}[{raw[0]}]"
            latest[iid] = (aid, node_id, name, ItemRecord(iid, raw))
    return iter(latest.values())
