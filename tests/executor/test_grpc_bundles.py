"""Code bundles: a run's code root packed by the client, fetched and unpacked by the executor.

End to end, the executor is a separate process whose working directory and ``PYTHONPATH`` do not
reach the project folder (its module cannot be imported there); the project's tasks still run,
from the bundle, through ``flytelike run --executor`` (bundle under a local raw data prefix) and
through the Python API with the raw data prefix on the S3 server of the test suite.
"""

from __future__ import annotations

import hashlib
import importlib
import io
import json
import os
import subprocess
import sys
import tarfile
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import grpc
import pytest

from flytelike.backends import ActionContext, ActionRequest
from flytelike.conformance import tasks as ct
from flytelike.engine import Engine, EngineConfig
from flytelike.errors import ConfigurationError
from flytelike.executor import ExecutorServer, GrpcBackend, _bundle
from flytelike.executor import _wire as wire
from flytelike.proto import executor_pb2 as pb
from typesystem import Scalar
from typesystem.io import DataContext, use_data_context

from .conftest import listening

SERVE = [sys.executable, "-m", "flytelike", "serve", "executor", "--port", "0"]
RUN = [sys.executable, "-m", "flytelike", "run"]
PROJECT = """
import flytelike as fl

STEP = {step}


@fl.task
def where() -> str:
    return __file__


@fl.task
def double(x: int) -> int:
    return 2 * x + STEP


@fl.workflow
def wf(x: int) -> int:
    return double(x=double(x=x))


@fl.workflow
def mapped(xs: list[int]) -> list[int]:
    return fl.map_task(double)(x=xs)
"""


def write_project(folder: Path, module: str, step: int = 0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{module}.py"
    path.write_text(textwrap.dedent(PROJECT.format(step=step)))
    return path


@contextmanager
def isolated_executor(tmp_path: Path) -> Iterator[tuple[str, Path, Path, dict[str, str]]]:
    """``flytelike serve executor`` started in a folder of its own, without PYTHONPATH: yields
    its address, its code cache, its working directory and its environment."""
    cwd = tmp_path / "executor-cwd"
    cwd.mkdir()
    cache = tmp_path / "executor-code"
    env = dict(os.environ, FLYTELIKE_HOME=str(tmp_path / "executor-home"))
    env.pop("PYTHONPATH", None)
    env.pop("FLYTELIKE_EXECUTOR_TOKEN", None)
    with listening([*SERVE, "--code-cache", str(cache)], env, cwd) as (_, address):
        yield address, cache, cwd, env


def unimportable_there(module: str, cwd: Path, env: dict[str, str]) -> bool:
    done = subprocess.run(
        [sys.executable, "-c", f"import {module}"], cwd=cwd, env=env, capture_output=True
    )
    return done.returncode != 0 and "ModuleNotFoundError" in done.stderr.decode()


def test_flytelike_run_sends_the_project_as_a_bundle(tmp_path: Path) -> None:
    project = tmp_path / "project"
    flows = write_project(project, "bundled_cli_flows")
    (project / "helpers").mkdir()
    (project / "helpers" / "__init__.py").write_text("")
    (project / "notes.txt").write_text("not Python: stays home")
    (project / ".gitignore").write_text("scratch_*.py\n")
    (project / "scratch_1.py").write_text("raise SystemExit('ignored by .gitignore')\n")
    (project / "__pycache__").mkdir()
    (project / "__pycache__" / "stale.py").write_text("")
    (project / "venv").mkdir()
    (project / "venv" / "pyvenv.cfg").write_text("home = /usr\n")
    (project / "venv" / "lib.py").write_text("")
    client_home = tmp_path / "client-home"
    with isolated_executor(tmp_path) as (address, cache, cwd, env):
        assert unimportable_there("bundled_cli_flows", cwd, env)
        client_env = dict(os.environ, FLYTELIKE_HOME=str(client_home))
        client_env.pop("FLYTELIKE_EXECUTOR_TOKEN", None)

        def run(*args: str) -> Any:
            done = subprocess.run(
                [*RUN, "--executor", address, "--backend-option", "code=bundle", str(flows), *args],
                capture_output=True,
                text=True,
                timeout=120,
                env=client_env,
                cwd=tmp_path,
            )
            assert done.returncode == 0, done.stderr
            return json.loads(done.stdout)["o0"]

        assert run("wf", "--x", "3") == 12
        assert run("mapped", "--xs", "[1, 2, 3]") == [2, 4, 6]  # (items: RunItems)
        where = run("where")
        assert where.startswith(str(cache) + os.sep)  # (imported from the unpacked bundle)
        unpacked = Path(where).parent
        assert sorted(p.relative_to(unpacked).as_posix() for p in unpacked.rglob("*")) == [
            ".complete",
            "bundled_cli_flows.py",
            "helpers",
            "helpers/__init__.py",
        ]
        stored = sorted((client_home / "data" / "code").glob("*.tar.gz"))
        assert [p.name for p in stored] == [f"{unpacked.name}.tar.gz"]
        assert hashlib.sha256(stored[0].read_bytes()).hexdigest() == unpacked.name

        write_project(project, "bundled_cli_flows", step=1)  # (a new bundle: its own code runs)
        assert run("wf", "--x", "3") == 15
        assert len(list((client_home / "data" / "code").glob("*.tar.gz"))) == 2


def test_the_bundle_travels_through_s3(s3_endpoint: str, tmp_path: Path) -> None:
    import boto3

    bucket = f"flytelike-bundles-{os.getpid()}"
    boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1").create_bucket(
        Bucket=bucket
    )
    prefix = f"s3://{bucket}/raw"
    data = DataContext(
        raw_data_prefix=prefix,
        storage_options={"s3": {"endpoint_url": s3_endpoint, "key": "testing", "secret": "t"}},
    )
    project = tmp_path / "project"
    write_project(project, "bundled_s3_flows", step=5)
    sys.path.insert(0, str(project))
    try:
        flows = importlib.import_module("bundled_s3_flows")
    finally:
        sys.path.remove(str(project))
    with isolated_executor(tmp_path) as (address, cache, cwd, env):
        assert unimportable_there("bundled_s3_flows", cwd, env)
        backend = GrpcBackend(address=address, code="bundle")
        config = EngineConfig.from_env(home=tmp_path / "home", raw_data_prefix=prefix)
        engine = Engine(config, backend=backend)
        try:
            with use_data_context(data):
                assert engine.run(flows.wf, x=3).outputs() == 2 * (2 * 3 + 5) + 5
                where = engine.run(flows.where).outputs()
        finally:
            engine.close()
            backend.close()
    assert where.startswith(str(cache) + os.sep)
    keys = boto3.client("s3", endpoint_url=s3_endpoint).list_objects_v2(
        Bucket=bucket, Prefix="raw/code/"
    )["Contents"]
    assert [k["Key"] for k in keys] == [f"raw/code/{Path(where).parent.name}.tar.gz"]


# ---------------------------------------------------------------------------------- packing
def test_packing_is_deterministic_and_honours_ignores(tmp_path: Path) -> None:
    root = tmp_path / "root"
    for rel in ("a.py", "pkg/__init__.py", "pkg/b.py", "pkg/gen/c.py", "docs/x.py"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(f"# {rel}\n")
    for rel in (".git/hook.py", ".venv/x.py", "node_modules/n.py", "x.egg-info/e.py"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("")
    (root / ".gitignore").write_text("# comment\ndocs/\n*.log\n")
    (root / "pkg" / ".gitignore").write_text("gen/\n!keep.py\n")
    files = _bundle.python_files(str(root))
    assert files == ["a.py", "pkg/__init__.py", "pkg/b.py"]
    first = _bundle.pack(str(root))
    os.utime(root / "a.py", (1, 1))  # (times do not count)
    assert _bundle.pack(str(root)) == first
    with tarfile.open(fileobj=io.BytesIO(first), mode="r:gz") as tar:
        assert tar.getnames() == files
        assert {(m.mtime, m.uid, m.mode) for m in tar.getmembers()} == {(0, 0, 0o644)}
    (root / "a.py").write_text("# changed\n")
    assert _bundle.pack(str(root)) != first


def _tar(*members: tuple[str, bytes | None, bytes]) -> bytes:
    """A tar.gz of ``(name, data, type)`` members (``data`` None: a link to ``/etc/passwd``)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data, kind in members:
            info = tarfile.TarInfo(name)
            info.type = kind
            if data is None:
                info.linkname = "/etc/passwd"
                tar.addfile(info)
            else:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


@pytest.mark.parametrize(
    ("member", "why"),
    [
        (("../escape.py", b"x", tarfile.REGTYPE), "lies outside the bundle"),
        (("/abs.py", b"x", tarfile.REGTYPE), "lies outside the bundle"),
        (("link.py", None, tarfile.SYMTYPE), "is not a regular file or folder"),
        (("hard.py", None, tarfile.LNKTYPE), "is not a regular file or folder"),
    ],
)
def test_unpacking_refuses_what_escapes(tmp_path: Path, member: Any, why: str) -> None:
    with pytest.raises(wire.RequestError) as info:
        _bundle.unpack(_tar(("ok.py", b"", tarfile.REGTYPE), member), str(tmp_path / "t"))
    assert info.value.status == "INVALID_ARGUMENT" and info.value.field == "code.bundle_uri"
    assert why in str(info.value)
    assert not (tmp_path / "escape.py").exists()


def test_the_code_option_picks_root_or_bundle() -> None:
    assert not GrpcBackend(address="127.0.0.1:1").bundles  # (loopback: the same files)
    assert GrpcBackend(address="192.0.2.1:1").bundles
    assert GrpcBackend(address="127.0.0.1:1", code="bundle").bundles
    assert not GrpcBackend(address="192.0.2.1:1", code="root").bundles
    with pytest.raises(ConfigurationError, match="code='zip' is not valid: expected one of"):
        GrpcBackend(address="127.0.0.1:1", code="zip")


# ---------------------------------------------------------------------------------- refusals
def _request(uri: str, digest: str) -> bytes:
    values = {"a": Scalar(1), "b": Scalar(2)}
    req = ActionRequest(ct.add.template(), values, ActionContext("r", "n0"))
    msg = pb.ActionRequest.FromString(wire.request_to_proto(wire.TaskCodec(), req, ""))
    msg.code.bundle_uri = uri
    msg.code.bundle_digest = digest
    return msg.SerializeToString()


def _refused(executor: ExecutorServer, data: bytes) -> Any:
    with grpc.insecure_channel(executor.address) as ch:
        method = ch.unary_unary("/flytelike.executor.v1.Executor/RunAction")
        with pytest.raises(grpc.RpcError) as info:
            method(data, timeout=30)
    return info.value


def test_bad_bundles_are_refused_naming_the_field(executor: ExecutorServer, tmp_path: Path) -> None:
    good = _tar(("ok.py", b"", tarfile.REGTYPE))
    path = tmp_path / "b.tar.gz"
    path.write_bytes(good)
    e = _refused(executor, _request(str(path), "0" * 64))
    assert e.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert e.details().startswith(f"code.bundle_digest: '{'0' * 64}' is not the sha256 of")
    e = _refused(executor, _request(str(path), "XYZ"))
    assert (
        e.details() == "code.bundle_digest: 'XYZ' is not a sha256 digest (64 lowercase hex digits)"
    )
    e = _refused(executor, _request("", "0" * 64))
    assert e.details() == "code.bundle_uri: required with code.bundle_digest"
    e = _refused(executor, _request("relative.tar.gz", "0" * 64))
    assert e.details().startswith("code.bundle_uri: 'relative.tar.gz' is neither a URI")
    missing = tmp_path / "missing.tar.gz"
    e = _refused(executor, _request(str(missing), "0" * 64))
    assert e.code() is grpc.StatusCode.FAILED_PRECONDITION
    assert e.details().startswith(f"code.bundle_uri: cannot read the code bundle '{missing}'")
    evil = _tar(("../../evil.py", b"", tarfile.REGTYPE))
    path.write_bytes(evil)
    e = _refused(executor, _request(str(path), hashlib.sha256(evil).hexdigest()))
    assert e.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert "'../../evil.py' lies outside the bundle" in e.details()
    path.write_bytes(good)  # (the executor still runs a good one)
    with grpc.insecure_channel(executor.address) as ch:
        raw = ch.unary_unary("/flytelike.executor.v1.Executor/RunAction")(
            _request(str(path), hashlib.sha256(good).hexdigest()), timeout=30
        )
    assert [o.value.scalar.int_value for o in pb.ActionOutcome.FromString(raw).outputs] == [3]


def test_a_root_missing_on_the_executor_is_named_when_the_import_fails(
    executor: ExecutorServer,
) -> None:
    from dataclasses import replace

    task = ct.add.template()
    assert task.function is not None
    # (a new identifier too: a live entity registered under add's, when an earlier test of this
    # process ran it, would run without importing anything)
    task = replace(
        task,
        id=replace(task.id, name="bundled_nowhere_flows.add"),
        function=replace(task.function, module="bundled_nowhere_flows"),
    )
    values = {"a": Scalar(1), "b": Scalar(2)}
    req = ActionRequest(task, values, ActionContext("r", "n0"))
    data = wire.request_to_proto(wire.TaskCodec(), req, "/no/such/project")
    with grpc.insecure_channel(executor.address) as ch:
        raw = ch.unary_unary("/flytelike.executor.v1.Executor/RunAction")(data, timeout=30)
    error = pb.ActionOutcome.FromString(raw).error
    assert "cannot import module 'bundled_nowhere_flows'" in error.message
    assert error.message.endswith(
        "the code root '/no/such/project' the request names does not exist on this executor: "
        "send the code as a bundle (grpc backend option code=bundle) or install it here"
    )


def test_unpacking_refuses_what_does_not_unpack(tmp_path: Path) -> None:
    clash = _tar(("a.py", b"x", tarfile.REGTYPE), ("a.py/b.py", b"y", tarfile.REGTYPE))
    for data, why in ((b"not a tar", "not a gzipped tar"), (clash, "cannot unpack")):
        with pytest.raises(wire.RequestError, match=why) as info:
            _bundle.unpack(data, str(tmp_path / why.replace(" ", "_")))
        assert info.value.field == "code.bundle_uri"
