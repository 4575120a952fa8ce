"""Connecting to Ray: start a quiet local instance once per process, or join an existing one.

- ``address=None`` and no ``RAY_ADDRESS``: a local Ray instance is started on first use
  (``num_cpus`` logical CPUs, no dashboard) and shut down when the process exits;
- ``address="auto"``, ``"host:port"`` or ``"ray://host:10001"`` (or ``RAY_ADDRESS``): join that
  cluster; Ray's token authentication (on by default in current Ray) reads the token from
  ``RAY_AUTH_TOKEN`` / ``RAY_AUTH_TOKEN_PATH`` / ``~/.ray/auth_token`` as the ``ray`` CLI does;
- Ray already initialised in this process (``ray.init()`` called by you): it is reused as is,
  and then no code root can be shipped (see ``_code``).

The job's ``runtime_env`` gets the workers' start-up hook (``_worker.setup``) and, when there is
one, the code root as ``working_dir``.

``check_prefix``: a raw data prefix that is a local path is refused on a cluster of several
nodes (unless ``shared_mount`` says every node mounts it).

What does not live here: the code-shipping rule (``_code``), submitting actions (``_backend``).
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flytelike_ray._code import EXCLUDES
from flytelike_ray._errors import RayBackendError

_LOCK = threading.Lock()
# What this process did when it connected (Ray is one per process): started, working_dir.
_STATE: dict[str, Any] = {}


@dataclass(frozen=True)
class Connection:
    """What the backend knows about the Ray it submits to."""

    started: bool  # this process started a local instance
    shipped_root: str | None  # the job's working_dir (a code root), if any
    reachable: tuple[str, ...]  # code roots workers find without shipping (driver's cwd)
    nodes: int  # alive nodes when connected
    node_resources: tuple[dict[str, float], ...] = ()  # each alive node's total resources


def _shutdown() -> None:
    import ray

    if ray.is_initialized():
        ray.shutdown()


def connect(
    *,
    address: str | None,
    num_cpus: float | None,
    code_root: str | None,
    log_to_driver: bool,
    init_options: Mapping[str, Any],
) -> Connection:
    """Start or join Ray (once per process) and describe the result."""
    import ray

    with _LOCK:
        if ray.is_initialized():
            return _describe(ray, started=bool(_STATE.get("started")), root=_STATE.get("root"))
        address = address or os.environ.get("RAY_ADDRESS") or None
        runtime_env: dict[str, Any] = {"worker_process_setup_hook": "flytelike_ray._worker.setup"}
        root = os.path.abspath(code_root) if code_root else None
        if code_root:
            if not os.path.isdir(code_root):
                raise RayBackendError(
                    f"Ray backend: code_root {code_root!r} is not a directory; pass the folder "
                    "your task modules are imported from (the project root)"
                )
            runtime_env["working_dir"] = root
            runtime_env["excludes"] = EXCLUDES
        options: dict[str, Any] = {
            "include_dashboard": False,
            "log_to_driver": log_to_driver,
            "logging_level": logging.ERROR,
            "namespace": "flytelike",
            "runtime_env": runtime_env,
        }
        if address is None:
            options["num_cpus"] = num_cpus or max(2, os.cpu_count() or 1)
        elif num_cpus is not None:
            raise RayBackendError(
                f"Ray backend: num_cpus={num_cpus} only applies to a local instance the backend "
                f"starts; it joins the cluster at {address!r}, whose nodes declare their own CPUs"
            )
        options.update(init_options)
        try:
            ray.init(address=address, **options)  # (it replaces working_dir by its upload's URI)
        except Exception as e:
            where = f"the Ray cluster at {address!r}" if address else "a local Ray instance"
            raise RayBackendError(
                f"Ray backend: cannot start or join {where}: {type(e).__name__}: {e}. Check "
                "RAY_ADDRESS / address= (`ray status` shows a running cluster) and, with "
                "token authentication, RAY_AUTH_TOKEN or ~/.ray/auth_token"
            ) from e
        _STATE.update(started=address is None, root=root)
        atexit.register(_shutdown)
        return _describe(ray, started=address is None, root=root)


def _describe(ray: Any, *, started: bool, root: str | None) -> Connection:
    alive = [n for n in ray.nodes() if n.get("Alive")]
    totals = tuple(dict(n.get("Resources") or {}) for n in alive)
    return Connection(started, root, (os.getcwd(),), len(alive), totals)


def check_prefix(prefix: str, conn: Connection, shared_mount: bool = False) -> None:
    """Refuse a raw data prefix that is a local path when the cluster has several nodes,
    unless ``shared_mount`` says every node mounts it."""
    if shared_mount or conn.nodes < 2:
        return
    if not prefix or prefix.startswith(("file://", "/")):
        raise RayBackendError(
            f"the raw data prefix {prefix or '(none)'} is a local path, but the Ray "
            f"cluster has {conn.nodes} nodes: a worker on another node could not read "
            "the inputs or write the outputs there. Use shared storage "
            "(--raw-data-path s3://..., gs://...), or, when every node mounts that path "
            "(NFS, a cluster file system), say so with the backend option shared_mount=true"
        )
