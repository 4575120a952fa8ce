"""flytekit's documented extension points with the import line changed: a flytekit-style
``TypeTransformer`` (``get_literal_type``, ``to_literal(ctx, python_val, python_type,
expected)``, ``to_python_value(ctx, lv, expected_python_type)`` on ``flytekit.models`` literals)
registered with ``TypeEngine.register``; ``FlyteContextManager.current_context()``; ``Echo``;
the deck renderers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from flytelike import FlyteContext, FlyteContextManager, task, workflow
from flytelike.core.task import Echo
from flytelike.deck import MarkdownRenderer, SourceCodeRenderer
from flytelike.deck.renderer import PythonDependencyRenderer
from flytelike.errors import TaskTimeoutError
from flytelike.extend import TypeEngine, TypeTransformer
from flytelike.models.literals import Literal, LiteralCollection, Primitive, Scalar
from flytelike.models.types import LiteralType, SimpleType
from typesystem import Scalar as OurScalar
from typesystem import SimpleKind
from typesystem import SimpleType as OurSimpleType


class Money:
    def __init__(self, cents: int) -> None:
        self.cents = cents


SEEN: list[object] = []


class MoneyTransformer(TypeTransformer[Money]):
    """Written as flytekit's docs write a custom transformer."""

    def __init__(self) -> None:
        super().__init__(name="money", t=Money)

    def get_literal_type(self, t: type[Money]) -> LiteralType:
        return LiteralType(simple=SimpleType.STRING)

    def to_literal(
        self, ctx: FlyteContext, python_val: Money, python_type: type, expected: LiteralType
    ) -> Literal:
        SEEN.append(ctx)
        assert expected.simple == SimpleType.STRING
        return Literal(scalar=Scalar(primitive=Primitive(string_value=f"{python_val.cents}c")))

    def to_python_value(self, ctx: FlyteContext, lv: Literal, expected_python_type: type) -> Money:
        return Money(int(lv.scalar.primitive.string_value[:-1]))


TypeEngine.register(MoneyTransformer())


@task
def add(a: Money, b: Money) -> Money:
    return Money(a.cents + b.cents)


@workflow
def total(a: Money) -> Money:
    return add(a=add(a=a, b=Money(5)), b=Money(1))


def test_flytekit_transformer_types_and_converts() -> None:
    assert TypeEngine.to_literal_type(Money) == OurSimpleType(SimpleKind.STRING)
    lit = TypeEngine.to_literal(FlyteContextManager.current_context(), Money(7), Money, None)
    assert lit == OurScalar("7c")
    assert TypeEngine.to_python_value(None, lit, Money).cents == 7
    # flytekit code reading a literal through TypeEngine with a view works too
    view = Literal(scalar=Scalar(primitive=Primitive(string_value="3c")))
    assert TypeEngine.to_python_value(None, view, Money).cents == 3


def test_flytekit_transformer_in_a_task_and_a_workflow() -> None:
    SEEN.clear()
    assert add(a=Money(1), b=Money(2)).cents == 3
    assert total(a=Money(10)).cents == 16
    assert SEEN and all(isinstance(c, FlyteContext) for c in SEEN)


def test_type_assertions_run_before_to_literal() -> None:
    with pytest.raises(Exception, match=r"type assertion of transformer .money."):
        TypeEngine.to_literal(None, "not money", Money, None)


def test_literal_views_round_trip_to_our_model() -> None:
    from typesystem._kit import to_model, to_view

    lit = Literal(
        collection=LiteralCollection([Literal(scalar=Scalar(primitive=Primitive(integer=1)))])
    )
    ours = to_model(lit)
    assert TypeEngine.to_python_value(None, ours, list[int]) == [1]
    back = to_view(TypeEngine.to_literal(None, [4, 5], list[int], None))
    assert [x.scalar.primitive.integer for x in back.collection.literals] == [4, 5]


def test_enum_literal_types_have_flytekit_views() -> None:
    import enum

    from flytelike.models.core.types import EnumType
    from typesystem._kit import type_to_model, type_to_view

    class Colour(enum.Enum):
        RED = "red"
        BLUE = "blue"

    ours = TypeEngine.to_literal_type(Colour)
    view = type_to_view(ours)
    assert view.enum_type == EnumType(["red", "blue"])
    assert type_to_model(view) == ours
    built = type_to_model(LiteralType(enum_type=EnumType(["a", "b"])))
    assert type_to_view(built).enum_type.values == ["a", "b"]


def test_current_context_outside_and_inside_a_task(tmp_path: Path) -> None:
    ctx = FlyteContextManager.current_context()
    assert ctx.compilation_state is None and ctx.execution_state is None
    local = ctx.file_access.get_random_local_path("x.txt")
    assert local.endswith("x.txt") and os.path.isdir(os.path.dirname(local))
    src = tmp_path / "a.txt"
    src.write_text("hello")
    remote = ctx.file_access.get_random_remote_path("a.txt")
    ctx.file_access.put_data(str(src), remote)
    dst = tmp_path / "b.txt"
    ctx.file_access.get_data(remote, str(dst))
    assert dst.read_text() == "hello"

    @task
    def inside() -> str:
        c = FlyteContextManager.current_context()
        es = c.execution_state
        assert es is not None and es.mode == es.Mode.TASK_EXECUTION
        return str(c.user_space_params.execution_id.name)

    assert inside()


def test_compilation_state_while_a_workflow_compiles() -> None:
    seen: list[object] = []

    @workflow
    def wf() -> None:
        seen.append(FlyteContextManager.current_context().compilation_state)

    assert seen and seen[0] is not None


def test_new_execution_state_and_with_context(tmp_path: Path) -> None:
    ctx = FlyteContextManager.current_context()
    es = ctx.new_execution_state(tmp_path)
    with FlyteContextManager.with_context(ctx.with_execution_state(es)) as inner:
        assert FlyteContextManager.current_context() is inner
        assert inner.execution_state is es and es.working_dir == str(tmp_path)
    assert FlyteContextManager.current_context().execution_state is None


def test_echo_returns_its_inputs() -> None:
    echo = Echo(name="echo_two", inputs={"a": int, "b": str})

    @task
    def inc(a: int) -> int:
        return a + 1

    @workflow
    def wf(a: int) -> tuple[int, str]:
        x, y = echo(a=inc(a=a), b="hi")
        return x, y

    assert tuple(echo(a=1, b="x")) == (1, "x")
    assert tuple(wf(a=1)) == (2, "hi")
    assert Echo(name="echo_one", inputs={"v": float})(v=2.5) == 2.5


def test_renderers() -> None:
    out = MarkdownRenderer().to_html("# Title\n\nsome *text*")
    assert "<h1>Title</h1>" in out and "<em>text</em>" in out  # markdown-it-py comes with rich
    code = SourceCodeRenderer().to_html("x = 1 < 2")
    assert "x" in code and "< 2" not in code
    assert "<table>" in PythonDependencyRenderer().to_html()


def test_renderers_without_their_optional_packages(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda name, package=None: None)
    out = MarkdownRenderer().to_html("# Title\n\nsome <b>\ntext")
    assert out == "<p># Title</p>\n<p>some &lt;b&gt;<br>text</p>\n"
    assert SourceCodeRenderer().to_html("x < 2") == '<pre class="highlight">x &lt; 2</pre>'


def test_get_reference_entity_runs_when_mocked() -> None:
    from flytelike.core.reference import get_reference_entity
    from flytelike.core.reference_entity import TaskReference
    from flytelike.errors import ReferenceEntityError
    from flytelike.testing import task_mock

    ref = get_reference_entity(
        TaskReference, "p", "d", "app.double", "v1", inputs={"a": int}, outputs={"o0": int}
    )
    assert TaskReference("p", "d", "app.double", "v1").id == ref.id

    @workflow
    def wf(a: int) -> int:
        return ref(a=a)

    with task_mock(ref) as m:
        m.return_value = 7
        assert wf(a=1) == 7
        m.assert_called_once_with(a=1)
    with pytest.raises(ReferenceEntityError, match="cannot run locally"):
        wf(a=1)
    wf_ref = get_reference_entity(2, "p", "d", "app.wf", "v1", inputs={}, outputs={})
    assert wf_ref.id.resource_type.value == "workflow"
    with pytest.raises(Exception, match="is not a task"):
        get_reference_entity(9, "p", "d", "x", "v1", inputs={}, outputs={})


def test_flytekit_system_exceptions_are_retried() -> None:
    from flytelike.exceptions.system import FlyteSystemUnavailableException

    calls: list[int] = []

    @task(retries=2)
    def flaky() -> int:
        calls.append(1)
        if len(calls) < 2:
            raise FlyteSystemUnavailableException("try again")
        return len(calls)

    assert flaky() == 2


def test_file_sensor_waits_for_the_file(tmp_path: Path) -> None:
    import threading

    from flytelike.sensor import FileSensor

    path = tmp_path / "ready"
    sensor = FileSensor(name="wait_for_ready")

    @task
    def after() -> str:
        return "done"

    @workflow
    def wf(path: str) -> str:
        s = sensor(path=path)
        t = after()
        s >> t
        return t

    timer = threading.Timer(0.3, path.touch)
    timer.start()
    assert wf(path=str(path)) == "done"
    assert path.exists()


def test_a_sensor_times_out_and_carries_its_config() -> None:
    import dataclasses

    from flytelike.sensor import BaseSensor

    @dataclasses.dataclass
    class Cfg:
        topic: str

    class Never(BaseSensor):
        async def poke(self, name: str) -> bool:
            return False

    never = Never(name="never_ready", timeout=1, sensor_config=Cfg("t"))
    assert dict(never.template().custom)["sensor_config"] == '{"topic": "t"}'
    # A direct call is a run: the engine stops it at its timeout, as for any task.
    with pytest.raises(TaskTimeoutError, match="timed out after 1s"):
        never(name="x")

    # Called in place inside a running task, the sensor ends its own poking.
    @task
    def waits() -> str:
        try:
            never(name="x")
        except TimeoutError as e:
            return str(e)
        return "no timeout"

    assert "still false after its timeout of 1 s" in waits()


def test_sqlite3_task_runs_its_query_locally(tmp_path: Path) -> None:
    import sqlite3
    import tarfile

    pd = pytest.importorskip("pandas")
    from flytelike import kwtypes
    from flytelike.extras.sqlite3.task import SQLite3Config, SQLite3Task

    db = tmp_path / "chinook.db"
    with sqlite3.connect(db) as con:
        con.execute("create table tracks (id int, name text)")
        con.executemany("insert into tracks values (?, ?)", [(i, f"t{i}") for i in range(5)])
    con.close()
    archive = tmp_path / "db.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(db, arcname="chinook.db")

    query = SQLite3Task(
        name="first_tracks",
        query_template="SELECT * FROM tracks WHERE id < {{ .inputs.limit }}",
        inputs=kwtypes(limit=int),
        task_config=SQLite3Config(uri=str(archive), compressed=True),
    )

    def count_rows(df):  # type: ignore[no-untyped-def]
        return len(df)

    # (annotations set as objects: this module's annotations are strings and pandas is local)
    count_rows.__annotations__ = {"df": pd.DataFrame, "return": int}
    count = task(count_rows)

    @workflow
    def wf(limit: int) -> int:
        return count(df=query(limit=limit))

    assert list(query(limit=2)["name"]) == ["t0", "t1"]
    assert wf(limit=4) == 4
    plain = SQLite3Task(
        name="all_tracks",
        query_template="SELECT count(*) AS n FROM tracks",
        task_config=SQLite3Config(uri=str(db)),
    )
    assert int(plain()["n"][0]) == 5
