"""Extras mirroring ``flytekit.extras``: accelerators and shell tasks."""
