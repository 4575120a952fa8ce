"""``flytelike.notify``: flyte 2's run notifications (``flyte.notify``): ``Email``, ``Slack``,
``Teams``, ``Webhook``, ``NamedDelivery`` and ``NamedRule``, attached to a
``Trigger(notifications=...)``. Defined with the other task settings in
``flytelike._settings.notify``; flytelike validates and carries them, and sends nothing."""

from flytelike._settings.notify import (
    Email,
    NamedDelivery,
    NamedRule,
    Notification,
    Slack,
    Teams,
    Webhook,
)

__all__ = ["Email", "NamedDelivery", "NamedRule", "Notification", "Slack", "Teams", "Webhook"]
