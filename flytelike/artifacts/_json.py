"""``Metadata`` as JSON, for a request or an outcome that crosses a process boundary as protobuf
(the gRPC executor): an output the attempt publishes, or one its caller declared.

``{"name", "version", "description", "attrs", "card": {"uri", "format", "card_type"}, "kind",
"partitions": {key: "text" | {"time": ISO 8601, "granularity": "hour|day|week|month"}},
"parents": ["[project/domain/]name@version", ...], "version_from_content"}``; absent keys are
``None``. A time partition travels floored to its granularity, as the catalog stores it.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from flytelike.artifacts._metadata import Card, Metadata, TimePartition
from flytelike.remote import ArtifactError

# (remote's artifact catalog: flytelike.artifacts reads and writes its values and partitions)
from flytelike.remote import _artifact_values as _values
from flytelike.remote._artifact_partitions import is_time, time_of  # (as above)


def to_json(md: Metadata) -> str:
    partitions: dict[str, Any] | None = None
    if md.partitions is not None:
        partitions = {}
        for key, value in md.partitions.items():
            if is_time(value):
                moment, granularity = time_of(key, value)
                partitions[key] = {"time": moment.isoformat(), "granularity": granularity}
            else:
                partitions[key] = str(value)
    card = md.card
    return json.dumps(
        {
            "name": md.name,
            "version": md.version,
            "description": md.description,
            "attrs": dict(md.attrs) if md.attrs is not None else None,
            "card": {"uri": card.uri, "format": card.format, "card_type": card.card_type}
            if card is not None
            else None,
            "kind": md.kind,
            "partitions": partitions,
            "parents": [_values.parent(p) for p in md.parents] if md.parents is not None else None,
            "version_from_content": md.version_from_content,
        },
        sort_keys=True,
    )


def from_json(text: str) -> Metadata:
    """The ``Metadata`` that ``to_json`` wrote; ``ArtifactError`` naming what is malformed."""
    try:
        d = json.loads(text)
        partitions = d.get("partitions")
        if partitions is not None:
            partitions = {k: _partition(v) for k, v in partitions.items()}
        card = d.get("card")
        return Metadata(
            name=d["name"],
            version=d.get("version"),
            description=d.get("description"),
            attrs=d.get("attrs"),
            card=Card(**card) if card is not None else None,
            kind=d.get("kind"),
            partitions=partitions,
            parents=tuple(d["parents"]) if d.get("parents") is not None else None,
            version_from_content=bool(d.get("version_from_content", False)),
        )
    except ArtifactError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise ArtifactError(
            f"artifact metadata sent as JSON is malformed ({type(e).__name__}: {e}): {text[:200]!r}"
        ) from None


def _partition(value: Any) -> Any:
    if isinstance(value, str):
        return value
    moment = datetime.fromisoformat(value["time"])
    granularity = value["granularity"]
    return TimePartition(moment if granularity == "hour" else moment.date(), granularity)
