"""``flytelike.Environment``: flyte 2's base of environments and flytekit's task defaults."""

from __future__ import annotations

import pickle

import pytest

import flytelike as fl
from flytelike.app import AppEnvironment
from flytelike.errors import DefinitionError

defaults = fl.Environment(retries=2, environment={"A": "1"})


@defaults.task
def plain(x: int) -> int:
    return x + 1


@defaults.task(retries=5, environment={"B": "2"})
def more(x: int) -> int:
    return x


@defaults
def bare(x: int) -> int:
    return x * 10


@defaults.dynamic
def fan(n: int) -> list[int]:
    return [plain(x=i) for i in range(n)]


@fl.workflow
def wf(n: int) -> list[int]:
    return fan(n=n)  # type: ignore[no-any-return]


def test_a_name_makes_a_flyte_environment() -> None:
    env = fl.Environment("named_env")
    assert type(env) is fl.TaskEnvironment and env.name == "named_env"
    assert type(fl.Environment(name="other-env")) is fl.TaskEnvironment
    # flyte 2's base class: task and app environments are Environments
    assert isinstance(fl.TaskEnvironment("t_env"), fl.Environment)
    assert isinstance(AppEnvironment("an-app"), fl.Environment)
    copied = pickle.loads(pickle.dumps(env))
    assert type(copied) is fl.TaskEnvironment and copied.name == "named_env"


def test_settings_alone_make_flytekit_task_defaults() -> None:
    assert defaults.overrides == {"retries": 2, "environment": {"A": "1"}}
    assert plain.template().metadata.retries == 2
    assert dict(plain.template().environment) == {"A": "1"}
    # a task's own settings: replaced, and dicts merged key by key
    assert more.template().metadata.retries == 5
    assert dict(more.template().environment) == {"A": "1", "B": "2"}
    assert bare(x=2) == 20 and wf(n=3) == [1, 2, 3]


def test_update_extend_and_show(capsys: pytest.CaptureFixture[str]) -> None:
    env = fl.Environment(cache=True, environment={"A": "1"})
    wider = env.extend(retries=1)
    assert wider.overrides == {"cache": True, "environment": {"A": "1"}, "retries": 1}
    env.update(environment={"C": "3"})
    assert env.overrides == {"cache": True, "environment": {"A": "1", "C": "3"}}
    assert wider.overrides["environment"] == {"A": "1"}  # (a copy, not shared)
    env.show()
    assert "'C': '3'" in capsys.readouterr().out


def test_bad_settings_are_named_when_the_environment_is_made() -> None:
    with pytest.raises(DefinitionError, match=r"unexpected setting.*retriez"):
        fl.Environment(retriez=1)
    with pytest.raises(DefinitionError, match=r"unexpected setting.*colour"):
        defaults.extend(colour="blue")
    with pytest.raises(DefinitionError, match="decorates a function"):
        defaults.task(42)
