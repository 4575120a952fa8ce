"""A conformance task whose module is slow to import (a cold worker), for the timeout rule.

With ``FLYTELIKE_CONFORMANCE_COLD`` set to seconds, importing this module takes that long; its
task's timeout (1 s) must count from the start of the body, so a worker that imports the
module for the first time (longer than the timeout) still runs the quick body in time.
"""

from __future__ import annotations

import os
import time

import flytelike as fl

time.sleep(float(os.environ.get("FLYTELIKE_CONFORMANCE_COLD", "0") or 0))


@fl.task(timeout=1)
def cold_quick() -> int:
    return os.getpid()
