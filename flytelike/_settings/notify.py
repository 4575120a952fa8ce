"""``flytelike.notify``: flyte 2's run notifications (``flyte.notify``).

``Email``, ``Slack``, ``Teams`` and ``Webhook`` deliver a message when a run reaches one of the
phases in ``on_phase`` (``flytelike.models.ActionPhase`` values, e.g. ``ActionPhase.FAILED``);
``NamedDelivery`` names a delivery configured on the platform and ``NamedRule`` a whole rule.
Attach them to a ``Trigger(notifications=...)``: each is validated where it is built and carried
into the task template with its trigger (``v2.triggers``). flytelike sends nothing: delivering
needs the platform's notification service, which also checks email addresses, so a recipient
without ``@`` only warns here (flyte 2 accepts it).
"""

from __future__ import annotations

import dataclasses
import warnings
from typing import Any

from flytelike.errors import DefinitionError
from flytelike.ir import ActionPhase

__all__ = ["Email", "NamedDelivery", "NamedRule", "Notification", "Slack", "Teams", "Webhook"]

_METHODS = ("POST", "PUT", "PATCH", "GET", "DELETE", "HEAD", "OPTIONS", "TRACE", "CONNECT")


def _phases(value: Any, where: str) -> tuple[ActionPhase, ...]:
    items = value if isinstance(value, tuple | list) else (value,)
    out = []
    for p in items:
        try:
            out.append(ActionPhase(p))
        except ValueError:
            raise DefinitionError(
                f"{where}: on_phase takes ActionPhase values (e.g. ActionPhase.FAILED), got {p!r}"
            ) from None
    if not out:
        raise DefinitionError(f"{where}: on_phase needs at least one ActionPhase")
    return tuple(out)


def _text(value: Any, what: str, where: str, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str) or not value:
        raise DefinitionError(f"{where}: {what} must be a non-empty string, got {value!r}")


def _url(value: Any, what: str, where: str) -> None:
    _text(value, what, where)
    if not value.startswith(("https://", "http://")):
        raise DefinitionError(f"{where}: {what} must be an http(s) URL, got {value!r}")


@dataclasses.dataclass(frozen=True, kw_only=True)
class Notification:
    """Base of the notifications: the phases (``ActionPhase``) that trigger it."""

    on_phase: ActionPhase | tuple[ActionPhase, ...]
    # Which notification this is, in the carried form (``v2.triggers``).
    kind: str = dataclasses.field(init=False, default="")

    def __post_init__(self) -> None:
        object.__setattr__(self, "on_phase", _phases(self.on_phase, type(self).__name__))
        object.__setattr__(self, "kind", type(self).__name__)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Email(Notification):
    recipients: tuple[str, ...]
    cc: tuple[str, ...] = ()
    bcc: tuple[str, ...] = ()
    subject: str = "Run {{.Run.Name}} {{.Phase}}"
    body: str = (
        "Run: {{.Run.Name}}\nProject/Domain: {{.Run.Project}}/{{.Run.Domain}}\n"
        "Phase: {{.Phase}}\nError: {{.Error}}\n"
    )
    html_body: str | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        for name in ("recipients", "cc", "bcc"):
            value = getattr(self, name)
            value = (value,) if isinstance(value, str) else tuple(value)
            for address in value:
                if not isinstance(address, str) or not address.strip():
                    raise DefinitionError(f"Email: {name} takes email addresses, got {address!r}")
                if "@" not in address:  # (the platform checks addresses when it sends: warn)
                    warnings.warn(
                        f"Email: {name} {address!r} is not an email address; the platform's "
                        "notification service will not deliver to it (write name@example.com)",
                        UserWarning,
                        stacklevel=3,  # (the line that makes the Email)
                    )
            object.__setattr__(self, name, value)
        if not self.recipients:
            raise DefinitionError("Email: recipients needs at least one address")


@dataclasses.dataclass(frozen=True, kw_only=True)
class Slack(Notification):
    webhook_url: str
    message: str | None = None
    blocks: tuple[dict[str, Any], ...] | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        _url(self.webhook_url, "webhook_url", "Slack")
        _text(self.message, "message", "Slack", optional=True)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Teams(Notification):
    webhook_url: str
    title: str = "Run {{.Run.Name}} {{.Phase}}"
    message: str | None = None
    card: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        _url(self.webhook_url, "webhook_url", "Teams")


@dataclasses.dataclass(frozen=True, kw_only=True)
class Webhook(Notification):
    url: str
    method: str = "POST"
    headers: dict[str, str] | None = None
    body: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        _url(self.url, "url", "Webhook")
        if self.method not in _METHODS:
            raise DefinitionError(
                f"Webhook: method must be one of {', '.join(_METHODS)}, got {self.method!r}"
            )


@dataclasses.dataclass(frozen=True, kw_only=True)
class NamedDelivery(Notification):
    """A delivery configured on the platform, by name."""

    name: str

    def __post_init__(self) -> None:
        super().__post_init__()
        _text(self.name, "name", "NamedDelivery")


@dataclasses.dataclass(frozen=True)
class NamedRule:
    """A notification rule configured on the platform, by name."""

    name: str

    def __post_init__(self) -> None:
        _text(self.name, "name", "NamedRule")


def check_notifications(value: Any, where: str) -> tuple[Notification, ...] | NamedRule | None:
    """``value`` (``None``, a ``NamedRule``, a notification or a tuple of them), checked."""
    if value is None or isinstance(value, NamedRule):
        return value
    items = value if isinstance(value, tuple | list) else (value,)
    for n in items:
        if not isinstance(n, Notification):
            raise DefinitionError(
                f"{where}: notifications takes flytelike.notify objects (Email, Slack, Teams, "
                f"Webhook, NamedDelivery) or a NamedRule, got {n!r}"
            )
    return tuple(items)
