"""``flytelike.types.schema``: mirrors ``flytekit.types.schema`` (FlyteSchema, deprecated in
flytekit; use ``StructuredDataset``)."""

from typing import NoReturn

from flytelike._compat.aliases import not_provided

__all__: list[str] = []


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})
