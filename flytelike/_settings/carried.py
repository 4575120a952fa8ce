"""Settings carried into the IR as given: ``PodTemplate``, ``Documentation``, failure policy,
``Labels``, ``Annotations`` and launch plan security objects. No Kubernetes dependency."""

from __future__ import annotations

import enum
from typing import Any

from flytelike.ir import record, replace


@record
class PodTemplate:
    """A pod spec (a kubernetes ``V1PodSpec`` or a dict), carried opaquely."""

    pod_spec: Any = None
    primary_container_name: str = "primary"
    labels: dict[str, str] | None = None
    annotations: dict[str, str] | None = None

    def with_termination_grace_period(self, termination_grace_period: Any) -> PodTemplate:
        """A copy whose pod spec sets Kubernetes' termination grace period (``int`` seconds or a
        ``timedelta``, not negative): on a ``V1PodSpec`` its ``termination_grace_period_seconds``,
        on a dict (or no spec: a dict with the primary container) its
        ``terminationGracePeriodSeconds``. Carried into the IR with the template; a local run
        has no pod to give it to."""
        import copy
        import datetime

        value = termination_grace_period
        if isinstance(value, datetime.timedelta):
            value = value.total_seconds()
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise TypeError(
                "with_termination_grace_period: give an int number of seconds or a timedelta, "
                f"not negative; got {termination_grace_period!r}"
            )
        seconds = int(value)
        spec = copy.deepcopy(self.pod_spec)
        if spec is None:
            spec = {"containers": [{"name": self.primary_container_name}]}
        if isinstance(spec, dict):
            spec["terminationGracePeriodSeconds"] = seconds
        else:
            spec.termination_grace_period_seconds = seconds
        return replace(self, pod_spec=spec)


@record
class Description:
    value: str | None = None
    uri: str | None = None
    icon_link: str | None = None


@record
class Documentation:
    short_description: str | None = None
    long_description: Description | None = None
    source_code: Any = None


class WorkflowFailurePolicy(enum.Enum):
    FAIL_IMMEDIATELY = "FAIL_IMMEDIATELY"
    FAIL_AFTER_EXECUTABLE_NODES_COMPLETE = "FAIL_AFTER_EXECUTABLE_NODES_COMPLETE"


@record
class Labels:
    values: dict[str, str] | None = None


@record
class Annotations:
    values: dict[str, str] | None = None


@record
class AuthRole:
    assumable_iam_role: str | None = None
    kubernetes_service_account: str | None = None


@record
class RawOutputDataConfig:
    output_location_prefix: str = ""


@record
class SecurityContext:
    run_as: Any = None
    secrets: Any = None
    tokens: Any = None

    class K8sServiceAccount:
        def __init__(self, name: str = "") -> None:
            self.name = name


def split_docstring(doc: str) -> tuple[str, str]:
    """``(short, long)`` descriptions: the first paragraph and the whole cleaned text."""
    # Kept rather than docstring_parser's short/long descriptions: its short description is
    # the first line only (a summary wrapped over two lines is cut) and its long description
    # drops the parameter sections, which the IR's long description (shown by the UI and
    # ``flytelike compile``) keeps; both are part of every template, so changing them would
    # change compiled output for no gain.
    import inspect

    text = inspect.cleandoc(doc) if doc else ""
    short = text.split("\n\n", 1)[0].replace("\n", " ").strip()
    return short, text
