"""URI helpers: protocols, local paths, joining and fresh keys. Pure string work, no I/O.

A *local* location is a plain path or a ``file://`` URI; everything else (``s3://``,
``memory://``, ``gs://``, ``https://``) is remote and reached through fsspec.
"""

from __future__ import annotations

import os
import re
import uuid

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*)://")


def protocol_of(uri: str) -> str:
    """``"s3"`` for ``s3://b/k``; ``"file"`` for local paths and ``file://`` URIs."""
    m = _SCHEME.match(uri)
    if m is None:
        return "file"
    proto = m.group(1).lower()
    return "file" if proto in ("file", "local") else proto


def is_local(uri: str) -> bool:
    """Whether ``uri`` names the local file system."""
    return protocol_of(uri) == "file"


def is_remote(uri: str) -> bool:
    return not is_local(uri)


def local_path(uri: str) -> str:
    """The absolute local path of a local ``uri`` (``file://`` stripped)."""
    if uri.startswith("file://"):
        uri = uri[len("file://") :]
    elif uri.startswith("local://"):
        uri = uri[len("local://") :]
    return os.path.abspath(os.path.expanduser(uri))


def normalise(uri: str) -> str:
    """A canonical spelling: absolute paths for local locations, trailing ``/`` dropped."""
    if is_local(uri):
        return local_path(uri)
    return uri.rstrip("/") if not uri.endswith("://") else uri


def join(base: str, *parts: str) -> str:
    """Join ``parts`` to ``base`` with ``/`` (``os.path.join`` for plain local paths)."""
    if is_local(base) and not base.startswith(("file://", "local://")):
        return os.path.join(base, *parts)
    out = base.rstrip("/")
    for p in parts:
        p = p.strip("/")
        if p:
            out = f"{out}/{p}"
    return out


def basename(uri: str) -> str:
    """The last path component (``""`` for a bucket root)."""
    tail = uri.rstrip("/").rsplit("/", 1)[-1]
    if "://" in tail or tail.endswith(":"):
        return ""
    return os.path.basename(tail) if is_local(uri) else tail


def is_under(uri: str, prefix: str) -> bool:
    """Whether ``uri`` lies inside ``prefix`` (same protocol, path prefix)."""
    if protocol_of(uri) != protocol_of(prefix):
        return False
    u, p = normalise(uri), normalise(prefix)
    return u == p or u.startswith(p.rstrip("/") + "/")


def new_key() -> str:
    """A fresh random key, sharded by its first two characters (``ab/cdef...``)."""
    h = uuid.uuid4().hex
    return f"{h[:2]}/{h[2:]}"
