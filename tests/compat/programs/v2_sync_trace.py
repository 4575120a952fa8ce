"""A sync task whose helpers are traced sync functions and generators (flyte 2.12 traces
plain functions too), inside a group."""

from collections.abc import Iterator

import flyte

env = flyte.TaskEnvironment(name="sync_traces")


@flyte.trace
def normalise(word: str) -> str:
    return word.strip().lower()


@flyte.trace
def tokens(text: str) -> Iterator[str]:
    yield from text.split(",")


@env.task
def count_words(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    with flyte.group("normalise"):
        for tok in tokens(text):
            w = normalise(tok)
            counts[w] = counts.get(w, 0) + 1
    return counts


if __name__ == "__main__":
    flyte.init()
    assert normalise("  Hi ") == "hi"  # outside a task: the plain function
    run = flyte.run(count_words, text="a, B,b ,c")
    assert run.outputs()[0] == {"a": 1, "b": 2, "c": 1}, run.outputs()
    print("OK")
