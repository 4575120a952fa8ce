"""Class-based tasks with a timeout, for ``test_class_task_timeouts`` (also run by the CLI)."""

from __future__ import annotations

import datetime
import sqlite3
from pathlib import Path

from flytelike import ShellTask, TaskMetadata, kwtypes, workflow
from flytelike.extras.sqlite3.task import SQLite3Config, SQLite3Task
from flytelike.sensor import BaseSensor

SHORT = datetime.timedelta(seconds=1)

# The script's child records its pid in `marker`, then outlives the deadline by far.
slow_shell = ShellTask(
    name="slow_shell",
    script="sleep 60 & echo $! > {inputs.marker}; wait",
    inputs=kwtypes(marker=str),
    metadata=TaskMetadata(timeout=SHORT),
)


@workflow
def shell_wf(marker: str) -> None:
    slow_shell(marker=marker)


class NeverReady(BaseSensor):
    async def poke(self, topic: str) -> bool:
        return False


never_ready = NeverReady(name="never_ready", timeout=SHORT)


@workflow
def sensor_wf(topic: str) -> None:
    never_ready(topic=topic)


def endless_db(path: Path) -> str:
    with sqlite3.connect(path) as con:
        con.execute("create table t (x int)")
    return str(path)


def endless_query(db: str) -> SQLite3Task:
    """A SQL task whose query never ends (a recursive count without a bound)."""
    return SQLite3Task(
        name="endless_query",
        query_template=(
            "with recursive c(x) as (select 1 union all select x + 1 from c) "
            "select count(*) as n from c where x > {{ .inputs.floor }}"
        ),
        inputs=kwtypes(floor=int),
        task_config=SQLite3Config(uri=db),
        metadata=TaskMetadata(timeout=SHORT),
    )
