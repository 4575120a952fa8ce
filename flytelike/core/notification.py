"""``flytelike.core.notification``: mirrors ``flytekit.core.notification``."""

from flytelike._schedule import Email, Notification, PagerDuty, Slack

__all__ = ["Email", "Notification", "PagerDuty", "Slack"]
