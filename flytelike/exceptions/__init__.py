"""``flytelike.exceptions``: mirrors ``flytekit.exceptions`` (``flytelike.exceptions.base``,
``.user``, ``.system`` with flytekit's exception classes, and ``.eager``).

flytelike's own exception tree is ``flytelike.errors``.
"""

__all__: list[str] = []
