"""Task plugins written as flytekit documents them (``PythonTask``/``PythonInstanceTask``
subclasses with ``execute(**kwargs)``, ``SQLTask`` subclasses, ``RawShellTask``), used by
``test_flytekit_task_plugins`` and run by ``flytelike run`` there. Only the import line differs
from flytekit."""

from __future__ import annotations

import dataclasses
import datetime
import sqlite3
import typing
from pathlib import Path

from flytelike import (
    FlyteDirectory,
    PythonInstanceTask,
    SQLTask,
    TaskMetadata,
    kwtypes,
    task,
    workflow,
)
from flytelike.core.base_task import IgnoreOutputs, PythonTask
from flytelike.core.interface import Interface
from flytelike.extras.tasks.shell import get_raw_shell_task


@dataclasses.dataclass
class Units:
    factor: float
    suffix: str


class Convert(PythonInstanceTask[Units]):
    """A plugin: every instance converts a number with its own config."""

    def __init__(self, name: str, config: Units, **kwargs: typing.Any) -> None:
        super().__init__(
            name=name,
            task_config=config,
            task_type="unit-convert",
            interface=Interface(inputs=kwtypes(value=float), outputs=kwtypes(o0=str)),
            **kwargs,
        )

    def execute(self, **kwargs: typing.Any) -> typing.Any:
        cfg = self.task_config
        return f"{kwargs['value'] * cfg.factor:g}{cfg.suffix}"


to_km = Convert(name="to_km", config=Units(0.001, " km"), metadata=TaskMetadata(retries=1))


class Split(PythonTask[None]):
    """Two outputs, an input default, the execute hooks and a custom entry."""

    def __init__(self, name: str, **kwargs: typing.Any) -> None:
        super().__init__(
            task_type="splitter",
            name=name,
            interface=Interface(
                inputs={"text": str, "sep": (str, ",")},
                outputs=kwtypes(head=str, rest=list[str]),
            ),
            **kwargs,
        )
        self.calls: list[str] = []

    def get_custom(self, settings: typing.Any = None) -> dict[str, typing.Any]:
        return {"mode": "first"}

    def pre_execute(self, user_params: typing.Any) -> typing.Any:
        self.calls.append("pre")
        return user_params

    def execute(self, **kwargs: typing.Any) -> typing.Any:
        first, *rest = kwargs["text"].split(kwargs["sep"])
        return first, rest

    def post_execute(self, user_params: typing.Any, rval: typing.Any) -> typing.Any:
        self.calls.append("post")
        return rval


split = Split(name="split")


class Replica(PythonTask[None]):
    """A replica whose outputs another replica writes on a cluster."""

    def __init__(self, name: str, outputs: dict[str, type]) -> None:
        super().__init__(task_type="replica", name=name, interface=Interface(outputs=outputs))

    def execute(self, **kwargs: typing.Any) -> typing.Any:
        raise IgnoreOutputs("rank 1: rank 0 writes the outputs")


quiet_replica = Replica("quiet_replica", {})
loud_replica = Replica("loud_replica", {"o0": int})


class CountRows(SQLTask[str]):
    """A SQL plugin that runs its query itself (task_config: the database path)."""

    def __init__(self, name: str, query_template: str, db: str) -> None:
        super().__init__(
            name=name,
            query_template=query_template,
            task_config=db,
            inputs=kwtypes(min_id=int),
            outputs=kwtypes(count=int),
        )

    def execute(self, **kwargs: typing.Any) -> typing.Any:
        with sqlite3.connect(self.task_config or "") as con:
            return con.execute(self.get_query(**kwargs)).fetchone()[0]


def make_count_rows(db: str) -> CountRows:
    return CountRows(
        "count_rows",
        """select count(*)
           from tracks where id >= {{ .inputs.min_id }}""",
        db,
    )


@task
def shout(text: str) -> str:
    return text.upper()


@workflow
def convert_wf(meters: float = 1500.0) -> str:
    return shout(text=to_km(value=meters))


@workflow
def split_wf(text: str) -> list[str]:
    _head, rest = split(text=text)
    return rest


raw = get_raw_shell_task("raw")


@task
def read_greeting(d: FlyteDirectory) -> str:
    return (Path(d.path) / "greeting.txt").read_text().strip()


@workflow
def replica_wf() -> None:
    quiet_replica()


@workflow
def raw_wf(script_file: str, who: str) -> str:
    out = raw(env={"GREETING": "hello there"}, script_args=who, script_file=script_file)
    return read_greeting(d=out)


slow_plugin_timeout = datetime.timedelta(seconds=1)


class Sleeper(PythonInstanceTask[None]):
    def __init__(self, name: str, **kwargs: typing.Any) -> None:
        super().__init__(name=name, interface=Interface(inputs=kwtypes(seconds=float)), **kwargs)

    def execute(self, **kwargs: typing.Any) -> typing.Any:
        import time

        time.sleep(kwargs["seconds"])


sleeper = Sleeper("sleeper", metadata=TaskMetadata(timeout=slow_plugin_timeout))
