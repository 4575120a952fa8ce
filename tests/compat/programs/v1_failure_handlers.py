"""Workflows with on_failure handlers: a cleanup task that receives the error, a cleanup
workflow that only takes the workflow's inputs, and the failure policy that lets the other
nodes finish first."""

import typing

from flytekit import WorkflowFailurePolicy, task, workflow
from flytekit.types.error import FlyteError

CLEANED: typing.List[str] = []


@task
def provision(name: str) -> str:
    return f"cluster-{name}"


@task
def train(cluster: str, epochs: int) -> float:
    if epochs > 3:
        raise ValueError(f"{cluster}: out of memory at epoch {epochs}")
    return 0.1 * epochs


@task
def release(name: str, err: typing.Optional[FlyteError] = None) -> None:
    CLEANED.append(f"{name}:{'error' if err is not None else 'none'}")
    if err is not None:
        assert "out of memory" in err.message, err.message


@workflow
def release_wf(name: str, epochs: int) -> None:
    release(name=name)


@workflow(on_failure=release)
def job(name: str) -> float:
    c = provision(name=name)
    return train(cluster=c, epochs=5)


@workflow(
    on_failure=release_wf, failure_policy=WorkflowFailurePolicy.FAIL_AFTER_EXECUTABLE_NODES_COMPLETE
)
def job2(name: str, epochs: int = 4) -> float:
    c = provision(name=name)
    return train(cluster=c, epochs=epochs)


if __name__ == "__main__":
    for wf, kwargs in ((job, {"name": "a"}), (job2, {"name": "b"})):
        try:
            wf(**kwargs)
        except Exception as e:
            assert "out of memory" in str(e), str(e)
        else:
            raise AssertionError("the workflow did not fail")
    assert job2(name="c", epochs=2) == 0.2
    print(CLEANED)
    print("OK")
