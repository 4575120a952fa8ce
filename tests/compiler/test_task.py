"""@task: parameters validated at decoration, interfaces from signatures, direct calls."""

from __future__ import annotations

import datetime as dt
import os
from typing import NamedTuple

import pytest

from flytelike import (
    Cache,
    ImageSpec,
    PodTemplate,
    Resources,
    Secret,
    dynamic,
    task,
)
from flytelike.errors import (
    ArgumentError,
    DefinitionError,
    InterfaceError,
    ResourceError,
)
from flytelike.ir import CacheSpec, ResourceSpec, TaskTemplate
from typesystem import CollectionType, SimpleKind, SimpleType

INT = SimpleType(SimpleKind.INTEGER)


@task
def add(a: int, b: int = 2) -> int:
    """Add two numbers.

    :param a: the first number
    :param b: the second number
    :return: their sum
    """
    return a + b


class Pair(NamedTuple):
    left: int
    right: str


@task
def pair(x: int) -> Pair:
    return Pair(x, str(x))


@task
def bare_tuple(x: int) -> (int, str):  # type: ignore[syntax]
    return x, str(x)


@task
def nothing(x: int) -> None:
    pass


class Single(NamedTuple):
    value: float


@task
def single(x: int) -> Single:
    return float(x)  # type: ignore[return-value]


@task
def with_list_default(xs: list[int] = [1, 2]) -> int:  # noqa: B006
    xs.append(0)
    return len(xs)


def test_interface_from_signature() -> None:
    iface = add.template().interface
    assert [(v.name, v.type) for v in iface.inputs] == [("a", INT), ("b", INT)]
    assert [v.name for v in iface.outputs] == ["o0"]
    assert iface.inputs[1].default is not None
    assert iface.inputs[0].description == "the first number"
    assert iface.outputs[0].description == "their sum"
    assert add.template().metadata.description == "Add two numbers."


def test_output_shapes() -> None:
    assert [v.name for v in pair.template().interface.outputs] == ["left", "right"]
    assert pair.template().interface.output_tuple_name == "Pair"
    assert [v.name for v in bare_tuple.template().interface.outputs] == ["o0", "o1"]
    assert nothing.template().interface.outputs == ()
    assert single(x=3) == Single(3.0)


def test_direct_call_converts_and_fills_defaults() -> None:
    assert add(a=1) == 3
    assert add(1, 5) == 6
    assert pair(x=2) == Pair(2, "2")
    assert bare_tuple(x=2) == (2, "2")
    assert with_list_default() == 3
    assert with_list_default() == 3  # the mutable default is copied for every call


def test_argument_errors() -> None:
    with pytest.raises(ArgumentError, match="Received more arguments than expected"):
        add(1, 2, 3)
    with pytest.raises(ArgumentError, match="Received unexpected keyword argument 'c'"):
        add(a=1, c=2)
    with pytest.raises(ArgumentError, match="Got multiple values for argument 'a'"):
        add(1, a=2)


def test_missing_annotation_names_function_and_line() -> None:
    def f(a, b: int) -> int:  # type: ignore[no-untyped-def]
        return b

    with pytest.raises(InterfaceError) as info:
        task(f)
    msg = str(info.value)
    assert "input `a` has no type annotation" in msg
    assert "test_task.py:" in msg and "f`" in msg


def test_one_element_tuple_is_an_error() -> None:
    def f(a: int) -> tuple[int]:
        return (a,)

    with pytest.raises(InterfaceError, match="one-element tuple"):
        task(f)


def test_variadic_arguments_are_rejected() -> None:
    def f(*args: int) -> int:
        return 0

    with pytest.raises(InterfaceError, match=r"\*args"):
        task(f)


def test_bad_default_is_reported() -> None:
    def f(a: int = "x") -> int:  # type: ignore[assignment]
        return a

    with pytest.raises(InterfaceError, match="default of input `a`"):
        task(f)


def test_all_parameters_are_carried() -> None:
    def f(a: int, b: str) -> int:
        return a

    t = task(
        cache=True,
        cache_version="7",
        cache_serialize=True,
        cache_ignore_input_vars=["b"],
        retries=3,
        timeout=dt.timedelta(minutes=5),
        requests=Resources(cpu="500m", mem="1Gi"),
        limits=Resources(cpu=2, mem="2Gi", gpu=1),
        accelerator="nvidia-l4",
        interruptible=False,
        secret_requests=[Secret(group="g", key="k")],
        environment={"A": "1"},
        container_image="python:3.11",
        pod_template=PodTemplate(pod_spec={"containers": []}),
        pod_template_name="tmpl",
        deprecated="use g",
        enable_deck=True,
        task_config={"plugin": 1},
    )(f)
    tmpl: TaskTemplate = t.template()
    md = tmpl.metadata
    assert md.cache == CacheSpec(True, "7", True, ("b",), "")
    assert (md.retries, md.timeout, md.interruptible) == (3, 300.0, False)
    assert (md.deprecated, md.enable_deck, md.accelerator.device) == ("use g", True, "nvidia-l4")  # type: ignore[union-attr]
    assert tmpl.resources.requests == ResourceSpec(cpu="500m", memory="1Gi")
    assert tmpl.resources.limits == ResourceSpec(cpu="2", memory="2Gi", gpu="1")
    assert tmpl.secrets[0].group == "g" and tmpl.environment == (("A", "1"),)
    assert tmpl.image.uri == "python:3.11"  # type: ignore[union-attr]
    assert tmpl.pod_template is not None and '"containers"' in tmpl.pod_template.json
    assert tmpl.pod_template_name == "tmpl"
    assert tmpl.task_config is not None and tmpl.task_config.json == '{"plugin":1}'


def test_timeout_spellings() -> None:
    def f() -> None:
        pass

    assert task(timeout=90)(f).template().metadata.timeout == 90.0
    assert task(timeout="1h30m")(f).template().metadata.timeout == 5400.0
    with pytest.raises(DefinitionError, match=r"timeout: expected a datetime\.timedelta"):
        task(timeout=[1])(f)


def test_retries_must_be_an_int() -> None:
    def f() -> None:
        pass

    with pytest.raises(DefinitionError, match="retries must be an int"):
        task(retries="3")(f)  # type: ignore[call-overload]


def test_cache_conflicts_and_defaults() -> None:
    def f(a: int) -> int:
        return a

    with pytest.raises(DefinitionError, match="cannot be combined with a Cache object"):
        task(cache=Cache(version="1"), cache_version="2")(f)
    with pytest.raises(DefinitionError, match="caching is off"):
        task(cache_version="2")(f)
    auto = task(cache=True)(f).template().metadata.cache
    assert auto is not None and len(auto.version) == 64  # hash of the function body
    with pytest.raises(DefinitionError, match="not an input"):
        task(cache=Cache(version="1", ignored_inputs=["zzz"]))(f).template()
    assert task(cache=Cache(version="1", ignored_inputs="a"))(
        f
    ).template().metadata.cache.ignored_inputs == ("a",)  # type: ignore[union-attr]


def test_resources_parsing_and_rules() -> None:
    assert Resources(cpu="2500m", mem="512Mi").to_spec() == ResourceSpec(
        cpu="2500m", memory="512Mi"
    )
    assert Resources(cpu=0.5, memory="1G", disk="10Gi").to_spec() == ResourceSpec(
        cpu="500m", memory="1000000000", ephemeral_storage="10Gi"
    )
    assert Resources(gpu="3000m").to_spec().gpu == "3"
    with pytest.raises(ResourceError, match="cannot parse"):
        Resources(mem="lots")
    with pytest.raises(ResourceError, match="2 items"):
        Resources(cpu=(1, 2, 3))

    def f() -> None:
        pass

    # GPUs in `requests` only (as the seeds write them) are also the limit, as Flyte sets them.
    gpu_only = task(requests=Resources(gpu="1"))(f).template().resources
    assert gpu_only.requests.gpu == gpu_only.limits.gpu == "1"
    mixed = task(requests=Resources(cpu="1", mem="1Gi", gpu="1"), limits=Resources(cpu="2"))(f)
    res = mixed.template().resources
    assert (res.requests.cpu, res.limits.cpu, res.limits.gpu, res.limits.memory) == (
        "1",
        "2",
        "1",
        "",
    )
    with pytest.raises(ResourceError, match="must be equal"):
        task(requests=Resources(gpu=1), limits=Resources(gpu=2))(f)
    with pytest.raises(ResourceError, match="exceed limits"):
        task(requests=Resources(mem="4Gi"), limits=Resources(mem="2Gi"))(f)
    req, lim = Resources(cpu=(1, 2)).split()
    assert (req.cpu, lim.cpu) == (1, 2)
    assert task(resources=Resources(cpu=(1, 2)))(f).template().resources.limits.cpu == "2"


def test_secret_validation() -> None:
    with pytest.raises(DefinitionError, match="Invalid environment variable name"):
        Secret(key="k", env_var="bad-name")
    assert (
        Secret(key="k", mount_requirement=Secret.MountType.FILE).to_ir().mount_requirement == "file"
    )


def test_image_spec_is_carried_with_a_stable_tag() -> None:
    a = ImageSpec(name="My-Image", packages=["numpy"], registry="ghcr.io/org")
    b = ImageSpec(name="my-image", packages=["numpy"], registry="ghcr.io/org")
    assert a.image_name() == b.image_name()
    assert a.image_name().startswith("ghcr.io/org/my-image:")
    assert a.with_packages("pandas").packages == ("numpy", "pandas")
    with pytest.raises(DefinitionError, match="list of strings"):
        ImageSpec(packages="numpy")
    with pytest.raises(DefinitionError, match="must not contain"):
        ImageSpec(copy=["../secret"])

    def f() -> None:
        pass

    ref = task(container_image=a)(f).template().image
    assert ref is not None and ref.spec is not None and '"numpy"' in ref.spec.json


def test_environment_is_set_while_the_task_runs() -> None:
    @task(environment={"FLYTELIKE_TEST_VAR": "yes"})
    def read() -> str:
        return os.environ["FLYTELIKE_TEST_VAR"]

    assert read() == "yes"
    assert "FLYTELIKE_TEST_VAR" not in os.environ


def test_node_dependency_hints_only_on_dynamic() -> None:
    def f() -> None:
        pass

    with pytest.raises(DefinitionError, match="only for @dynamic"):
        task(node_dependency_hints=[add])(f)
    d = dynamic(node_dependency_hints=[add])(f)
    assert d.template().metadata.node_dependency_hints == (add.id,)


def test_function_reference() -> None:
    assert add.template().function.module == __name__  # type: ignore[union-attr]
    assert add.template().function.qualname == "add"  # type: ignore[union-attr]
    assert add.template().function.pickled == b""  # type: ignore[union-attr]

    def local(a: int) -> int:
        return a

    ref = task(local).template().function
    assert ref is not None and ref.qualname.endswith("<locals>.local")
    assert ref.pickled == b""  # pickled only when shipped out of the process (ship_task)


def test_decoration_does_not_mutate_or_wrap_badly() -> None:
    assert add.__name__ == "add" and add.__doc__ and add.task_function(1, 1) == 2
    assert add.name == f"{__name__}.add"
    assert isinstance(add.template().interface.inputs[0].type, SimpleType)
    assert isinstance(with_list_default.template().interface.inputs[0].type, CollectionType)


def test_decorating_a_non_function_is_an_error() -> None:
    with pytest.raises(DefinitionError, match="decorates a function"):
        task(42)  # type: ignore[call-overload]


@task(deprecated="use add instead")
def old_add(a: int, b: int) -> int:
    return a + b


def test_deprecated_tasks_warn_where_they_are_used() -> None:
    from flytelike import workflow

    def body(a: int) -> int:
        return old_add(a=a, b=a)

    with pytest.warns(DeprecationWarning, match="is deprecated: use add instead"):
        workflow(body)
    assert old_add.template().metadata.deprecated == "use add instead"


def test_resources_survive_pickling_as_values_and_closures_carry_them() -> None:
    # Resources are immutable; pickle must rebuild them (a Resources inside an `Any` value or a
    # function shipped by value used to fail with "Resources is immutable").
    import pickle

    import cloudpickle

    import flytelike

    r = flytelike.Resources(cpu="1", mem="2Gi", gpu=1, shm="auto")
    assert pickle.loads(pickle.dumps(r)) == r
    assert cloudpickle.loads(cloudpickle.dumps({"r": r}))["r"] == r
    with pytest.raises(AttributeError, match="immutable"):
        pickle.loads(pickle.dumps(r)).cpu = "2"  # type: ignore[misc]
