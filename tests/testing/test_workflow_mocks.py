"""``patch``/``task_mock`` on a workflow or launch plan (flytekit's ``testing.patch`` takes them):
a direct call returns the mock's answer, and so does a node that calls the mocked subworkflow or
launch plan; without the mock both run for real."""

from __future__ import annotations

from flytelike import LaunchPlan, Workflow, task, workflow
from flytelike.testing import patch, task_mock


@task
def shout(text: str) -> str:
    return text.upper()


@workflow
def sub(text: str) -> str:
    return shout(text=text)  # type: ignore[no-any-return]


@workflow
def parent(text: str) -> str:
    return sub(text=text)  # type: ignore[no-any-return]


imperative = Workflow(name="tests.testing.imperative_sub")
imperative.add_workflow_input("text", str)
_node = imperative.add_entity(shout, text=imperative.inputs["text"])
imperative.add_workflow_output("out", _node.outputs["o0"])


@workflow
def around_imperative(text: str) -> str:
    return imperative(text=text)  # type: ignore[no-any-return]


def test_a_mocked_workflow_answers_direct_calls_and_as_a_subworkflow() -> None:
    with task_mock(sub) as m:
        m.return_value = "mocked"
        assert sub(text="a") == "mocked"
        assert parent(text="b") == "mocked"
        assert m.call_args.kwargs == {"text": "b"}
    assert sub(text="a") == "A" and parent(text="b") == "B"


@patch(imperative)
def test_patch_on_an_imperative_workflow(mock_wf) -> None:  # type: ignore[no-untyped-def]
    mock_wf.return_value = "hi"
    assert around_imperative(text="x") == "hi"


def test_a_mocked_launch_plan_answers_direct_calls_and_as_a_node() -> None:
    lp = LaunchPlan.get_or_create(sub, name="tests.testing.sub_lp")

    @workflow
    def via_lp(text: str) -> str:
        return lp(text=text)  # type: ignore[no-any-return]

    with task_mock(lp) as m:
        m.return_value = "from the mock"
        assert lp(text="z") == "from the mock"
        assert via_lp(text="y") == "from the mock"
    assert lp(text="z") == "Z" and via_lp(text="y") == "Y"
