"""@workflow: compiling bodies with promises, binding type checks, DSL misuse errors."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import NamedTuple

import pytest

from flytelike import (
    Resources,
    WorkflowFailurePolicy,
    create_node,
    task,
    workflow,
)
from flytelike.errors import (
    ArgumentError,
    BindingTypeError,
    CompileError,
    DefinitionError,
    PromiseUsageError,
)
from flytelike.ir import (
    START_NODE,
    CollectionBinding,
    Constant,
    MapBinding,
    PromiseRef,
    WorkflowNode,
)
from flytelike.types.file import FlyteFile

CsvFile = FlyteFile["csv"]
PngFile = FlyteFile["png"]


@dataclass
class Point:
    x: int
    tags: list[str]


class Stats(NamedTuple):
    mean: float
    count: int


@task
def make_point(x: int) -> Point:
    return Point(x=x, tags=[f"t{x}"])


@task
def stats(xs: list[int]) -> Stats:
    return Stats(sum(xs) / len(xs), len(xs))


@task
def double(x: int) -> int:
    return 2 * x


@task
def to_str(x: int) -> str:
    return str(x)


@task
def total(xs: list[int]) -> int:
    return sum(xs)


@task
def join(parts: dict[str, int]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(parts.items()))


@task
def show(s: str) -> str:
    return s


@task
def halve(x: float) -> float:
    return x / 2


def test_keyword_and_positional_calls() -> None:
    @workflow
    def wf(a: int) -> int:
        return double(double(a))

    assert wf(a=3) == 12
    assert wf(3) == 12
    nodes = wf.template().nodes
    assert nodes[1].inputs[0].value == PromiseRef("n0", "o0")
    assert nodes[0].inputs[0].value == PromiseRef(START_NODE, "a")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda a: double(a, a), "Received more arguments than expected in function"),
        (lambda a: double(y=a), "Received unexpected keyword argument 'y'"),
        (lambda a: double(a, x=a), "Got multiple values for argument 'x'"),
        (lambda a: double(), "input `x` of type `int` was not given and has no default"),
    ],
)
def test_argument_errors_inside_a_workflow(call, message) -> None:  # type: ignore[no-untyped-def]
    def body(a: int) -> int:
        return call(a)  # type: ignore[no-any-return]

    with pytest.raises(ArgumentError, match=message) as info:
        workflow(body)
    assert "test_workflow.py:" in str(info.value)


def test_binding_type_mismatch_names_everything() -> None:
    def body(a: int) -> str:
        s = to_str(x=a)
        return show(s=double(x=s))  # line of the bad call

    with pytest.raises(BindingTypeError) as info:
        workflow(body)
    msg = str(info.value)
    assert "workflow `" in msg and "body`" in msg
    assert "node n1 (task `tests.compiler.test_workflow.double`)" in msg or "node n1" in msg
    assert "input `x` expects `int`, got `str`" in msg
    assert "test_workflow.py:" in msg
    assert info.value.node_id == "n1" and info.value.input_name == "x"


def test_int_promise_is_not_silently_a_float() -> None:
    def body(a: int) -> float:
        return halve(x=a)

    with pytest.raises(BindingTypeError, match="expects `float`, got `int`"):
        workflow(body)


def test_a_file_without_a_format_binds_to_a_typed_file_input() -> None:
    # flytekit binds `-> FlyteDirectory` to `FlyteDirectory["csv"]`; two formats still differ
    @task
    def produce() -> FlyteFile:
        return FlyteFile(__file__)

    @task
    def consume(f: CsvFile) -> str:
        return f.format

    @task
    def png() -> PngFile:
        return FlyteFile(__file__)

    def ok() -> str:
        return consume(f=produce())  # type: ignore[no-any-return]

    assert workflow(ok)() == "csv"

    def mixed() -> str:
        return consume(f=png())  # type: ignore[no-any-return]

    with pytest.raises(BindingTypeError, match="expects `File"):
        workflow(mixed)


def test_constants_lists_and_dicts_of_promises() -> None:
    @workflow
    def wf(a: int) -> str:
        n = total(xs=[a, double(x=a), 10])
        return join(parts={"a": a, "n": n, "k": 1})

    assert wf(a=1) == "a=1,k=1,n=13"
    nodes = wf.template().nodes
    binding = nodes[1].inputs[0].value
    assert isinstance(binding, CollectionBinding)
    assert isinstance(binding.items[2], Constant)
    assert isinstance(nodes[2].inputs[0].value, MapBinding)
    assert nodes[1].upstream == ("n0",)


def test_bad_constant_is_a_binding_error() -> None:
    def body() -> int:
        return double(x="nope")

    with pytest.raises(BindingTypeError, match="constant 'nope' does not convert"):
        workflow(body)


def test_attribute_access_on_outputs() -> None:
    @workflow
    def wf(a: int, xs: list[int]) -> str:
        p = make_point(x=a)
        s = stats(xs=xs)
        _mean, count = s
        return join(parts={"x": p.x, "n": s.count, "c": count, "first": double(x=xs[0])})

    assert wf(a=5, xs=[1, 2, 3]) == "c=3,first=2,n=3,x=5"
    refs = [v for _, v in wf.template().nodes[3].inputs[0].value.items]  # type: ignore[union-attr]
    assert refs[0] == PromiseRef("n0", "o0", ("x",))


def test_attribute_errors_are_explained() -> None:
    def body(a: int) -> int:
        return double(x=make_point(x=a).missing)

    with pytest.raises(PromiseUsageError, match="no attribute 'missing'"):
        workflow(body)


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        (lambda p: 1 if p else 0, "Truth value of a promise"),
        (lambda p: [v for v in p], "not iterable"),
        (lambda p: p + 1, "Arithmetic on a promise"),
        (lambda p: f"{p:>8}", "formatted into a string"),
        (lambda p: len(p), "len"),
        (lambda p: p > 1 and p < 3, "Truth value"),
    ],
)
def test_promise_misuse(expr, message) -> None:  # type: ignore[no-untyped-def]
    def body(a: int) -> int:
        expr(double(x=a))
        return a

    with pytest.raises(PromiseUsageError, match=message) as info:
        workflow(body)
    assert "test_workflow.py:" in str(info.value)
    assert "conditional" in str(info.value) or "task" in str(info.value)


def test_an_f_string_of_a_promise_prints_but_is_refused_as_a_value() -> None:
    from flytelike.errors import PromiseTextWarning

    def printed(a: int) -> int:
        b = double(x=a)
        print(f"{b}")  # flytesnacks' lp_schedules example: the placeholder, while compiling
        return b

    with pytest.warns(PromiseTextWarning, match="placeholder"):
        wf = workflow(printed)
    assert wf(a=2) == 4

    @task
    def shout(s: str) -> str:
        return s.upper()

    def passed_on(a: int) -> str:
        return shout(s=f"value={double(x=a)}")

    with (
        pytest.warns(PromiseTextWarning),
        pytest.raises(PromiseUsageError, match=r"input `s` was given the string 'value=Promise"),
    ):
        workflow(passed_on)


def test_printing_a_promise_warns_and_prints_its_node_output(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from flytelike.errors import PromiseTextWarning

    def body(a: int) -> int:
        b = double(x=a)
        print(b)  # as flytekit: the placeholder's text, while the workflow compiles
        return b

    with pytest.warns(PromiseTextWarning, match=r"test_workflow.py:\d+: `o0` of node n0"):
        wf = workflow(body)
    assert "Promise(node n0" in capsys.readouterr().out
    assert wf(a=2) == 4


def test_partial_of_a_task() -> None:
    @workflow
    def wf(a: int, b: int) -> int:
        part = functools.partial(total)
        return part(xs=[a, b])

    assert wf(a=1, b=2) == 3


def test_subworkflows_are_embedded_nodes() -> None:
    @workflow
    def inner(a: int) -> int:
        return double(x=a)

    @workflow
    def outer(a: int) -> int:
        return inner(a=inner(a=a))

    assert outer(a=1) == 4
    nodes = outer.template().nodes
    assert isinstance(nodes[0].target, WorkflowNode)
    assert nodes[0].target.workflow == inner.id


def test_outputs_must_match_the_declaration() -> None:
    def none_declared(a: int):  # type: ignore[no-untyped-def]
        return double(x=a)

    with pytest.raises(CompileError, match="declares no outputs"):
        workflow(none_declared)

    def too_few(a: int) -> tuple[int, int]:
        return double(x=a)  # type: ignore[return-value]

    with pytest.raises(CompileError, match="declares 2 outputs"):
        workflow(too_few)

    def wrong_type(a: int) -> str:
        return double(x=a)  # type: ignore[return-value]

    with pytest.raises(BindingTypeError, match="expects `str`, got `int`"):
        workflow(wrong_type)


def test_ordering_with_rshift_and_create_node() -> None:
    @workflow
    def wf(a: int) -> int:
        first = create_node(double, x=a)
        second = create_node(double, x=a)
        third = double(x=second.o0)
        second >> first
        third >> first
        return first.outputs["o0"]

    nodes = {n.id: n for n in wf.template().nodes}
    assert nodes["n0"].upstream == ("n1", "n2")
    assert wf(a=1) == 2


def test_cycles_are_rejected() -> None:
    def body(a: int) -> int:
        x = double(x=a)
        y = double(x=a)
        x >> y
        y >> x
        return x

    with pytest.raises(CompileError, match="cycle"):
        workflow(body)


def test_with_overrides_live_on_the_node() -> None:
    @workflow
    def wf(a: int) -> int:
        return double(x=a).with_overrides(
            node_name="My_Node",
            name="display",
            retries=2,
            timeout=30,
            requests=Resources(cpu=1),
            limits=Resources(cpu=2),
            cache=True,
            cache_version="v",
            interruptible=True,
            container_image="img:1",
        )

    node = wf.template().nodes[0]
    assert (node.id, node.name) == ("my-node", "display")
    ov = node.overrides
    assert ov is not None and (ov.retries, ov.timeout, ov.interruptible) == (2, 30.0, True)
    assert ov.cache is not None and ov.cache.version == "v"
    assert ov.container_image is not None and ov.container_image.uri == "img:1"
    assert double.template().metadata.retries is None  # the task is unchanged


def test_with_overrides_errors() -> None:
    def promise_value(a: int) -> int:
        return double(x=a).with_overrides(retries=double(x=a))

    with pytest.raises(CompileError, match="Cannot use a promise in the retries"):
        workflow(promise_value)

    def unknown(a: int) -> int:
        return double(x=a).with_overrides(colour="red")

    with pytest.raises(CompileError, match="does not take colour"):
        workflow(unknown)

    def both(a: int) -> int:
        return double(x=a).with_overrides(resources=Resources(cpu=1), requests=Resources(cpu=1))

    with pytest.raises(CompileError, match="can not be used together"):
        workflow(both)

    def sub_bad(a: int) -> int:
        return inner_wf(a=a).with_overrides(retries=1)

    with pytest.raises(CompileError, match="does not take retries"):
        workflow(sub_bad)


@workflow
def inner_wf(a: int) -> int:
    return double(x=a)


def test_duplicate_node_names() -> None:
    def body(a: int) -> int:
        double(x=a).with_overrides(node_name="same")
        return double(x=a).with_overrides(node_name="same")

    with pytest.raises(CompileError, match="two nodes have the id 'same'"):
        workflow(body)


def test_loops_over_constants_unroll() -> None:
    @workflow
    def wf(a: int) -> list[int]:
        return [double(x=i) for i in range(3)] + [double(x=a)]

    assert wf(a=5) == [0, 2, 4, 10]
    assert [n.id for n in wf.template().nodes] == ["n0", "n1", "n2", "n3"]


def test_workflow_defaults_and_docstring() -> None:
    @workflow(
        failure_policy=WorkflowFailurePolicy.FAIL_AFTER_EXECUTABLE_NODES_COMPLETE,
        interruptible=True,
    )
    def wf(xs: list[int] = [1, 2]) -> int:  # noqa: B006
        """Sum the list."""
        return total(xs=xs)

    assert wf() == 3
    t = wf.template()
    assert t.metadata.failure_policy == "FAIL_AFTER_EXECUTABLE_NODES_COMPLETE"
    assert t.metadata.interruptible is True and t.metadata.description == "Sum the list."
    assert t.interface.inputs[0].default is not None


def test_on_failure_signature() -> None:
    @task
    def handler(a: int, error: str) -> None:
        pass

    @workflow(on_failure=handler)
    def good(a: int) -> int:
        return double(x=a)

    assert good.template().metadata.on_failure == handler.id

    @task
    def bad_handler(error: str) -> None:
        pass

    def bad(a: int) -> int:
        return double(x=a)

    with pytest.raises(DefinitionError, match="lacks the workflow input `a`"):
        workflow(on_failure=bad_handler)(bad)

    @task
    def extra_handler(a: int, retries_left: int) -> None:
        pass

    with pytest.raises(DefinitionError, match="`retries_left`, which is not a workflow input"):
        workflow(on_failure=extra_handler)(bad)

    @task
    def typed_handler(a: str) -> None:
        pass

    with pytest.raises(DefinitionError, match="takes `a` as"):
        workflow(on_failure=typed_handler)(bad)

    @workflow
    def cleanup_wf(a: int, note: str | None = None) -> None:  # no `err`: fine
        handler(a=a, error="")

    assert workflow(on_failure=cleanup_wf)(bad).template().metadata.on_failure == cleanup_wf.id


def test_versions_are_content_hashes() -> None:
    def make(n: int):  # type: ignore[no-untyped-def]
        def chain(a: int) -> int:
            for _ in range(n):
                a = double(x=a)
            return a

        return workflow(chain)

    assert make(2).id.version == make(2).id.version
    assert make(2).id.version != make(3).id.version


@dataclass
class Config:
    level: int


@task(task_config=Config(level=1))
def configured(x: int) -> int:
    return x


def test_overrides_of_task_config_accelerator_and_map() -> None:
    from flytelike import map_task
    from flytelike.extras.accelerators import A100

    @workflow
    def wf(xs: list[int]) -> list[int]:
        configured(x=1).with_overrides(
            task_config=Config(level=2), accelerator=A100.partition_1g_5gb
        )
        return map_task(double)(x=xs).with_overrides(requests=Resources(mem="2Gi"))

    first, second = wf.template().nodes
    assert first.overrides is not None and first.overrides.task_config is not None
    assert first.overrides.task_config.json == '{"level":2}'
    assert (
        first.overrides.accelerator is not None
        and first.overrides.accelerator.partition == "1g.5gb"
    )
    assert second.overrides is not None and second.overrides.resources is not None
    assert second.overrides.resources.requests.memory == "2Gi"

    def wrong_config(x: int) -> int:
        return configured(x=x).with_overrides(task_config={"level": 2})

    with pytest.raises(CompileError, match="can't change the type of the task config"):
        workflow(wrong_config)


def test_runs_before_and_dataclass_list_items() -> None:
    @workflow
    def wf(a: int) -> str:
        p = make_point(x=a)
        later = show(s=p.tags[0])
        p.runs_before(later)
        first = double(x=a)
        first.runs_before(p)
        return later

    assert wf(a=3) == "t3"
    nodes = {n.id: n for n in wf.template().nodes}
    assert nodes["n1"].inputs[0].value == PromiseRef("n0", "o0", ("tags", 0))
    assert nodes["n0"].upstream == ("n2",)


def test_promise_repr_is_safe_and_readable() -> None:
    seen: list[str] = []

    def body(a: int) -> int:
        p = double(x=a)
        seen.append(repr(p))
        return p

    workflow(body)
    assert seen == [f"Promise(node n0 (task `{__name__}.double`).o0)"]
