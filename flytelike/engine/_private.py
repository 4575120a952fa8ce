"""Files and folders of a run store that only their owner can read: the home and the folders the
engine creates are 0700, the files (database, write-ahead log, blobs, key, generation file)
0600. Permissions of existing files are left alone here; ``flytelike store check`` reports loose
ones and ``flytelike store repair`` tightens them.
"""

from __future__ import annotations

import contextlib
import os

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: str) -> None:
    """Create folder ``path`` and its missing parents, each 0700, if it does not exist."""
    if os.path.isdir(path):
        return
    missing = []
    folder = os.path.abspath(path)
    while not os.path.isdir(folder):
        missing.append(folder)
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):  # (made meanwhile by another process)
            os.mkdir(folder, DIR_MODE)


def private_file(path: str) -> None:
    """Create an empty file ``path`` 0600 if it does not exist (so that what opens it later,
    SQLite for instance, does not create it with the process's default permissions)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return
    os.close(fd)


def write_private(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` (0600) through a temporary file renamed into place."""
    folder = os.path.dirname(path)
    if folder:
        private_dir(folder)
    tmp = f"{path}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    os.replace(tmp, path)


def loose(path: str) -> int:
    """The group/other permission bits of ``path`` (0 when private or absent)."""
    try:
        return os.stat(path).st_mode & 0o077
    except OSError:
        return 0


def owned(path: str) -> bool:
    """Whether ``path`` belongs to this process's user (true when it does not exist)."""
    try:
        return os.stat(path).st_uid == os.getuid()
    except OSError:
        return True
