"""The ``flytelike`` loggers: ``logger`` for task code (Flyte v2's ``from flyte import logger``)
and ``system_logger`` for flytelike's own messages (flyte's ``system_logger``)."""

import logging

logger = logging.getLogger("flytelike")
system_logger = logging.getLogger("flytelike.system")

__all__ = ["logger", "system_logger"]
