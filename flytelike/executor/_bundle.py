"""Code bundles: a run's code root, packed by the client and unpacked by the executor.

The client packs the code root once per run (``Bundles.for_run``): a gzipped tar of its Python
files (``python_files``: ``.py`` files, without VCS folders, ``__pycache__``, virtualenvs, hidden
folders, tool caches and what the ``.gitignore`` files under the root ignore), made the same
bytes from the same files (sorted, no times, owners or modes), named by the sha256 of those bytes
and written to ``<raw data prefix>/code/<digest>.tar.gz`` with the run's storage options, unless
it is there already. Requests then carry the bundle's URI and digest (``Code.bundle_uri``,
``Code.bundle_digest``).

The executor (``BundleCache``) fetches a bundle it has not seen, checks its digest, unpacks it
into ``<cache>/<digest>`` (regular files and folders only, every path inside the target) and
imports from there: the folder goes first on ``sys.path``, and modules another bundle loaded
under the same top-level names are forgotten, so a changed bundle runs its own code.

What does not live here: the choice between a root, a bundle or pickled code (``_client``).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import gzip
import hashlib
import importlib
import io
import os
import re
import shutil
import sys
import tarfile
import tempfile
import threading
import zlib
from typing import Any

from flytelike.errors import CodeBundleError
from flytelike.executor._wire import RequestError

MAX_FILES = 20_000  # Python files in a bundle
MAX_BYTES = 256 * 1024 * 1024  # their total size, unpacked
_SKIP_DIRS = frozenset(
    {"__pycache__", "node_modules", "site-packages", "build", "dist", "htmlcov", "CVS"}
)


# ---------------------------------------------------------------------------------- ignores
class _Ignore:
    """The rules of one ``.gitignore`` (a practical subset of git's: comments, ``!``
    negation, a trailing ``/`` for folders only, a ``/`` inside anchoring the pattern to the
    file's folder, ``*``/``?``/``[...]`` and ``**``)."""

    def __init__(self, text: str) -> None:
        self.rules: list[tuple[re.Pattern[str], bool, bool]] = []  # (pattern, negated, dirs)
        for raw in text.splitlines():
            line = raw.rstrip()
            if not line or line.startswith("#"):
                continue
            negated = line.startswith("!")
            if negated:
                line = line[1:]
            dirs = line.endswith("/")
            line = line.strip("/") if dirs else line
            if not line:
                continue
            anchored = "/" in line
            body = _translate(line.lstrip("/"))
            if not anchored:
                body = r"(?:.*/)?" + body
            self.rules.append((re.compile(body + r"(?:/.*)?\Z", re.S), negated, dirs))

    def verdict(self, rel: str, is_dir: bool) -> bool | None:
        """Whether ``rel`` (relative to the file's folder) is ignored; ``None``: no rule."""
        out = None
        for pattern, negated, dirs in self.rules:
            if (is_dir or not dirs) and pattern.match(rel):
                out = not negated
        return out


def _translate(pattern: str) -> str:
    """A gitignore glob as a regular expression: ``**`` any depth, ``*`` and ``?`` within
    one path part, ``[...]`` a set."""
    out, i, n = [], 0, len(pattern)
    while i < n:
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[" and (end := pattern.find("]", i + 2)) > 0:
            inner = pattern[i + 1 : end].replace("\\", "\\\\")
            out.append("[" + ("^" + inner[1:] if inner.startswith("!") else inner) + "]")
            i = end + 1
            continue
        elif c == "\\" and i + 1 < n:
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


def _ignored(rules: list[tuple[str, _Ignore]], rel: str, is_dir: bool) -> bool:
    out = False
    for base, ignore in rules:  # (outer files first: a deeper file's rules win)
        sub = rel[len(base) + 1 :] if base else rel
        verdict = ignore.verdict(sub, is_dir)
        if verdict is not None:
            out = verdict
    return out


def python_files(root: str) -> list[str]:
    """The Python files of ``root`` a bundle holds, as sorted relative POSIX paths."""
    out: list[str] = []
    rules: dict[str, list[tuple[str, _Ignore]]] = {"": []}
    for folder, dirs, files in os.walk(root):
        rel_dir = os.path.relpath(folder, root).replace(os.sep, "/")
        rel_dir = "" if rel_dir == "." else rel_dir
        inherited = rules.pop(rel_dir, [])
        mine = list(inherited)
        gitignore = os.path.join(folder, ".gitignore")
        if os.path.isfile(gitignore):
            with open(gitignore, encoding="utf-8", errors="replace") as f:
                mine.append((rel_dir, _Ignore(f.read())))
        kept = []
        for d in sorted(dirs):
            rel = f"{rel_dir}/{d}" if rel_dir else d
            path = os.path.join(folder, d)
            if (
                d.startswith(".")
                or d in _SKIP_DIRS
                or d.endswith(".egg-info")
                or os.path.islink(path)
                or os.path.exists(os.path.join(path, "pyvenv.cfg"))  # (a virtualenv)
                or _ignored(mine, rel, True)
            ):
                continue
            kept.append(d)
            rules[rel] = mine
        dirs[:] = kept
        for name in sorted(files):
            rel = f"{rel_dir}/{name}" if rel_dir else name
            if (
                name.endswith(".py")
                and not _ignored(mine, rel, False)
                and os.path.isfile(os.path.join(folder, name))
            ):
                out.append(rel)
                if len(out) > MAX_FILES:
                    raise CodeBundleError(_too_big(root, f"more than {MAX_FILES} Python files"))
    out.sort()
    return out


def _too_big(root: str, what: str) -> str:
    return (
        f"the code root {root!r} holds {what}, too many for a code bundle: set the grpc "
        "backend's option code_root to the project's folder, or install the code on the "
        "executor and send its path only (code=root)"
    )


def pack(root: str) -> bytes:
    """``root``'s Python files as a gzipped tar, the same bytes for the same files."""
    buf = io.BytesIO()
    total = 0
    with (
        gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0) as gz,
        tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar,
    ):
        for rel in python_files(root):
            with open(os.path.join(root, rel), "rb") as f:
                data = f.read()
            total += len(data)
            if total > MAX_BYTES:
                raise CodeBundleError(_too_big(root, f"more than {MAX_BYTES} bytes of Python"))
            info = tarfile.TarInfo(rel)
            info.size = len(data)
            info.mode = 0o644
            info.mtime = 0
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def bundle_uri(prefix: str, digest: str) -> str:
    return f"{prefix.rstrip('/')}/code/{digest}.tar.gz"


def _is_local(uri: str) -> bool:
    return "://" not in uri or uri.startswith("file://")


def _local_path(uri: str) -> str:
    return uri[len("file://") :] if uri.startswith("file://") else uri


def publish(root: str, context: Any) -> tuple[str, str]:
    """Pack ``root`` and store the bundle under ``context``'s raw data prefix (a
    ``typesystem.io.DataContext``: its storage options apply), unless it is there already.
    Returns ``(uri, digest)``."""
    from typesystem.io import DataStore

    data = pack(root)
    digest = hashlib.sha256(data).hexdigest()
    uri = bundle_uri(context.raw_data_prefix, digest)
    if _is_local(uri):
        path = _local_path(uri)
        if not os.path.exists(path):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".bundle-")
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)  # (whole or absent: an executor never reads half a bundle)
        return uri, digest
    store = DataStore(context)
    if not store.exists(uri):
        with store.open(uri, "wb") as f:
            f.write(data)
    return uri, digest


class Bundles:
    """The client's bundles: one per (run, code root, raw data prefix), packed and stored by
    the first action of the run that needs it (in a thread; the others wait for it)."""

    def __init__(self) -> None:
        self._runs: dict[tuple[str, str, str], concurrent.futures.Future[tuple[str, str]]] = {}
        self._lock = threading.Lock()
        self._pool: concurrent.futures.ThreadPoolExecutor | None = None

    def for_run(self, run_name: str, root: str, context: Any) -> Any:
        """A future of ``(uri, digest)`` (``asyncio.wrap_future`` it)."""
        key = (run_name, root, context.raw_data_prefix)
        fut = self._runs.get(key)
        if fut is not None and not (fut.done() and fut.exception() is not None):
            return fut
        with self._lock:
            fut = self._runs.get(key)
            if fut is None or (fut.done() and fut.exception() is not None):  # (tried again)
                if len(self._runs) > 64:
                    for k in [k for k, f in self._runs.items() if f.done()]:
                        del self._runs[k]
                if self._pool is None:
                    self._pool = concurrent.futures.ThreadPoolExecutor(
                        1, thread_name_prefix="flytelike-bundle"
                    )
                fut = self._runs[key] = self._pool.submit(publish, root, context)
        return fut

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False)
            self._pool = None


# ---------------------------------------------------------------------------------- executor
def default_cache() -> str:
    home = os.environ.get("FLYTELIKE_HOME") or os.path.join(os.path.expanduser("~"), ".flytelike")
    return os.path.join(home, "executor", "code")


def _fetch(uri: str) -> bytes:
    """The bundle's bytes (at most ``MAX_BYTES`` and one more: a larger one is refused)."""
    if _is_local(uri):
        with open(_local_path(uri), "rb") as f:
            return f.read(MAX_BYTES + 1)
    from typesystem.io import DataStore, current_data_context

    with DataStore(current_data_context()).open(uri, "rb") as f:
        return f.read(MAX_BYTES + 1)  # type: ignore[no-any-return]


def unpack(data: bytes, target: str) -> None:
    """Unpack a bundle into the new folder ``target``: regular files and folders only, each
    inside ``target``; raises ``RequestError`` (``code.bundle_uri``) otherwise."""
    field = "code.bundle_uri"
    base = os.path.realpath(target)
    try:
        tar = tarfile.open(fileobj=io.BytesIO(data), mode="r:gz")  # noqa: SIM115 (closed below)
    except (tarfile.TarError, OSError, EOFError) as e:
        raise RequestError("INVALID_ARGUMENT", field, f"not a gzipped tar: {e}") from e
    total = count = 0
    with tar:
        members = []
        while True:  # (member by member: the limits below stop a bomb early)
            try:
                m = tar.next()
            except (tarfile.TarError, OSError, EOFError, zlib.error) as e:
                raise RequestError("INVALID_ARGUMENT", field, f"unreadable tar: {e}") from e
            if m is None:
                break
            members.append(m)
            name = m.name
            dest = os.path.realpath(os.path.join(base, name))
            if (
                os.path.isabs(name)
                or "\0" in name
                or ".." in name.replace("\\", "/").split("/")
                or not (dest == base or dest.startswith(base + os.sep))
            ):
                raise RequestError(
                    "INVALID_ARGUMENT", field, f"member {name[:200]!r} lies outside the bundle"
                )
            if not (m.isfile() or m.isdir()):
                raise RequestError(
                    "INVALID_ARGUMENT",
                    field,
                    f"member {name[:200]!r} is not a regular file or folder (links and "
                    "devices are refused)",
                )
            count += 1
            total += m.size
            if count > MAX_FILES + 1000 or total > MAX_BYTES:
                raise RequestError(
                    "RESOURCE_EXHAUSTED",
                    field,
                    "the bundle unpacks to more than this executor "
                    f"accepts ({MAX_FILES} files, {MAX_BYTES} bytes)",
                )
        try:
            for m in members:
                dest = os.path.join(base, m.name)
                if m.isdir():
                    os.makedirs(dest, exist_ok=True)
                    continue
                os.makedirs(os.path.dirname(dest), exist_ok=True)
                src = tar.extractfile(m)
                assert src is not None
                with src, open(dest, "wb") as out:
                    shutil.copyfileobj(src, out)
        except (tarfile.TarError, OSError, EOFError, zlib.error) as e:
            raise RequestError("INVALID_ARGUMENT", field, f"cannot unpack: {e}") from e


class BundleCache:
    """The executor's bundles: unpacked in ``folder/<digest>`` (kept across restarts), and
    the one a request names made the place its modules import from."""

    def __init__(self, folder: str | None = None) -> None:
        self.folder = os.path.abspath(folder or default_cache())
        self._front = ""  # digest of the bundle the last request used
        self._active: dict[str, tuple[str, frozenset[str]]] = {}  # digest -> (path, names)
        self._lock = threading.Lock()

    def use(self, uri: str, digest: str) -> str:
        """The folder of bundle ``digest`` (fetched from ``uri`` and unpacked when new), first
        on ``sys.path``. Raises ``RequestError``."""
        found = self._active.get(digest)
        if found is not None and digest == self._front:
            return found[0]
        with self._lock:
            path = os.path.join(self.folder, digest)
            if digest not in self._active and not os.path.isfile(os.path.join(path, ".complete")):
                self._install(uri, digest, path)
            self._activate(digest, path)
            self._front = digest
            return path

    def _install(self, uri: str, digest: str, path: str) -> None:
        try:
            data = _fetch(uri)
        except Exception as e:
            raise RequestError(
                "FAILED_PRECONDITION",
                "code.bundle_uri",
                f"cannot read the code bundle {uri!r} here ({type(e).__name__}: {e}); the "
                "executor needs read access to the run's raw data prefix (its credentials or "
                "storage settings)",
            ) from e
        if len(data) > MAX_BYTES:
            raise RequestError(
                "RESOURCE_EXHAUSTED",
                "code.bundle_uri",
                f"the bundle at {uri!r} is larger than this executor accepts ({MAX_BYTES} bytes)",
            )
        actual = hashlib.sha256(data).hexdigest()
        if actual != digest:
            raise RequestError(
                "INVALID_ARGUMENT",
                "code.bundle_digest",
                f"{digest!r} is not the sha256 of the bundle at {uri!r} ({actual}): the bundle "
                "changed or the request is wrong",
            )
        os.makedirs(self.folder, exist_ok=True)
        tmp = tempfile.mkdtemp(dir=self.folder, prefix=f".{digest[:12]}-")
        try:
            unpack(data, tmp)
            with open(os.path.join(tmp, ".complete"), "w") as f:
                f.write(uri + "\n")
            with contextlib.suppress(OSError):  # (another executor unpacked it first)
                os.rename(tmp, path)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def _activate(self, digest: str, path: str) -> None:
        found = self._active.get(digest)
        if found is None:
            names = frozenset(
                n[:-3] if n.endswith(".py") else n
                for n in os.listdir(path)
                if n.endswith(".py") or os.path.isdir(os.path.join(path, n))
            )
            found = self._active[digest] = (path, names)
        names = found[1]
        for other, (other_path, other_names) in list(self._active.items()):
            if other != digest and names & other_names:
                _forget(other_path)
                del self._active[other]
        with contextlib.suppress(ValueError):
            sys.path.remove(path)
        sys.path.insert(0, path)
        importlib.invalidate_caches()


def _forget(path: str) -> None:
    """Take bundle folder ``path`` off ``sys.path`` and forget the modules it loaded."""
    from flytelike.backends import forget_modules

    with contextlib.suppress(ValueError):
        sys.path.remove(path)
    prefix = path + os.sep
    gone = [
        name
        for name, mod in list(sys.modules.items())
        if (getattr(mod, "__file__", None) or "").startswith(prefix)
    ]
    for name in gone:
        sys.modules.pop(name, None)
    forget_modules(gone)
