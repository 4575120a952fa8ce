"""Integrity of what the run store unpickles: an HMAC-SHA256 seal keyed by a secret of the home.

Loading a pickle runs code, so everything the engine unpickles from the store is sealed when
written and checked before it is loaded: run closures (which carry pickled task functions), gate
types, and every stored literal map (inline or offloaded: run and action inputs and outputs, map
items, cache entries) that holds a cloudpickle value. A sealed payload is ``MAGIC`` + MAC +
payload; ``MAGIC`` begins with ``0xc1``, a byte msgpack never uses and no pickle starts with, so
sealed and plain payloads cannot be confused. Literal maps without a pickle stay plain (their
values are data: reading them runs nothing), so ordinary runs pay nothing for this.

The key is 32 random bytes in ``<db>.key`` (``runs.db.key`` next to the database), created 0600
on first use. It is refused unless this user owns it and nobody else can read it: someone who can
write the store but not read the key (another user of a shared or too-open home, a synced or
restored copy) cannot forge a seal, so what they plant is refused, never executed. Someone who can
read the key (the same user) is outside this model. See the README ("Safe stores").
"""

from __future__ import annotations

import hashlib
import hmac
import os
import threading

from flytelike.engine._private import FILE_MODE, private_dir
from flytelike.engine.errors import UntrustedDataError

MAGIC = b"\xc1\x01"
MAC_SIZE = 32
PICKLED = b"cloudpickle"  # the tag of every pickled literal, verbatim in its msgpack encoding
_HEAD = len(MAGIC) + MAC_SIZE


def sealed(data: bytes) -> bool:
    return data[:2] == MAGIC


def holds_pickle(data: bytes) -> bool:
    """Whether ``data`` (a literal map's encoding) holds a pickled value. (``bytes.find``, not
    ``in``: ``PICKLED in data`` first tries ``PICKLED`` as an integer byte value and formats and
    drops a ``TypeError``, about 2,000 instructions per stored literal map.)"""
    return data.find(PICKLED) != -1


class Integrity:
    """Seals and checks the pickles of one store, with the key at ``key_path``."""

    def __init__(self, key_path: str, home: str = "") -> None:
        self.key_path = key_path
        self.home = home or os.path.dirname(key_path)
        self._key: bytes | None = None
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ the key
    def key(self) -> bytes:
        key = self._key
        if key is None:
            with self._lock:
                key = self._key
                if key is None:
                    key = self._key = self._load_or_create()
        return key

    def _load_or_create(self) -> bytes:
        path = self.key_path
        if not os.path.exists(path):
            private_dir(os.path.dirname(path) or ".")
            tmp = f"{path}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
            with os.fdopen(fd, "wb") as f:
                f.write(os.urandom(MAC_SIZE))
            try:
                os.link(tmp, path)  # atomic: a process that races us reads a whole key
            except FileExistsError:
                pass
            finally:
                os.unlink(tmp)
        st = os.stat(path)
        if st.st_uid != os.getuid():
            raise UntrustedDataError(
                f"the store's integrity key {path} belongs to user id {st.st_uid}, not to you "
                f"({os.getuid()}): a run store is private to one user. Use a FLYTELIKE_HOME of "
                "your own",
                path=path,
            )
        if st.st_mode & 0o077:
            raise UntrustedDataError(
                f"the store's integrity key {path} can be read by others (mode "
                f"{st.st_mode & 0o777:o}), so seals made with it prove nothing; make it private "
                f"(`chmod 600 {path}`, or `flytelike store repair`)",
                path=path,
            )
        with open(path, "rb") as f:
            key = f.read()
        if len(key) != MAC_SIZE:
            raise UntrustedDataError(
                f"the store's integrity key {path} is damaged ({len(key)} bytes, not "
                f"{MAC_SIZE}); `flytelike store repair` makes a new one (pickles sealed with the "
                "old key are then refused until `flytelike store repair --trust`)",
                path=path,
            )
        return key

    # ------------------------------------------------------------------ sealing
    def seal(self, data: bytes) -> bytes:
        return MAGIC + hmac.digest(self.key(), data, hashlib.sha256) + data

    def seal_if_pickled(self, data: bytes) -> bytes:
        """``data`` sealed when it holds a pickle (a literal map with a cloudpickle value)."""
        return self.seal(data) if holds_pickle(data) else data

    def check(self, data: bytes, what: str, where: str) -> bytes:
        """The payload of sealed ``data`` once its seal is checked; raises
        ``UntrustedDataError`` for a bad seal or none (``what``/``where`` name it)."""
        if sealed(data):
            body = data[_HEAD:]
            mac = hmac.digest(self.key(), body, hashlib.sha256)
            if hmac.compare_digest(mac, data[len(MAGIC) : _HEAD]):
                return body
            raise self._refused(what, where, "its integrity seal does not match")
        raise self._refused(what, where, "it carries no integrity seal")

    def check_literals(self, data: bytes, what: str, where: str) -> bytes:
        """A stored literal map: sealed ones are checked; plain ones may not hold a pickle."""
        if sealed(data):
            return self.check(data, what, where)
        if holds_pickle(data):
            raise self._refused(what, where, "it holds a pickled value but no integrity seal")
        return data

    def _refused(self, what: str, where: str, why: str) -> UntrustedDataError:
        return UntrustedDataError(
            f"refused to load {what} from {where}: {why}, so it was not loaded (loading a pickle "
            "runs code). It was not written by flytelike with this home's key: someone who can "
            f"write {self.home} may have put it there (`flytelike store check` shows who can). "
            "If you trust the store's contents, `flytelike store repair --trust` seals them "
            "with this home's key; otherwise remove the entry (`flytelike cache clear`, "
            "`flytelike runs delete RUN`)",
            path=where,
        )
