"""A flytekit 1.x pipeline that still declares the deprecated FlyteSchema: typed columns around a
pandas frame, written with open().write(), returned as a frame, read back with open().all(),
passed on to a pandas input, and mocked out of a SQL task in a test."""

import datetime

import pandas as pd
from flytekit import SQLTask, kwtypes, task, workflow
from flytekit.testing import task_mock
from flytekit.types.schema import FlyteSchema, SchemaOpenMode

Scores = FlyteSchema[kwtypes(player=str, points=int)]


@task
def make_scores(n: int) -> Scores:
    out = Scores()
    out.open().write(
        pd.DataFrame({"player": [f"p{i}" for i in range(n)], "points": [i * 3 for i in range(n)]})
    )
    return out


@task
def double(s: Scores) -> Scores:
    df = s.open().all()
    df["points"] = df["points"] * 2
    return df  # a frame is accepted for a schema output


@task
def total(df: pd.DataFrame) -> int:
    return int(df["points"].sum())


@task
def top_player(s: FlyteSchema) -> str:
    df = s.open(pd.DataFrame).all()
    return str(df.sort_values("points").iloc[-1]["player"])


@workflow
def league(n: int = 4) -> tuple[int, str, Scores]:
    doubled = double(s=make_scores(n=n))
    return total(df=doubled), top_player(s=doubled), doubled


lookup = SQLTask(
    "lookup-scores",
    query_template="SELECT * FROM scores WHERE day = '{{ .inputs.day }}'",
    inputs=kwtypes(day=datetime.datetime),
    outputs=kwtypes(results=FlyteSchema),
)


@workflow
def from_db(day: datetime.datetime) -> FlyteSchema:
    return lookup(day=day)


if __name__ == "__main__":
    assert Scores.columns() == {"player": str, "points": int}
    assert Scores.column_names() == ["player", "points"]
    assert FlyteSchema.columns() == {}
    t, best, table = league(n=4)
    assert (t, best) == (36, "p3"), (t, best)
    frame = table.open().all()
    assert list(frame.columns) == ["player", "points"]
    assert frame["points"].tolist() == [0, 6, 12, 18]
    assert table.supported_mode == SchemaOpenMode.READ
    try:
        table.open(override_mode=SchemaOpenMode.WRITE)
    except Exception as e:  # a received schema is read-only
        print("read-only:", type(e).__name__)
    else:
        raise AssertionError("a received schema opened for writing")
    with task_mock(lookup) as mock:
        mock.return_value = pd.DataFrame({"x": [1, 2], "y": ["3", "4"]})
        got = from_db(day=datetime.datetime(2024, 1, 1)).open().all()
    assert got["x"].tolist() == [1, 2] and got["y"].tolist() == ["3", "4"]
    print("OK")
