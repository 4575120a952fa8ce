"""flytekit's task parameters with no local machinery are carried into the IR
(``execution_mode``, ``task_resolver``); ``pickle_untyped`` is honoured; a workflow's
``default_options`` give its default launch plan's labels and annotations (other fields are
refused with the alternative)."""

from __future__ import annotations

import enum
import json

import pytest

from flytelike import task, workflow
from flytelike.errors import DefinitionError, InterfaceError
from typesystem import PickleFallbackWarning


class ExecutionBehavior(enum.Enum):  # flytekit's PythonFunctionTask.ExecutionBehavior shape
    DEFAULT = 1
    DYNAMIC = 2


class MyResolver:
    def load_task(self, loader_args: list[str]) -> None:
        return None


def _custom(t: object) -> dict[str, object]:
    return {k: json.loads(v) for k, v in t.template().custom}  # type: ignore[attr-defined]


def test_execution_mode_and_task_resolver_are_carried_as_custom_entries() -> None:
    def f(x: int) -> int:
        return x + 1

    t = task(execution_mode=ExecutionBehavior.DEFAULT, task_resolver=MyResolver())(f)
    custom = _custom(t)
    assert custom["execution_mode"] == "DEFAULT"
    assert custom["task_resolver"] == f"{__name__}.MyResolver"
    assert t(x=1) == 2  # locally the function runs as usual
    assert "execution_mode" not in _custom(task(f))
    assert _custom(task(execution_mode="DYNAMIC")(f))["execution_mode"] == "DYNAMIC"
    with pytest.raises(DefinitionError, match="execution_mode must be an enum member or a string"):
        task(execution_mode=3)(f)


def test_pickle_untyped_types_missing_annotations_as_any() -> None:
    def untyped(x, y: int):  # type: ignore[no-untyped-def]
        return {"x": x, "y": y}

    with pytest.raises(InterfaceError, match="input `x` has no type annotation"):
        task(untyped)
    t = task(pickle_untyped=True)(untyped)
    assert set(t.python_interface.inputs) == {"x", "y"}
    assert t.python_interface.inputs["y"] is int
    assert t(x=[1, 2], y=3) == {"x": [1, 2], "y": 3}

    class Opaque:
        def __init__(self, v: int) -> None:
            self.v = v

    @workflow(pickle_untyped=True)
    def wf(v):  # type: ignore[no-untyped-def]
        return t(x=v, y=1)

    with pytest.warns(PickleFallbackWarning):
        out = wf(v=Opaque(5))
    assert out["x"].v == 5 and out["y"] == 1
    with pytest.raises(DefinitionError, match="pickle_untyped must be True or False"):
        task(pickle_untyped="yes")(untyped)


def test_workflow_default_options_label_the_default_launch_plan() -> None:
    from flytelike import LaunchPlan
    from flytelike.core.options import Options
    from flytelike.models.common import Annotations, Labels

    def wf(x: int) -> int:
        return x

    options = Options(labels=Labels({"team": "a"}), annotations=Annotations({"note": "n"}))
    labelled = workflow(default_options=options)(wf)
    default = LaunchPlan.get_or_create(labelled)
    assert default.labels == Labels({"team": "a"})
    assert default.annotations == Annotations({"note": "n"})
    assert default.template().labels == (("team", "a"),)
    assert LaunchPlan.get_or_create(labelled, "named").labels is None  # as in flytekit
    assert labelled(x=3) == 3
    with pytest.raises(DefinitionError, match="only labels and annotations"):
        workflow(default_options=Options(max_parallelism=2))(wf)
    with pytest.raises(DefinitionError, match="must be an Options"):
        workflow(default_options=object())(wf)


def test_deck_fields_are_validated_and_carried() -> None:
    from flytelike.deck import DeckField

    @task(enable_deck=True, deck_fields=(DeckField.SOURCE_CODE, "Input", DeckField.OUTPUT))
    def decked(x: int) -> int:
        return x

    assert decked.template().metadata.deck_fields == ("Source Code", "Input", "Output")
    assert decked(x=2) == 2
    with pytest.raises(DefinitionError, match=r"deck_fields has 'source_code'.*'Source Code'"):

        @task(enable_deck=True, deck_fields=["source_code"])
        def bad(x: int) -> int:
            return x
