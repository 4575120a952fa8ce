"""A tour of the type system: a realistic nested record through literals, msgpack and JSON.

Run: python examples/types_tour.py
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from dataclasses import dataclass, field
from typing import Optional

import typesystem as ts


class Stage(enum.Enum):
    TRAIN = "train"
    EVAL = "eval"


@dataclass
class Metric:
    name: str
    value: float
    step: int


@dataclass
class Run:
    run_id: str
    stage: Stage
    started: dt.datetime
    budget: dt.timedelta
    metrics: list[Metric]
    params: dict[str, float] = field(default_factory=dict)
    notes: Optional[str] = None  # noqa: UP045


def main() -> None:
    registry = ts.default_registry()
    run = Run(
        run_id="r-042",
        stage=Stage.TRAIN,
        started=dt.datetime(2026, 11, 22, 9, 30, tzinfo=dt.UTC),
        budget=dt.timedelta(hours=1, minutes=30),
        metrics=[Metric("loss", 0.25, 100), Metric("accuracy", 0.91, 100)],
        params={"lr": 0.001, "batch_size": 64},
    )
    lt = registry.literal_type(Run)
    literal = registry.to_literal(run, Run)
    stored = ts.to_msgpack(literal)
    back = registry.to_python(ts.from_msgpack(stored), Run)
    assert back == run, "round trip changed the value"
    print(
        json.dumps(
            {
                "type": ts.render_type(lt),
                "value": ts.literal_to_json(literal, lt),
                "msgpack_bytes": len(stored),
                "digest": ts.digest(literal),
                "round_trip_equal": back == run,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
