"""flytekit's read-only task attributes: ``t.metadata``, ``t.interface``, ``t.task_type``, ...
(values checked against flytekit 1.16 for the same task)."""

from __future__ import annotations

import datetime

import flytelike as fl
import flytelike as flyte


@fl.task(
    retries=2,
    cache=True,
    cache_version="1",
    timeout=datetime.timedelta(seconds=5),
    environment={"A": "1"},
    requests=fl.Resources(cpu="1"),
    container_image="img:1",
    interruptible=True,
)
def described(x: int, y: str = "a") -> int:
    """Doc here.

    :param x: the x
    """
    return x


@fl.task
def bare(x: int) -> int:
    return x


def test_metadata_is_the_tasks_settings() -> None:
    md = described.metadata
    assert (md.retries, md.cache, md.cache_version, md.interruptible) == (2, True, "1", True)
    assert md.timeout == datetime.timedelta(seconds=5) and not md.cache_serialize
    assert (md.deprecated, md.is_eager) == ("", False)
    plain = bare.metadata
    assert (plain.retries, plain.cache, plain.timeout, plain.interruptible) == (
        0,
        False,
        None,
        None,
    )


def test_interface_and_other_attributes() -> None:
    iface = described.interface
    assert list(iface.inputs) == ["x", "y"] and list(iface.outputs) == ["o0"]
    assert iface.inputs["x"].description == "the x"
    assert iface.inputs["x"].type == described.template().interface.inputs[0].type
    assert described.task_type == "python-task" and described.task_type_version == 0
    assert described.environment == {"A": "1"} and described.container_image == "img:1"
    assert described.resources.requests.cpu == "1"
    assert described.docs.short_description == "Doc here."
    assert described.task_config is None and described.pod_template is None
    assert (described.enable_deck, described.disable_deck, described.deck_fields) == (
        False,
        True,
        [],
    )
    assert described.name.endswith("test_flytekit_task_attributes.described")
    assert described.instantiated_in == described.name.rpartition(".")[0]
    assert described.location == described.name


def test_a_flyte_2_task_keeps_flytes_interface_and_task_type() -> None:
    env = flyte.TaskEnvironment("attrs_env")

    @env.task
    def v2(x: int) -> int:
        return x

    assert v2.task_type == "python"
    assert v2.interface.inputs == {"x": (int, v2.interface.inputs["x"][1])}  # NativeInterface
