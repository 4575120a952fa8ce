"""flyte 2's ``flyte.remote`` platform names, locally: ``Project`` lists the projects the run
store records, ``User`` is this process's user, ``upload_file``/``upload_dir`` copy into the raw
data prefix under the namespace's project and domain."""

from __future__ import annotations

import asyncio
import getpass
import hashlib
from pathlib import Path

import pytest

import flytelike as flyte
from flytelike import remote
from flytelike._v2 import init as _init
from flytelike.engine import Engine

env = flyte.TaskEnvironment("platform")


@env.task
async def hello(x: int) -> int:
    return x + 1


@pytest.fixture(autouse=True)
def no_init(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_init, "_CONFIG", [])
    monkeypatch.delenv("FLYTELIKE_PROJECT", raising=False)
    monkeypatch.delenv("FLYTELIKE_DOMAIN", raising=False)


def test_projects_are_those_the_store_records() -> None:
    assert list(remote.Project.listall()) == []
    with pytest.raises(remote.EntityNotFoundError, match=r"'ml'.*known projects: none yet"):
        remote.Project.get("ml")
    flyte.with_runcontext(project="ml", domain="staging").run(hello, 1)
    flyte.with_runcontext(project="ml", domain="production").run(hello, 2)
    flyte.with_runcontext(project="web").run(hello, 3)
    ml = remote.Project.get("ml")
    assert (ml.id, ml.name, ml.domains, ml.archived) == (
        "ml",
        "ml",
        ("production", "staging"),
        False,
    )
    assert [p.id for p in remote.Project.listall()] == ["ml", "web"]  # by first use
    assert [p.id for p in remote.Project.listall(sort_by=("created_at", "desc"))] == ["web", "ml"]
    assert [p.id for p in remote.Project.listall(sort_by=("name", "desc"))] == ["web", "ml"]
    assert list(remote.Project.listall(archived=True)) == []
    assert remote.Project.get("web").domains == ("development",)
    assert asyncio.run(remote.Project.get.aio("ml")) == ml
    with pytest.raises(remote.NotSupportedLocallyError, match="filter the projects in Python"):
        remote.Project.listall(filters="name=ml")
    with pytest.raises(ValueError, match="sort_by"):
        remote.Project.listall(sort_by=("size", "asc"))
    with pytest.raises(remote.NotSupportedLocallyError, match="with_runcontext"):
        remote.Project.create("new", "New")
    with pytest.raises(remote.NotSupportedLocallyError, match="with_runcontext"):
        asyncio.run(remote.Project.update.aio("ml", "ML"))  # (.aio too, as flyte's)
    with pytest.raises(remote.NotSupportedLocallyError):
        ml.archive()


def test_deployed_tasks_make_a_project_too() -> None:
    flyte.init(project="team", domain="development")
    flyte.deploy(env)
    assert remote.Project.get("team").domains == ("development",)


def test_user_is_this_process_user() -> None:
    user = remote.User.get()
    assert user.subject() == getpass.getuser() and user.name()
    assert asyncio.run(remote.User.get.aio()).subject() == user.subject()


def test_upload_file_copies_into_the_raw_data_prefix(tmp_path: Path, engine: Engine) -> None:
    src = tmp_path / "model.bin"
    src.write_bytes(b"weights")
    digest, uri = remote.upload_file(src)
    assert digest == hashlib.md5(b"weights").hexdigest()
    prefix = engine.config.data_prefix.rstrip("/")
    assert uri == f"{prefix}/flytesnacks/development/{digest}/model.bin"
    assert Path(uri.removeprefix("file://")).read_bytes() == b"weights"
    assert remote.upload_file(src) == (digest, uri)  # the same content lands in the same place
    flyte.init(project="ml", domain="staging")
    _, named = asyncio.run(remote.upload_file.aio(src, fname="w.bin"))
    assert named == f"{prefix}/ml/staging/{digest}/w.bin"
    # A File made from the URI reads the uploaded bytes.
    assert flyte.io.File(path=named).path == named
    with pytest.raises(remote.UploadError, match="not a file; give the path of one file"):
        remote.upload_file(tmp_path)
    with pytest.raises(ValueError):
        remote.upload_file(tmp_path / "missing.bin")
    with pytest.raises(TypeError, match="verify"):
        remote.upload_file(src, verify="yes")  # type: ignore[arg-type]


def test_upload_dir_copies_the_tree(tmp_path: Path, engine: Engine) -> None:
    src = tmp_path / "data"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text("a")
    (src / "sub" / "b.txt").write_text("b")
    uri = remote.upload_dir(src, prefix="v1")
    prefix = engine.config.data_prefix.rstrip("/")
    assert uri == f"{prefix}/flytesnacks/development/v1/"
    root = Path(uri.removeprefix("file://"))
    assert (root / "a.txt").read_text() == "a" and (root / "sub" / "b.txt").read_text() == "b"
    random = remote.upload_dir(src)
    assert random != uri and random.endswith("/")
    with pytest.raises(remote.UploadError, match="not a directory"):
        remote.upload_dir(src / "a.txt")
