"""The local settings store behind ``flytelike.remote.Settings`` (flyte 2's hierarchical
settings), and what local runs take from it.

Settings are flat dot-notation keys (flyte 2.12's: ``KEYS``) set at three scopes: ORG (no
domain, no project), DOMAIN (``domain``) and PROJECT (``domain`` + ``project``). A project
inherits its domain's values and a domain the org's; a narrower scope overrides a key, and
``UNSET`` at a scope clears what it would inherit. The map keys (``labels``, ``annotations``,
``environment_variables``) merge entry by entry across scopes, the narrower entry winning.

Stored in ``<FLYTELIKE_HOME>/settings.json`` (owner-only, written to a temporary file and
renamed into place under a lock file, so processes do not lose each other's updates), each
scope with a version that every update bumps: ``update`` with the
version read earlier refuses to overwrite a newer one (``ConfigurationError``), as the settings
service's optimistic locking does.

What local runs take (``flytelike.run`` in the run's project and domain, when the run does not
set its own): ``run.max_action_concurrency`` (the run's parallelism; 0 is unlimited),
``storage.raw_data_path`` (where its offloaded data goes) and ``environment_variables`` (set in
the environment of its tasks, under ``with_runcontext(env_vars=)``). The other keys describe
a cluster (queues, service accounts, pod templates, resource bounds, labels, app DNS): they
are stored and read back, and change nothing locally.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from pathlib import Path
from typing import Any

from flytelike.errors import ConfigurationError

# flyte 2.12's settable keys and their kinds.
KEYS: dict[str, str] = {
    "run.default_queue": "string",
    "run.max_action_concurrency": "int",
    "run.run_base_dir": "string",
    "security.service_account": "string",
    "storage.raw_data_path": "string",
    "task_resource.min.cpu": "quantity",
    "task_resource.min.gpu": "quantity",
    "task_resource.min.memory": "quantity",
    "task_resource.min.storage": "quantity",
    "task_resource.max.cpu": "quantity",
    "task_resource.max.gpu": "quantity",
    "task_resource.max.memory": "quantity",
    "task_resource.max.storage": "quantity",
    "task_resource.mirror_limits_request": "bool",
    "task_resource.default_accelerator": "accelerator",
    "labels": "stringmap",
    "annotations": "stringmap",
    "environment_variables": "stringmap",
    "app.disallow_anonymous": "bool",
    "app.app_dns_strategy": "string",
    "pod_template_name": "string",
}
APPLIED = ("run.max_action_concurrency", "storage.raw_data_path", "environment_variables")
_UNSET_MARK = {"__unset__": True}
_LOCK = threading.Lock()


class _Unset:
    """``UNSET``: clears a setting at a scope, blocking what it would inherit."""

    _one: _Unset | None = None

    def __new__(cls) -> _Unset:
        if cls._one is None:
            cls._one = super().__new__(cls)
        return cls._one

    def __repr__(self) -> str:
        return "UNSET"


UNSET = _Unset()


def scope_key(domain: str | None, project: str | None) -> str:
    """``""`` (ORG), ``"<domain>"`` or ``"<domain>/<project>"``; a project needs a domain."""
    if project and not domain:
        raise ConfigurationError(
            f"settings of project {project!r}: a project scope needs its domain too "
            "(domain=..., project=...)"
        )
    for what, value in (("domain", domain), ("project", project)):
        if value is not None and (not isinstance(value, str) or "/" in value):
            raise ConfigurationError(f"settings: {what} must be a name without '/', got {value!r}")
    return "/".join(x for x in (domain, project) if x)


def scope_chain(domain: str | None, project: str | None) -> list[str]:
    """The scopes a scope inherits from, broadest first, ending with itself."""
    key = scope_key(domain, project)
    chain = [""]
    if domain:
        chain.append(domain)
    if project:
        chain.append(key)
    return chain


def check(key: str, value: Any) -> Any:
    """``value`` of setting ``key`` as stored (``ConfigurationError`` naming what is wrong)."""
    kind = KEYS.get(key)
    if kind is None:
        raise ConfigurationError(
            f"settings: unknown key {key!r}; the keys are {', '.join(sorted(KEYS))}"
        )
    if value is UNSET:
        return value
    ok = {
        "string": isinstance(value, str),
        "accelerator": isinstance(value, str),
        "int": isinstance(value, int) and not isinstance(value, bool),
        "bool": isinstance(value, bool),
        "quantity": isinstance(value, str | int | float) and not isinstance(value, bool),
        "stringmap": isinstance(value, dict),
    }[kind]
    if not ok:
        raise ConfigurationError(
            f"settings: {key} takes a {kind} value, got {type(value).__name__} {value!r}"
        )
    if kind == "quantity":
        return str(value)
    if kind == "stringmap":
        return {str(k): str(v) for k, v in value.items()}
    return value


def _path(home: Path | None) -> Path:
    if home is None:
        from flytelike._settings.home import default_home

        home = default_home()
    return home / "settings.json"


def read_all(home: Path | None = None) -> dict[str, dict[str, Any]]:
    """Every stored scope: ``{scope key: {"version": n, "settings": {key: value}}}`` (``UNSET``
    for a cleared key)."""
    path = _path(home)
    try:
        raw = json.loads(path.read_text())
    except FileNotFoundError:
        return {}
    except ValueError as e:
        raise ConfigurationError(
            f"settings: {path} is not valid JSON ({e}); fix or delete it"
        ) from None
    scopes = raw.get("scopes", {}) if isinstance(raw, dict) else {}
    return {
        k: {
            "version": int(v.get("version", 0)),
            "settings": {
                sk: UNSET if sv == _UNSET_MARK else sv for sk, sv in v.get("settings", {}).items()
            },
        }
        for k, v in scopes.items()
    }


def update(
    domain: str | None,
    project: str | None,
    overrides: dict[str, Any],
    version: int,
    home: Path | None = None,
) -> int:
    """Replace the overrides of a scope (read at ``version``); returns the new version."""
    key = scope_key(domain, project)
    checked = {k: check(k, v) for k, v in overrides.items()}
    path = _path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _LOCK, open(path.with_suffix(".lock"), "a") as lock:
        import fcntl  # (POSIX; another process updating the same file waits here)

        fcntl.flock(lock, fcntl.LOCK_EX)
        scopes = read_all(home)
        now = int(scopes.get(key, {"version": 0})["version"])
        if now != version:
            raise ConfigurationError(
                f"settings of scope {key or 'ORG'!r} changed since they were read (version "
                f"{version}, now {now}); get them again with Settings.get_settings_for_edit"
            )
        scopes[key] = {"version": now + 1, "settings": checked}
        stored = {
            k: {
                "version": v["version"],
                "settings": {
                    sk: _UNSET_MARK if sv is UNSET else sv for sk, sv in v["settings"].items()
                },
            }
            for k, v in scopes.items()
        }
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".settings-")
        try:
            with os.fdopen(fd, "w") as f:
                json.dump({"scopes": stored}, f, indent=2, sort_keys=True)
            os.chmod(tmp, 0o600)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return now + 1


def effective(
    domain: str | None, project: str | None, home: Path | None = None
) -> dict[str, tuple[Any, str]]:
    """``{key: (value, scope it comes from)}`` for a scope, inheritance applied (map keys merged
    entry by entry; a key cleared with ``UNSET`` is absent)."""
    scopes = read_all(home)
    out: dict[str, tuple[Any, str]] = {}
    for scope in scope_chain(domain, project):
        for key, value in scopes.get(scope, {}).get("settings", {}).items():
            if value is UNSET:
                out.pop(key, None)
            elif KEYS.get(key) == "stringmap" and key in out:
                out[key] = ({**out[key][0], **value}, scope)
            else:
                out[key] = (value, scope)
    return out


def for_run(project: str, domain: str) -> dict[str, Any]:
    """The settings a run in ``project``/``domain`` takes (``APPLIED`` keys that are set)."""
    values = effective(domain, project)
    return {k: values[k][0] for k in APPLIED if k in values}
