"""``.with_overrides(...)`` on a call inside a workflow: validated and recorded on the node.

Overrides never change the task; they live on the IR node. Subworkflow and launch plan nodes take
only the cache settings.
"""

from __future__ import annotations

import re
from typing import Any

from flytelike._settings.durations import override_timeout
from flytelike.errors import CompileError
from flytelike.ir import CacheSpec, NodeOverrides, replace

TASK_KEYS = frozenset(
    {
        "node_name",
        "name",
        "aliases",
        "requests",
        "limits",
        "resources",
        "timeout",
        "retries",
        "interruptible",
        "cache",
        "cache_version",
        "cache_serialize",
        "container_image",
        "accelerator",
        "task_config",
    }
)
SUBWORKFLOW_KEYS = frozenset({"node_name", "name", "cache", "cache_version", "cache_serialize"})


def dnsify(value: str) -> str:
    """Flyte's node-name normalisation: ``my_node_2`` -> ``my-node-2``."""
    import hashlib

    out: list[str] = []
    for i, ch in enumerate(value):
        if ch in "_-.":
            if i > 0 and out:
                out.append("-")
        elif ch.isupper():
            if out:
                out.append("-")
            out.append(ch.lower())
        elif ch.isalnum():
            out.append(ch)
    name = re.sub("-+", "-", "".join(out)).strip("-")
    if len(name) > 62:
        digest = hashlib.sha224(name.encode()).hexdigest()[:10]
        name = f"{digest}-{name[-(62 - 11) :]}".rstrip("-")
    return name


def apply_overrides(
    current: NodeOverrides | None,
    kwargs: dict[str, Any],
    where: str,
    allowed: frozenset[str],
    task_config_type: type | None,
) -> tuple[NodeOverrides, str | None, str | None]:
    """New overrides, plus the node id and display name when given."""
    from flytelike._settings.accelerators import accelerator_ref
    from flytelike._settings.cache import Cache, resolve_cache
    from flytelike._settings.image import image_ref
    from flytelike._settings.resources import Resources, validate_requirements
    from flytelike.compiler._promise import NodeHandle, Outputs, Promise

    unknown = sorted(set(kwargs) - allowed)
    if unknown:
        raise CompileError(
            f"{where}: with_overrides() does not take {', '.join(unknown)} here; allowed: "
            f"{', '.join(sorted(allowed))}"
        )
    for key, value in kwargs.items():
        if isinstance(value, Promise | Outputs | NodeHandle):
            raise CompileError(
                f"{where}: Cannot use a promise in the {key} Value: overrides are fixed when the "
                "workflow is compiled; pass a constant"
            )
    ov = current or NodeOverrides()
    changes: dict[str, Any] = {}
    if "resources" in kwargs and ("requests" in kwargs or "limits" in kwargs):
        raise CompileError(
            f"{where}: `resources` can not be used together with the `limits` or `requests`"
        )
    if "resources" in kwargs or "requests" in kwargs or "limits" in kwargs:
        req: Any
        lim: Any
        if "resources" in kwargs:
            res = kwargs["resources"]
            if not isinstance(res, Resources):
                raise CompileError(f"{where}: resources must be a Resources(...)")
            req, lim = res.split()
        else:
            req, lim = kwargs.get("requests"), kwargs.get("limits")
        for label, value in (("requests", req), ("limits", lim)):
            if value is not None and not isinstance(value, Resources):
                raise CompileError(
                    f"{where}: {label} must be a Resources(...), got {type(value).__name__}"
                )
        changes["resources"] = validate_requirements(req, lim, where)
    if "timeout" in kwargs:
        changes["timeout"] = override_timeout(kwargs["timeout"], where, error=CompileError)
    if "retries" in kwargs:
        retries = kwargs["retries"]
        if not isinstance(retries, int) or isinstance(retries, bool) or retries < 0:
            raise CompileError(f"{where}: retries must be an int >= 0, got {retries!r}")
        changes["retries"] = retries
    if "interruptible" in kwargs:
        changes["interruptible"] = kwargs["interruptible"]
    if "cache" in kwargs or "cache_version" in kwargs or "cache_serialize" in kwargs:
        cache = kwargs.get("cache", True)
        # Only enabling needs a version: ``cache=False`` and ``Cache(behavior="disable")`` turn
        # caching off for this node whatever the entity says.
        if (
            isinstance(cache, Cache)
            and cache.enabled
            and cache.version is None
            and cache.policies is None
        ):
            raise CompileError(f"{where}: must specify cache version when overriding")
        resolved = resolve_cache(
            cache, kwargs.get("cache_version", ""), kwargs.get("cache_serialize", False), (), where
        )
        if resolved is None:
            changes["cache"] = CacheSpec(enabled=False)
        elif resolved.version is None:
            raise CompileError(
                f"{where}: must specify cache version when overriding "
                "(with_overrides(cache=Cache(version=...)) or cache_version=...)"
            )
        else:
            changes["cache"] = CacheSpec(
                enabled=True,
                version=resolved.version,
                serialize=resolved.serialize,
                ignored_inputs=tuple(resolved.ignored_inputs),
                salt=resolved.salt,
            )
    if "container_image" in kwargs:
        changes["container_image"] = image_ref(kwargs["container_image"], where)
    if "accelerator" in kwargs:
        changes["accelerator"] = accelerator_ref(kwargs["accelerator"])
    if "task_config" in kwargs:
        cfg = kwargs["task_config"]
        if task_config_type is not None and cfg is not None and type(cfg) is not task_config_type:
            raise CompileError(
                f"{where}: can't change the type of the task config from "
                f"{task_config_type.__name__} to {type(cfg).__name__}"
            )
        from flytelike._settings.opaque import to_opaque

        changes["task_config"] = to_opaque(cfg)
    node_id = dnsify(kwargs["node_name"]) if kwargs.get("node_name") else None
    name = kwargs.get("name")
    return replace(ov, **changes), node_id, name
