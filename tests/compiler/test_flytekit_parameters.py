"""flytekit parameters and their documented behaviour: GPUs in ``requests`` alone, ``map_task``'s
``min_successes``, task ``labels``/``annotations``/``shared_memory`` in the IR, unknown task
parameters refused, and every binding error of a workflow reported at once."""

from __future__ import annotations

import json
from typing import Any, Optional

import pytest

from flytelike import Resources, closure_of, map_task, task, workflow
from flytelike.errors import BindingTypeError, DefinitionError
from flytelike.ir import ArrayNode
from flytelike.serialization import from_json, from_proto_bytes, to_json, to_proto_bytes


def _f(x: int) -> int:
    return x


def test_gpus_in_requests_only_are_also_the_limit() -> None:
    # As the seeds write it: requests=Resources(cpu="4", gpu="1", mem="16Gi").
    t = task(requests=Resources(cpu="4", gpu="1", mem="16Gi"))(_f)
    res = t.template().resources
    assert (res.requests.cpu, res.requests.gpu, res.requests.memory) == ("4", "1", "16Gi")
    assert res.limits.gpu == "1" and res.limits.cpu == "" and res.limits.memory == ""


@task
def flaky(x: int) -> int:
    if x < 0:
        raise ValueError(f"negative {x}")
    return x


@workflow
def at_least_two(xs: list[int]) -> list[Optional[int]]:  # noqa: UP045
    return map_task(flaky, min_successes=2)(x=xs)  # type: ignore[no-any-return]


def test_map_min_successes_is_carried_and_honoured(flytelike_engine: Any) -> None:
    node = at_least_two.template().nodes[0]
    assert isinstance(node.target, ArrayNode) and node.target.min_successes == 2
    assert at_least_two(xs=[1, -1, 3]) == [1, None, 3]  # one failure tolerated
    with pytest.raises(ValueError, match="negative"):
        at_least_two(xs=[1, -1, -3])  # only one success of the two needed
    run = flytelike_engine.run(at_least_two, xs=[-1, -2, 3])
    with pytest.raises(Exception, match=r"2 of 3 items failed \(needed 2 successes\)"):
        run.outputs()


def test_map_min_successes_is_validated() -> None:
    with pytest.raises(DefinitionError, match="min_successes must be an int >= 0"):
        map_task(flaky, min_successes=-1)


@task(
    labels={"team": "ml"},
    annotations={"owner": "ada@example.com"},
    shared_memory="2Gi",
)
def labelled(x: int) -> int:
    return x


def test_labels_annotations_and_shared_memory_are_in_the_ir() -> None:
    custom = dict(labelled.template().custom)
    assert json.loads(custom["labels"]) == {"team": "ml"}
    assert json.loads(custom["annotations"]) == {"owner": "ada@example.com"}
    assert json.loads(custom["shared_memory"]) == "2Gi"
    whole = dict(task(shared_memory=True)(_f).template().custom)
    assert json.loads(whole["shared_memory"]) is True
    assert task(_f).template().custom == ()
    closure = closure_of(labelled)
    for back in (from_proto_bytes(to_proto_bytes(closure)), from_json(to_json(closure))):
        assert back.tasks[0].custom == labelled.template().custom
    # they are part of the task's identity
    assert task(labels={"team": "x"})(_f).template().id.version != task(_f).template().id.version


def test_bad_values_and_unknown_parameters_are_refused() -> None:
    with pytest.raises(DefinitionError, match="labels must be a dict of str to str"):
        task(labels={"n": 1})(_f)
    with pytest.raises(DefinitionError, match="shared_memory must be True or a size"):
        task(shared_memory="lots")(_f)
    with pytest.raises(DefinitionError, match=r"unexpected parameter\(s\) retry"):
        task(retry=3)(_f)  # type: ignore[call-overload]


@task
def upper(s: str) -> str:
    return s.upper()


def test_every_binding_error_of_a_workflow_is_reported_at_once() -> None:
    def body(x: int, y: float) -> int:
        a = upper(s=x)  # type: ignore[arg-type]
        upper(s=y)  # type: ignore[arg-type]
        return a  # type: ignore[return-value]

    with pytest.raises(BindingTypeError) as info:
        workflow(body)
    err = info.value
    assert len(err.errors) == 3
    assert "has 3 binding errors" in str(err)
    assert [e.node_id for e in err.errors] == ["n0", "n1", "end-node"]
    assert "input `s` expects `str`, got `int`" in str(err)
    assert "input `s` expects `str`, got `float`" in str(err)
    assert "input `o0` expects `int`, got `str`" in str(err)


def test_a_single_binding_error_is_raised_as_it_is() -> None:
    def body(x: int) -> str:
        return upper(s=x)  # type: ignore[arg-type, no-any-return]

    with pytest.raises(BindingTypeError, match="expects `str`, got `int`") as info:
        workflow(body)
    assert info.value.errors == ()
