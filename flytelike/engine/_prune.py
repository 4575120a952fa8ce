"""Deleting runs from the run store, with their data: ``delete_runs`` and ``prunable``.

A deleted run loses its rows in every table keyed by run (``runs`` and each table with a
``run_name`` column: actions, attempts, map items, logs, decks, gates, signals), the pickled
closures no remaining run refers to, its working directory (``<home>/runs/<run>``: checkpoints,
decks), its offloaded literals (``<prefix>/runs/<run>/``) and the data its values point at
(files, directories and dataframes written under its raw data prefix), except data that a cache
entry or a remaining run still refers to: a cached value stays usable, and a file one run handed
to another stays. Data outside the run's raw data prefix (a user's own input files) is never
touched. Task cache entries are kept (``flytelike cache clear`` removes them).

``prunable`` picks the runs a prune removes: created before a cutoff and finished, or
interrupted (still ``RUNNING`` in the store, but the process that ran them is gone).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from flytelike.engine._blobs import LiteralCodec, blob_uris
from flytelike.engine._generation import bump, generation_file
from flytelike.engine._journal import remove as remove_journals
from flytelike.engine._pending import alive
from flytelike.engine._run_store import RunStore
from flytelike.engine.errors import DeleteError, RunNotFoundError

FINISHED = ("SUCCEEDED", "FAILED", "ABORTED", "TIMED_OUT")
_CHUNK = 500  # run names per statement (SQLite's variable limit is far above)


@dataclass
class Deleted:
    """What ``delete_runs`` removed (and kept)."""

    runs: list[str] = field(default_factory=list)
    rows: int = 0
    blobs_removed: int = 0
    bytes_freed: int = 0
    blobs_kept: int = 0  # data the cache or a remaining run still refers to


def prunable(store: RunStore, before: float) -> list[str]:
    """Runs created before ``before`` (epoch seconds) that are finished or interrupted."""
    rows = store.db.query(
        "SELECT name, phase, pid FROM runs WHERE created_at < ? ORDER BY created_at", (before,)
    )
    return [
        name
        for name, phase, pid in rows
        if phase in FINISHED or not pid or pid == os.getpid() or not alive(int(pid))
    ]


def running_elsewhere(store: RunStore, name: str) -> int | None:
    """The id of the live process running ``name`` (``None`` if it is not running)."""
    rows = store.db.query("SELECT phase, pid FROM runs WHERE name=?", (name,))
    if not rows or rows[0][0] in FINISHED or not rows[0][1]:
        return None
    pid = int(rows[0][1])
    return pid if pid != os.getpid() and alive(pid) else None


def _chunks(names: list[str]) -> Iterator[list[str]]:
    for i in range(0, len(names), _CHUNK):
        yield names[i : i + _CHUNK]


def _run_tables(store: RunStore) -> list[str]:
    tables = [
        r[0]
        for r in store.db.query("SELECT name FROM sqlite_master WHERE type='table'")
        if not r[0].startswith("sqlite_")
    ]
    out = []
    for t in tables:
        cols = {c[1] for c in store.db.query(f"PRAGMA table_info({t})")}
        if "run_name" in cols and t != "cache":
            out.append(t)
    return out


def _payloads(store: RunStore, names: list[str]) -> Iterator[tuple[bytes | None, str | None]]:
    """Every stored literal map of the runs ``names``: (inline bytes, offloaded URI)."""
    for chunk in _chunks(names):
        marks = ",".join("?" * len(chunk))
        yield from store.db.query(
            f"SELECT inputs, inputs_uri FROM runs WHERE name IN ({marks}) UNION ALL "
            f"SELECT outputs, outputs_uri FROM runs WHERE name IN ({marks}) UNION ALL "
            f"SELECT inputs, inputs_uri FROM actions WHERE run_name IN ({marks}) UNION ALL "
            f"SELECT outputs, outputs_uri FROM actions WHERE run_name IN ({marks})",
            chunk * 4,
        )


def _uris(codec: LiteralCodec, payloads: Iterable[tuple[bytes | None, str | None]]) -> set[str]:
    """The data URIs (files, directories, tables) the literal maps ``payloads`` refer to."""
    out: set[str] = set()
    for data, uri in payloads:
        if data is None and not uri:
            continue
        try:
            values = codec.decode(data, uri) or {}
        except Exception:  # unreadable (gone, or not ours to judge here): refers to nothing
            continue
        for v in values.values():
            out.update(blob_uris(v))
    return out


def _item_uris(store: RunStore, names: list[str]) -> set[str]:
    out: set[str] = set()
    for name in names:
        for _, _, _, item in store._items(name):
            with contextlib.suppress(Exception):
                for v in (item.literals(store.codec) or {}).values():
                    out.update(blob_uris(v))
            if item.uri:
                out.add(item.uri)
    return out


def _local(uri: str) -> str | None:
    if uri.startswith("file://"):
        return uri[len("file://") :]
    return uri if "://" not in uri else None


def _under(uri: str, prefix: str) -> bool:
    u, p = (_local(uri) or uri).rstrip("/"), (_local(prefix) or prefix).rstrip("/")
    return u == p or u.startswith(p + "/")


def _kept_uris(store: RunStore, remaining_like: list[str]) -> set[str]:
    """Data URIs the cache and the remaining runs refer to (only payloads that mention one of
    ``remaining_like``, the data prefixes involved, are decoded)."""
    codec = store.codec
    out = _uris(codec, store.db.query("SELECT outputs, outputs_uri FROM cache"))
    for prefix in remaining_like:
        needle = (_local(prefix) or prefix).encode()
        for table in ("runs", "actions"):
            for col in ("inputs", "outputs"):
                out |= _uris(
                    codec,
                    store.db.query(
                        f"SELECT {col}, {col}_uri FROM {table} WHERE instr({col}, ?) > 0 "
                        f"OR {col}_uri IS NOT NULL",
                        (needle,),
                    ),
                )
        rows = store.db.query(
            "SELECT DISTINCT run_name FROM map_items WHERE instr(data, ?) > 0", (needle,)
        )
        out |= _item_uris(store, [r[0] for r in rows])
    return out


def _remove(uri: str) -> int:
    """Delete the file or directory at ``uri``; returns the bytes freed (0 when absent)."""
    path = _local(uri)
    if path is None:
        import fsspec

        fs, p = fsspec.core.url_to_fs(uri)
        if not fs.exists(p):
            return 0
        size = int(fs.du(p)) if fs.isdir(p) else int(fs.size(p) or 0)
        fs.rm(p, recursive=True)
        return size
    if os.path.isdir(path):
        size = sum(
            os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(path) for f in files
        )
        shutil.rmtree(path, ignore_errors=True)
        return size
    try:
        size = os.path.getsize(path)
        os.remove(path)
    except FileNotFoundError:
        return 0
    return size


def delete_runs(store: RunStore, names: list[str], home: str) -> Deleted:
    """Delete the runs ``names`` (rows, closures, working files, data; see the module
    docstring). Runs not in the store are skipped."""
    store.flush()
    found: list[str] = []
    prefixes: dict[str, str] = {}
    for chunk in _chunks(list(dict.fromkeys(names))):
        marks = ",".join("?" * len(chunk))
        for name, options in store.db.query(
            f"SELECT name, options FROM runs WHERE name IN ({marks})", chunk
        ):
            found.append(name)
            prefixes[name] = _raw_data_path(options) or store.codec.prefix
    done = Deleted(runs=found)
    if not found:
        return done
    # What the deleted runs' values point at, under their own raw data prefixes.
    candidates = {
        u
        for u in _uris(store.codec, _payloads(store, found)) | _item_uris(store, found)
        if any(_under(u, prefixes[n]) for n in found)
    }
    # Offloaded literal maps live in the run's own folder of the blob store.
    owned = {f"{prefixes[n].rstrip('/')}/runs/{n}" for n in found}
    ops: list[tuple[str, Any]] = []
    tables = _run_tables(store)
    for chunk in _chunks(found):
        marks = ",".join("?" * len(chunk))
        ops.append((f"DELETE FROM runs WHERE name IN ({marks})", chunk))
        ops.extend((f"DELETE FROM {t} WHERE run_name IN ({marks})", chunk) for t in tables)
    ops.append(
        (
            "DELETE FROM closures WHERE digest NOT IN (SELECT CAST(substr(closure, 16) AS TEXT) "
            "FROM runs WHERE substr(closure, 1, 15) = CAST('closure:sha256:' AS BLOB))",
            (),
        )
    )
    counts = store.db.execute(ops)
    done.rows = sum(counts)
    if counts[-1]:  # closures deleted: processes that remember writing them must write again
        bump(generation_file(store.db.path))
    kept = _kept_uris(store, sorted(set(prefixes.values())))
    for uri in sorted(candidates):
        if any(k == uri or _under(k, uri) or _under(uri, k) for k in kept):
            done.blobs_kept += 1
            continue
        freed = _remove(uri)
        done.blobs_removed += 1 if freed or not _exists(uri) else 0
        done.bytes_freed += freed
    for uri in sorted(owned):
        freed = _remove(uri)
        if freed:
            done.blobs_removed += 1
            done.bytes_freed += freed
    for name in found:
        remove_journals(store.db.path, name)  # (of a run killed mid-map, never resumed)
        work = os.path.join(home, "runs", name)
        if os.path.isdir(work):
            done.bytes_freed += _remove(work)
    return done


def _exists(uri: str) -> bool:
    path = _local(uri)
    return os.path.exists(path) if path is not None else True


def _raw_data_path(options: str | None) -> str:
    import json

    try:
        found = json.loads(options) if options else {}
    except ValueError:
        return ""
    value = found.get("raw_data_path") if isinstance(found, dict) else None
    return value if isinstance(value, str) else ""


# ------------------------------------------------------------------ for Engine
def delete(store: RunStore, home: str, names: list[str], live: Container[str]) -> Deleted:
    """``Engine.delete_runs``: refuses (``DeleteError``) runs still running, in this process
    (``live``) or in another live one, and (``RunNotFoundError``) names the store does not
    hold."""
    store.flush()
    for name in names:
        if store.get_run(name) is None:
            raise RunNotFoundError(f"no run named {name!r} in {store.db.path}")
        pid = os.getpid() if name in live else running_elsewhere(store, name)
        if pid is not None:
            raise DeleteError(
                f"cannot delete run {name}: it is still running in process {pid}; wait for it "
                f"to end, or abort it first (`flytelike runs abort {name}`)"
            )
    return delete_runs(store, names, home)


def prune(
    store: RunStore, home: str, older_than: float, live: Container[str], *, dry_run: bool = False
) -> Deleted:
    """``Engine.prune``: delete every run created more than ``older_than`` seconds ago that is
    finished or interrupted (see ``prunable``) and not running in this process (``live``);
    ``dry_run``: only say which."""
    store.flush()
    names = [n for n in prunable(store, time.time() - older_than) if n not in live]
    if dry_run:
        return Deleted(runs=names)
    return delete_runs(store, names, home)
