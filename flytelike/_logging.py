"""The ``flytelike`` logger (Flyte v2's ``from flyte import logger``)."""

import logging

logger = logging.getLogger("flytelike")

__all__ = ["logger"]
