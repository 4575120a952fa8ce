"""``WebhookEvent`` (one delivery, normalised across providers), ``EventType`` (the base of a
provider plugin's event constants) and the webhook errors."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import enum
import hashlib
from typing import Any

from flytelike.errors import FlytelikeError


class WebhookPluginError(FlytelikeError):
    """An error of the webhooks machinery."""


class SignatureError(WebhookPluginError):
    """A delivery failed verification or could not be parsed."""


class EventType(enum.StrEnum):
    """Base of event constants: each member is its wire value (``"pull_request.opened"``, also
    as ``str()``), and ``ANY`` names the bare type when a provider splits type and action."""


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC)


@dataclasses.dataclass
class WebhookEvent:
    """One inbound webhook: ``provider``, ``event_type`` and ``action`` (when the provider splits
    them), ids (``delivery_id``, ``resource_id``), ``occurred_at``, ``scope`` (the repository,
    channel, ... matched against the app's allowlist), ``title``, ``url``, ``actor``,
    ``received_at`` and the provider's ``payload``."""

    provider: str
    event_type: str
    action: str | None = None
    delivery_id: str = ""
    resource_id: str | None = None
    occurred_at: str | None = None
    scope: str | None = None
    title: str | None = None
    url: str | None = None
    actor: str | None = None
    received_at: _dt.datetime = dataclasses.field(default_factory=_now)
    payload: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def qualified_type(self) -> str:
        """``type.action`` when there is an action, else ``type``: what handlers match."""
        return f"{self.event_type}.{self.action}" if self.action else self.event_type

    def dedupe_key(self) -> str:
        """A stable key for ``run_once``: provider, qualified type, resource and the provider's
        timestamp (a later change to the resource is another key); the delivery id for an
        event about no resource."""
        if self.resource_id:
            base = (
                f"{self.provider}:{self.qualified_type}:{self.resource_id}:{self.occurred_at or ''}"
            )
        else:
            base = f"{self.provider}:{self.qualified_type}:{self.delivery_id}"
        return hashlib.sha256(base.encode()).hexdigest()[:32]

    def model_dump(self, mode: str = "python", exclude: set[str] | None = None) -> dict[str, Any]:
        """The event as a dict (``mode="json"``: JSON values), with ``qualified_type``."""
        out = dataclasses.asdict(self)
        out["qualified_type"] = self.qualified_type
        if mode == "json":
            out["received_at"] = self.received_at.isoformat()
        for key in exclude or ():
            out.pop(key, None)
        return out
