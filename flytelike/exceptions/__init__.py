"""``flytelike.exceptions``: mirrors ``flytekit.exceptions`` (``flytelike.exceptions.user``,
``flytelike.exceptions.eager``).

flytelike's own exception tree is ``flytelike.errors``.
"""

__all__: list[str] = []
