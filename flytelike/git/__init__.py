"""flyte 2's ``flyte.git``: what the local git repository says about the code being run.

``GitStatus.from_current_repo()`` reads the repository of the working directory (root, commit,
clean or not, origin's HTTPS URL) by running ``git``; ``build_url`` links a source line on
GitHub or GitLab. ``config_from_root()`` finds a flyte config file at the repository root for
``flytelike.init_from_config``. The implementation lives in ``flytelike.git._status``.
"""

from __future__ import annotations

from flytelike.git._status import GitStatus, config_from_root

__all__ = ["GitStatus", "config_from_root"]
