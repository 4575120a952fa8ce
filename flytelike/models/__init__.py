"""flytekit's ``flytekit.models`` names that make sense locally: the phase enums
(``flytelike.models.core.execution``) and execution filters (``flytelike.models.filters``).
Nothing is imported here; import the submodules."""
