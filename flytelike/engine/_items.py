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
            iid = f"{aid}[{raw[0]}]"
            latest[iid] = (aid, node_id, name, ItemRecord(iid, raw))
    return iter(latest.values())
