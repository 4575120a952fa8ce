"""``flytelike.models.common``: mirrors ``flytekit.models.common``: the objects flytekit code
passes to launch plans and executions (``Labels``, ``Annotations``, ``AuthRole``,
``RawOutputDataConfig``, notifications), which are flytelike's own (carried into the IR as the
top-level names document). flytekit's IDL base classes have no counterpart.
"""

from typing import NoReturn

from flytelike._compat.aliases import not_provided
from flytelike._settings.carried import Annotations, AuthRole, Labels, RawOutputDataConfig
from flytelike._settings.schedule import EmailNotification, PagerDutyNotification, SlackNotification

__all__ = [
    "Annotations",
    "AuthRole",
    "EmailNotification",
    "Labels",
    "PagerDutyNotification",
    "RawOutputDataConfig",
    "SlackNotification",
]

_INSTEAD = {
    **{
        name: "flytelike's models are plain dataclasses without an IDL base class"
        for name in ("FlyteABCMeta", "FlyteCustomIdlEntity", "FlyteIdlEntity", "FlyteType")
    },
    "Envs": "pass environment={...} to @task",
    "NamedEntityIdentifier": "flytelike names entities by their module path (entity.name)",
    "Notification": "use EmailNotification, SlackNotification or PagerDutyNotification",
    "UrlBlob": "flytelike has no signed URLs; read the value with flytelike.engine.get_run",
}


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, _INSTEAD)
