"""``flytelike.exceptions``: mirrors ``flytekit.exceptions`` (see ``flytelike.exceptions.user``).

flytelike's own exception tree is ``flytelike.errors``.
"""

__all__: list[str] = []
