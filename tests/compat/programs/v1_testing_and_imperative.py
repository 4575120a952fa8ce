"""Unit-test style flytekit code: `patch` and `task_mock` replacing tasks and a reference task,
secrets read from the environment, caching that ignores an input, an imperative workflow and
nodes ordered with `>>`."""

import os
import typing

from flytekit import Cache, Secret, Workflow, current_context, reference_task, task, workflow
from flytekit.core.node_creation import create_node
from flytekit.testing import patch, task_mock

CALLS: typing.List[int] = []


@task
def fetch(url: str) -> typing.List[int]:
    if url:
        raise RuntimeError("no network in tests")
    return []


@task
def total(xs: typing.List[int]) -> int:
    return sum(xs)


@workflow
def report(url: str) -> int:
    return total(xs=fetch(url=url))


@reference_task(project="shared", domain="prod", name="shared.scorer", version="v3")
def scorer(x: int) -> float: ...


@workflow
def scored(x: int) -> float:
    return scorer(x=x)


@task(secret_requests=[Secret(group="db", key="password")])
def password_length() -> int:
    return len(current_context().secrets.get("db", "password"))


@task(cache=Cache(version="1", ignored_inputs=("verbose",)))
def expensive(x: int, verbose: bool = False) -> int:
    CALLS.append(x)
    return x * 10


@task
def shout(a: str) -> str:
    return a.upper() + "!"


@task
def join(a: str, b: str) -> str:
    return a + " " + b


imperative = Workflow(name="imperative_greeting")
imperative.add_workflow_input("who", str)
first = imperative.add_entity(shout, a=imperative.inputs["who"])
second = imperative.add_entity(join, a=first.outputs["o0"], b=imperative.inputs["who"])
imperative.add_workflow_output("greeting", second.outputs["o0"])


@workflow
def ordered(a: str) -> str:
    x = create_node(shout, a=a)
    y = create_node(shout, a="second")
    x >> y
    return join(a=x.o0, b=y.o0)


@patch(fetch)
def check_patched(mock_fetch) -> None:
    mock_fetch.return_value = [1, 2, 3]
    assert report(url="https://example.com") == 6
    assert mock_fetch.call_count == 1


if __name__ == "__main__":
    check_patched()
    with task_mock(scorer) as m:
        m.return_value = 0.75
        assert scored(x=4) == 0.75
    with task_mock(fetch) as m:
        m.side_effect = lambda url: [len(url)]
        assert report(url="abcd") == 4
    os.environ["_FSEC_DB_PASSWORD"] = "hunter2"
    assert password_length() == 7
    assert expensive(x=3) == 30 and expensive(x=3, verbose=True) == 30
    assert CALLS.count(3) <= 1, CALLS
    assert imperative(who="bob") == "BOB! bob"
    assert ordered(a="hi") == "HI! SECOND!"
    print("OK")
