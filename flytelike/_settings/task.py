"""Validation of ``@task`` parameters at decoration time, and their IR form.

``TaskSettings.build`` checks every parameter (naming the task and file:line on error) and keeps
the validated values; ``metadata``/``template_fields`` produce the IR parts when the template is
first needed (cache versions and image tags are computed then, not at decoration). A parameter
``@task`` does not know is an error, as in flytekit.

Pod metadata and shared memory have no field of their own in the IR: ``labels``,
``annotations`` (dicts of str to str) and ``shared_memory`` (``True``: ``/dev/shm`` as large as
the task's memory; or a size such as ``"2Gi"``) are carried as the template's ``custom``
entries of those names (JSON values). So are flytekit's ``execution_mode`` (the enum member's
name, e.g. ``"DEFAULT"``) and ``task_resolver`` (the resolver's ``module.QualName``): locally
flytelike finds a task's function by ``module:qualname`` itself, so they only travel.
``pickle_untyped=True`` is honoured where the interface is read: an input or return without
an annotation is typed ``Any`` (plain data as msgpack, anything else through the visible
pickle fallback) instead of being an error.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from flytelike._settings.accelerators import accelerator_ref
from flytelike._settings.cache import Cache, VersionParameters, cache_spec, resolve_cache
from flytelike._settings.carried import Documentation, PodTemplate
from flytelike._settings.durations import timeout_seconds
from flytelike._settings.image import Image, ImageSpec, image_ref
from flytelike._settings.opaque import to_opaque
from flytelike._settings.resources import Resources, validate_requirements
from flytelike._settings.secret import Secret
from flytelike.errors import DefinitionError, ResourceError
from flytelike.ir import (
    Accelerator,
    Identifier,
    ResourceRequirements,
    TaskMetadata,
)

_NO_RESOURCES = ResourceRequirements()

# Every parameter ``TaskSettings.build`` takes (``@task``, ``@dynamic``, ``@eager``, the v2
# ``TaskEnvironment`` and class-based tasks pass through it).
KNOWN = frozenset(
    {
        "accelerator", "annotations", "cache", "cache_ignore_input_vars", "cache_serialize",
        "cache_version", "container_image", "deck_fields", "deprecated", "disable_deck", "docs",
        "enable_deck", "environment", "execution_mode", "interruptible", "labels", "limits",
        "node_dependency_hints", "pickle_untyped", "pod_template", "pod_template_name",
        "requests", "resources", "retries", "secret_requests", "shared_memory", "task_config",
        "task_resolver", "timeout",
    }
)  # fmt: skip


class TaskSettings:
    """Validated ``@task`` parameters."""

    cache: Cache | None = None
    retries: int | None = None
    timeout: float | None = None
    resources: ResourceRequirements = _NO_RESOURCES
    accelerator: Accelerator | None = None
    interruptible: bool | None = None
    secrets: tuple[Secret, ...] = ()
    environment: dict[str, str] = {}  # noqa: RUF012  (replaced per instance, never mutated)
    container_image: str | ImageSpec | Image | None = None
    pod_template: PodTemplate | None = None
    pod_template_name: str = ""
    deprecated: str = ""
    docs: Documentation | None = None
    enable_deck: bool | None = None
    deck_fields: tuple[str, ...] = ()
    task_config: Any = None
    node_dependency_hints: tuple[Any, ...] = ()
    labels: dict[str, str] = {}  # noqa: RUF012  (replaced per instance, never mutated)
    annotations: dict[str, str] = {}  # noqa: RUF012
    shared_memory: bool | str | None = None
    execution_mode: str = ""
    task_resolver: str = ""
    pickle_untyped: bool = False

    @classmethod
    def build(cls, where: str, kind: str, **kw: Any) -> TaskSettings:
        if not kw:
            return _DEFAULTS  # a bare @task: nothing to validate, and settings are never mutated
        unknown = sorted(set(kw) - KNOWN)
        if unknown:
            raise DefinitionError(
                f"{where}: unexpected parameter(s) {', '.join(unknown)}; the task parameters are "
                f"{', '.join(sorted(KNOWN))}"
            )
        s = cls()
        s.labels = _string_dict(kw.get("labels"), "labels", where)
        s.annotations = _string_dict(kw.get("annotations"), "annotations", where)
        s.shared_memory = _shared_memory(kw.get("shared_memory"), where)
        s.execution_mode = _enum_name(kw.get("execution_mode"), "execution_mode", where)
        s.task_resolver = _qualified_name(kw.get("task_resolver"))
        pickle_untyped = kw.get("pickle_untyped", False)
        if not isinstance(pickle_untyped, bool):
            raise DefinitionError(
                f"{where}: pickle_untyped must be True or False, got {pickle_untyped!r}"
            )
        s.pickle_untyped = pickle_untyped
        if (
            kw.get("cache") not in (None, False)
            or kw.get("cache_version")
            or kw.get("cache_serialize")
            or kw.get("cache_ignore_input_vars")
        ):
            s.cache = resolve_cache(
                kw.get("cache", False),
                kw.get("cache_version") or "",
                bool(kw.get("cache_serialize")),
                tuple(kw.get("cache_ignore_input_vars") or ()),
                where,
            )
        retries = kw.get("retries")
        if retries is not None:
            if not isinstance(retries, int) or isinstance(retries, bool) or retries < 0:
                raise DefinitionError(
                    f"{where}: retries must be an int >= 0, got {retries!r} (there is no Retries "
                    "class in the v1 API: write retries=3)"
                )
            s.retries = retries
        if kw.get("timeout") is not None:
            s.timeout = timeout_seconds(kw["timeout"], where)
        requests, limits, resources = kw.get("requests"), kw.get("limits"), kw.get("resources")
        if resources is not None:
            if requests is not None or limits is not None:
                raise DefinitionError(
                    f"{where}: `resources` can not be used together with `requests` or `limits`"
                )
            if not isinstance(resources, Resources):
                raise DefinitionError(f"{where}: resources must be a Resources(...)")
            requests, limits = resources.split()
        if requests is not None or limits is not None:
            s.resources = validate_requirements(requests, limits, where)
        if kw.get("accelerator") is not None:
            s.accelerator = accelerator_ref(kw["accelerator"])
        interruptible = kw.get("interruptible")
        if interruptible is not None and not isinstance(interruptible, bool):
            raise DefinitionError(f"{where}: interruptible must be True, False or None")
        s.interruptible = interruptible
        secrets = kw.get("secret_requests") or ()
        for sec in secrets:
            if not isinstance(sec, Secret):
                raise DefinitionError(
                    f"{where}: secret_requests must be a list of Secret(...), got "
                    f"{type(sec).__name__}"
                )
        s.secrets = tuple(secrets)
        env = kw.get("environment") or {}
        if not isinstance(env, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in env.items()
        ):
            raise DefinitionError(f"{where}: environment must be a dict of str to str")
        s.environment = dict(env)
        image = kw.get("container_image")
        if image is not None and not isinstance(image, str | ImageSpec | Image):
            raise DefinitionError(
                f"{where}: container_image must be an image name, an Image or an ImageSpec, got "
                f"{type(image).__name__}"
            )
        s.container_image = image
        s.pod_template = kw.get("pod_template")
        s.pod_template_name = kw.get("pod_template_name") or ""
        deprecated = kw.get("deprecated") or ""
        if not isinstance(deprecated, str):
            raise DefinitionError(f"{where}: deprecated must be a message string")
        s.deprecated = deprecated
        s.docs = kw.get("docs")
        enable_deck = kw.get("enable_deck")
        if kw.get("disable_deck") is not None:
            if enable_deck is not None:
                raise DefinitionError(f"{where}: give enable_deck or disable_deck, not both")
            enable_deck = not kw["disable_deck"]
        s.enable_deck = enable_deck
        from flytelike._settings.deck_fields import check_deck_fields

        s.deck_fields = check_deck_fields(kw.get("deck_fields"), where)
        s.task_config = kw.get("task_config")
        hints = tuple(kw.get("node_dependency_hints") or ())
        if hints and kind != "dynamic":
            raise DefinitionError(
                f"{where}: node_dependency_hints is only for @dynamic tasks (entities a dynamic "
                "body calls at run time)"
            )
        s.node_dependency_hints = hints
        return s

    def metadata(
        self, func: Callable[..., Any] | None, inputs: Sequence[str], doc: str, where: str
    ) -> TaskMetadata:
        from flytelike._settings.carried import split_docstring

        short, long = split_docstring(doc)
        params = VersionParameters(
            func, self.container_image, self.pod_template, self.pod_template_name or None
        )
        return TaskMetadata(
            retries=self.retries,
            timeout=self.timeout,
            interruptible=self.interruptible,
            cache=cache_spec(self.cache, params, inputs, where),
            deprecated=self.deprecated,
            description=short,
            long_description=long,
            docs=to_opaque(self.docs),
            enable_deck=self.enable_deck,
            deck_fields=self.deck_fields,
            accelerator=self.accelerator,
            node_dependency_hints=_hint_ids(self.node_dependency_hints),
        )

    def custom_entries(self) -> tuple[tuple[str, str], ...]:
        """``labels``, ``annotations``, ``shared_memory``, ``execution_mode`` and ``task_resolver``
        as ``custom`` entries (sorted)."""
        values: dict[str, Any] = {
            "annotations": self.annotations,
            "execution_mode": self.execution_mode,
            "labels": self.labels,
            "shared_memory": self.shared_memory,
            "task_resolver": self.task_resolver,
        }
        return tuple(
            (k, json.dumps(v, sort_keys=True)) for k, v in values.items() if v not in (None, {}, "")
        )

    def template_fields(self, where: str) -> dict[str, Any]:
        return {
            "resources": self.resources,
            "environment": tuple(sorted(self.environment.items())),
            "secrets": tuple(s.to_ir() for s in self.secrets),
            "image": image_ref(self.container_image, where),
            "pod_template": to_opaque(self.pod_template),
            "pod_template_name": self.pod_template_name,
            "task_config": to_opaque(self.task_config),
        }


_DEFAULTS = TaskSettings()


def _string_dict(value: Any, name: str, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise DefinitionError(f"{where}: {name} must be a dict of str to str, got {value!r}")
    return dict(value)


def _shared_memory(value: Any, where: str) -> bool | str | None:
    """``True`` (as large as the task's memory), a normalised size, or ``None``."""
    if value is None or value is False:
        return None
    if value is True:
        return True
    if isinstance(value, str):
        try:
            return Resources(mem=value).to_spec().memory
        except ResourceError as e:
            raise DefinitionError(
                f"{where}: shared_memory must be True or a size such as '2Gi': {e}"
            ) from e
    raise DefinitionError(
        f"{where}: shared_memory must be True or a size such as '2Gi', got {value!r}"
    )


def _hint_ids(hints: Iterable[Any]) -> tuple[Identifier, ...]:
    out = []
    for h in hints:
        ident = getattr(h, "id", None)
        if isinstance(ident, Identifier):
            out.append(ident)
    return tuple(out)


def _enum_name(value: Any, name: str, where: str) -> str:
    """An enum member (flytekit's ``PythonFunctionTask.ExecutionBehavior``) or a string, as
    the member's name."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    member = getattr(value, "name", None)
    if isinstance(member, str):
        return member
    raise DefinitionError(f"{where}: {name} must be an enum member or a string, got {value!r}")


def _qualified_name(value: Any) -> str:
    """``module.QualName`` of a resolver object (its class) or a resolver class."""
    if value is None:
        return ""
    t = value if isinstance(value, type) else type(value)
    return f"{t.__module__}.{t.__qualname__}"
