"""flyte 2's ``flyte.remote`` platform names with a local meaning: ``Project`` (the projects
recorded in the run store: those with runs or deployed tasks), ``User`` (the operating-system
user running this process) and ``upload_file``/``upload_dir`` (a copy into the engine's raw
data prefix, under the namespace's project and domain, as flyte stores uploads in the cluster's
bucket). Every call also has ``.aio``.

Kept out: creating, updating or archiving projects (a project exists locally by being used:
``with_runcontext(project=...)``, ``flytelike.init(project=...)``, ``flytelike.deploy``), which
raises ``NotSupportedLocallyError`` saying so.
"""

from __future__ import annotations

import dataclasses
import getpass
import hashlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from flytelike.remote._errors import EntityNotFoundError, NotSupportedLocallyError, UploadError
from flytelike.remote._sync import _Bound, class_sync_and_aio, sync_and_aio

__all__ = ["Project", "User", "upload_dir", "upload_file"]


def _engine() -> Any:
    from flytelike.engine import default_engine

    return default_engine()


def _namespaces(engine: Any) -> dict[str, tuple[float, set[str]]]:
    """Each project of the store -> (when it was first used, its domains), from the runs and
    the deployed tasks (the store keeps no project table of its own)."""
    from flytelike._v2 import deployed  # (the deployed tasks' table lives with flytelike.deploy)

    engine.store.flush()
    sql = "SELECT project, domain, MIN(created_at) FROM {} GROUP BY project, domain"
    rows = list(engine.store.db.query(sql.format("runs"), ()))
    rows += deployed._ensure(engine).query(sql.format("deployed_tasks"), ())
    found: dict[str, tuple[float, set[str]]] = {}
    for project, domain, first in rows:
        # Runs recorded before namespaces existed read as the defaults (as the engine reads them).
        project, domain = project or engine.config.namespace[0], domain or "development"
        when, domains = found.get(project, (float(first or 0), set()))
        found[project] = (min(when, float(first or 0)), domains | {domain})
    return found


@dataclasses.dataclass(frozen=True)
class Project:
    """A project of the local store: ``id`` and ``name`` (the same locally), ``domains`` it has
    runs or deployed tasks in, ``created_at`` (when it was first used, seconds since the epoch),
    ``description`` and ``labels`` (empty: local projects have none), ``archived`` (never)."""

    id: str
    name: str
    domains: tuple[str, ...] = ()
    created_at: float = 0.0
    description: str = ""
    labels: dict[str, str] = dataclasses.field(default_factory=dict)
    archived: bool = False

    @class_sync_and_aio
    def get(cls: type[Project], name: str) -> Project:
        """The project ``name``; ``EntityNotFoundError`` naming the known ones if it has no
        runs or deployed tasks."""
        found = _namespaces(_engine())
        if name not in found:
            raise EntityNotFoundError(
                f"Project.get({name!r}): no runs or deployed tasks are recorded in project "
                f"{name!r}; known projects: {', '.join(sorted(found)) or 'none yet'} (a "
                "project exists locally once something runs in it: "
                "with_runcontext(project=...).run(...))"
            )
        return cls._of(name, found[name])

    @class_sync_and_aio
    def listall(
        cls: type[Project],
        filters: str | None = None,
        sort_by: tuple[str, str] | None = None,
        archived: bool = False,
    ) -> Iterator[Project]:
        """The projects of the store, by first use (``sort_by=("created_at", "desc")``: newest
        first; ``("name", "asc"|"desc")`` by name). ``archived=True`` lists none (nothing is
        archived locally); ``filters`` are server-side expressions (``NotSupportedLocallyError``:
        filter the projects in Python)."""
        if filters:
            raise NotSupportedLocallyError(
                "Project.listall(filters=...) takes server-side filter expressions; locally "
                "filter the projects in Python"
            )
        key, order = sort_by or ("created_at", "asc")
        if key not in ("created_at", "name") or order not in ("asc", "desc"):
            raise ValueError(
                f"Project.listall(sort_by={sort_by!r}): expected ('created_at' or 'name', "
                "'asc' or 'desc')"
            )
        if archived:
            return iter(())
        projects = [cls._of(n, v) for n, v in _namespaces(_engine()).items()]
        projects.sort(key=lambda p: (p.created_at, p.id) if key == "created_at" else p.id)
        return iter(projects[::-1] if order == "desc" else projects)

    @classmethod
    def _of(cls, name: str, found: tuple[float, set[str]]) -> Project:
        return cls(name, name, tuple(sorted(found[1])), found[0])

    @class_sync_and_aio  # (also .aio, as flyte's)
    def create(cls: type[Project], *args: Any, **kwargs: Any) -> Project:
        raise _no_edit("create")

    @class_sync_and_aio  # (also .aio, as flyte's)
    def update(cls: type[Project], *args: Any, **kwargs: Any) -> Project:
        raise _no_edit("update")

    def archive(self) -> Project:
        raise _no_edit("archive")

    def unarchive(self) -> Project:
        raise _no_edit("unarchive")


def _no_edit(what: str) -> NotSupportedLocallyError:
    return NotSupportedLocallyError(
        f"Project.{what}: local projects are not edited; a project exists once something runs "
        "or is deployed in it (with_runcontext(project=...), flytelike.init(project=...))"
    )


class User:
    """The user running this process (there are no accounts locally): ``subject()`` is the
    login name, ``name()`` the full name the system records for it, else the login name."""

    def __init__(self, subject: str, name: str) -> None:
        self._subject = subject
        self._name = name

    @class_sync_and_aio
    def get(cls: type[User]) -> User:
        login = getpass.getuser()
        full = ""
        try:
            import pwd

            full = pwd.getpwnam(login).pw_gecos.split(",")[0].strip()
        except (ImportError, KeyError):  # (no pwd on Windows; a user without a passwd entry)
            pass
        return cls(login, full or login)

    @sync_and_aio
    def subject(self) -> str:
        return self._subject

    @sync_and_aio
    def name(self) -> str:
        return self._name

    def __repr__(self) -> str:
        return f"User(subject={self._subject!r}, name={self._name!r})"


def _destination(*parts: str) -> tuple[Any, str]:
    """The data store of the engine's raw data prefix and the URI of ``parts`` under the
    namespace's project and domain in it."""
    from flytelike.backends import data_context
    from flytelike.remote._task import _namespace
    from typesystem.io import DataStore

    prefix = _engine().config.data_prefix
    project, domain = _namespace(None, None)
    uri = "/".join([prefix.rstrip("/"), project, domain, *parts])
    return DataStore(data_context(prefix)), uri


def _check_flags(where: str, verify: object, **text: object) -> None:
    if not isinstance(verify, bool):
        raise TypeError(f"{where}: verify must be True or False, got {verify!r}")
    for key, value in text.items():
        if value is not None and (not isinstance(value, str) or not value):
            raise TypeError(f"{where}: {key} must be a non-empty str or None, got {value!r}")


def _upload_file(
    fp: Path | str, verify: bool = True, fname: str | None = None, content_type: str | None = None
) -> tuple[str, str]:
    """Copy the file ``fp`` into the raw data prefix and return ``(md5 hex digest, URI)``: the
    URI is ``<prefix>/<project>/<domain>/<md5>/<fname or the file's name>``, so the same content
    uploaded twice lands in the same place. ``verify`` (TLS checks of flyte's signed upload URL)
    and ``content_type`` (an object's MIME type in a cloud bucket) have no local counterpart:
    they are checked and otherwise unused. A path that is not a file raises ``UploadError``."""
    _check_flags("upload_file", verify, fname=fname, content_type=content_type)
    path = Path(fp)
    if not path.is_file():
        raise UploadError(
            f"upload_file({os.fspath(fp)!r}): not a file; give the path of one file "
            "(upload_dir uploads a directory)"
        )
    md5 = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            md5.update(chunk)
    digest = md5.hexdigest()
    store, uri = _destination(digest, fname or path.name)
    store.copy_file(path.absolute().as_uri(), uri)
    return digest, uri


def _upload_dir(dir_path: Path | str, verify: bool = True, prefix: str | None = None) -> str:
    """Copy the directory ``dir_path`` (its files, recursively) into the raw data prefix under
    ``<prefix>/<project>/<domain>/<prefix or a random hex name>/`` and return that URI (ending
    in ``/``). ``verify`` is checked and unused (see ``upload_file``). A path that is not a
    directory raises ``UploadError``."""
    _check_flags("upload_dir", verify, prefix=prefix)
    path = Path(dir_path)
    if not path.is_dir():
        raise UploadError(
            f"upload_dir({os.fspath(dir_path)!r}): not a directory; give a directory "
            "(upload_file uploads one file)"
        )
    store, uri = _destination(prefix or uuid.uuid4().hex)
    store.copy_dir(path.absolute().as_uri(), uri)
    return uri + "/"


upload_file = _Bound(_upload_file, _upload_file.__doc__)
upload_dir = _Bound(_upload_dir, _upload_dir.__doc__)
