"""``flytelike.core.notification``: mirrors ``flytekit.core.notification``."""

from flytelike._settings.schedule import Email, Notification, PagerDuty, Slack

__all__ = ["Email", "Notification", "PagerDuty", "Slack"]
