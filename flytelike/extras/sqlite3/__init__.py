"""``flytelike.extras.sqlite3``: mirrors ``flytekit.extras.sqlite3`` (see ``.task``)."""

__all__: list[str] = []
