"""flytekit's ``flytekit.models.core``: see ``flytelike.models.core.execution``."""
