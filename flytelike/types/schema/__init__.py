"""``flytelike.types.schema``: mirrors ``flytekit.types.schema``.

``FlyteSchema`` (deprecated in flytekit, which recommends ``StructuredDataset``) is
``typesystem.io.FlyteSchema``: a dataframe wrapper with declared columns
(``FlyteSchema[kwtypes(a=int)]``) whose ``open()`` gives a ``SchemaReader`` (``all()``,
``iter()``) or, for a schema the task made, a ``SchemaWriter`` (``write(df)``). Its table is
stored like a ``StructuredDataset``'s, so either feeds the other. flytekit's reader/writer
registry (``SchemaEngine``, ``SchemaHandler``, ``LocalIOSchema*``) has no counterpart: reading
goes through the dataframe handlers.
"""

from typing import NoReturn

from flytelike._compat.aliases import not_provided
from typesystem.io import FlyteSchema, SchemaFormat, SchemaOpenMode, SchemaReader, SchemaWriter

__all__ = ["FlyteSchema", "SchemaFormat", "SchemaOpenMode", "SchemaReader", "SchemaWriter"]


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})
