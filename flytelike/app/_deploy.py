"""``DeployedAppEnvironment``: an app ``flytelike.deploy`` deployed, which locally means served.

``flytelike.deploy(app_env)`` (or an ``AppEnvironment`` among a task environment's
``depends_on``) serves the app with ``flytelike.serve`` in this process, as flyte starts it on a
cluster, and lists it in the ``Deployment``'s ``deployed_apps``: the environment (``env``) and
the served app (``deployed_app``, a ``flytelike.remote.App``: ``name``, ``endpoint``,
``revision``, ``deployment_status``, ``deactivate()``). It serves as long as this process runs,
or until deactivated. ``dryrun=True`` serves nothing.
"""

from __future__ import annotations

import dataclasses
from typing import Any


@dataclasses.dataclass
class DeployedAppEnvironment:
    """A deployed (served) app: its environment and the served app."""

    env: Any
    deployed_app: Any

    def get_name(self) -> str:
        return str(self.env.name)

    def env_repr(self) -> list[tuple[str, str]]:
        image = self.env.image
        return [("environment", self.env.name), ("image", str(getattr(image, "uri", image) or ""))]

    def table_repr(self) -> list[list[tuple[str, str]]]:
        app = self.deployed_app
        return [
            [
                ("type", "App"),
                ("name", app.name),
                ("revision", str(app.revision)),
                ("desired state", str(app.desired_state)),
                ("current state", str(app.deployment_status)),
                ("public_url", str(app.endpoint)),
            ]
        ]

    def summary_repr(self) -> str:
        return f"Deployed App[{self.deployed_app.name}] in environment {self.env.name}"
