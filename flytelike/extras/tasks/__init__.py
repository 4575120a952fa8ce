"""Task types mirroring ``flytekit.extras.tasks``."""
