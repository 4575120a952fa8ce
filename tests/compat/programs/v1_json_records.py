"""A flytekit 1.x module passing a stream of JSON records between tasks as Iterator[JSON]
(flytekit.types.iterator.JSON): a workflow input whose default is a generator of request
records, a task that yields records, and tasks that read them one at a time."""

from typing import Iterator

from flytekit import task, workflow
from flytekit.types.iterator import JSON


def requests() -> Iterator[dict]:
    for n, question in enumerate(["2+2?", "capital of Peru?"], start=1):
        yield {"id": f"req-{n}", "body": {"messages": [{"role": "user", "content": question}]}}


@task
def count_messages(records: Iterator[JSON]) -> int:
    total = 0
    for rec in records:
        assert isinstance(rec, dict), rec
        total += len(rec["body"]["messages"])
    return total


@task
def scores(n: int) -> Iterator[JSON]:
    for i in range(n):
        yield {"i": i, "half": i / 2, "tags": ["even"] if i % 2 == 0 else []}
    yield "done"
    yield 7


@task
def describe(records: Iterator[JSON]) -> str:
    return ";".join(f"{type(r).__name__}:{r}" for r in records)


@workflow
def batch(records: Iterator[JSON] = requests()) -> int:
    return count_messages(records=records)


@workflow
def pipeline(n: int) -> str:
    return describe(records=scores(n=n))


if __name__ == "__main__":
    assert batch() == 2
    assert batch(records=iter([{"id": "x", "body": {"messages": [1, 2, 3]}}])) == 3
    text = pipeline(n=2)
    assert text == (
        "dict:{'i': 0, 'half': 0.0, 'tags': ['even']};dict:{'i': 1, 'half': 0.5, 'tags': []};"
        "str:done;int:7"
    ), text
    print("OK")
