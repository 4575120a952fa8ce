"""``DeckField``: which default tabs a task's deck asks for (flytekit's ``deck_fields``).

``@task(enable_deck=True, deck_fields=(DeckField.INPUT, DeckField.OUTPUT))`` names them with the
enum or its values (``"Input"``, ``"Source Code"``, ...). ``check_deck_fields`` validates them
when the task is defined (anything else raises ``DefinitionError`` listing the valid ones) and
returns their values, which are carried into the IR (``TaskMetadata.deck_fields``). The local
backend's deck shows Inputs, Outputs, Source and Timeline for every ``enable_deck`` task; the
fields are for a deployment that renders decks per field.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any

from flytelike.errors import DefinitionError


class DeckField(enum.StrEnum):
    INPUT = "Input"
    OUTPUT = "Output"
    SOURCE_CODE = "Source Code"
    TIMELINE = "Timeline"
    DEPENDENCIES = "Dependencies"


def check_deck_fields(fields: Iterable[Any] | None, where: str) -> tuple[str, ...]:
    if fields is None:
        return ()
    if isinstance(fields, str | DeckField):
        fields = (fields,)
    values = {f.value for f in DeckField}
    out: list[str] = []
    for f in fields:
        value = f.value if isinstance(f, DeckField) else f
        if not isinstance(value, str) or value not in values:
            raise DefinitionError(
                f"{where}: deck_fields has {f!r}, which is not a deck field; use DeckField "
                f"(from flytelike.deck) members or their values: "
                f"{', '.join(repr(v) for v in sorted(values))}"
            )
        out.append(value)
    return tuple(out)
