"""flytekit's documented ways to write a task as a class run here with only the import
changed: ``PythonInstanceTask``/``PythonTask`` plugins (``execute(**kwargs)``, ``task_config``,
``task_type``, an ``Interface`` of ``kwtypes``), ``SQLTask`` subclasses, ``RawShellTask`` /
``get_raw_shell_task``, ``subproc_execute`` and ``IgnoreOutputs``: in workflows, direct calls and
``flytelike run``."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from flytelike import workflow
from flytelike.cli import main
from flytelike.engine import Engine
from flytelike.errors import DefinitionError, LocalExecutionError, TaskTimeoutError
from tests.compiler import kit_plugin_wfs as wfs

WFS = str(Path(wfs.__file__))


def test_an_instance_task_plugin_runs_in_a_workflow(flytelike_engine: Engine) -> None:
    assert wfs.to_km(value=2500.0) == "2.5 km"
    assert wfs.convert_wf() == "1.5 KM"
    tmpl = wfs.to_km.template()
    assert tmpl.kind == "unit-convert" and wfs.to_km.task_type == "unit-convert"
    assert tmpl.task_config is not None and json.loads(tmpl.task_config.json) == {
        "factor": 0.001,
        "suffix": " km",
    }
    assert tmpl.metadata.retries == 1
    assert wfs.to_km.loc[0] == WFS  # located where the instance is made, not in the plugin


def test_a_python_task_with_two_outputs_a_default_and_hooks(flytelike_engine: Engine) -> None:
    res = wfs.split(text="a,b,c")
    assert (res.head, res.rest) == ("a", ["b", "c"])
    assert wfs.split(text="a b", sep=" ").rest == ["b"]
    assert wfs.split_wf(text="x,y") == ["y"]
    assert wfs.split.calls[:2] == ["pre", "post"]
    assert dict(wfs.split.template().custom) == {"mode": '"first"'}
    assert list(wfs.split.interface.inputs) == ["text", "sep"]
    assert wfs.split.interface.default_inputs_as_kwargs == {"sep": ","}


def test_ignore_outputs(flytelike_engine: Engine) -> None:
    # No outputs: the replica's work is done; outputs declared: nothing else produces them here.
    assert wfs.quiet_replica() is None
    wfs.replica_wf()
    with pytest.raises(LocalExecutionError, match="raised IgnoreOutputs, but it declares outputs"):
        wfs.loud_replica()


def test_a_sql_task_subclass_runs_its_query(flytelike_engine: Engine, tmp_path: Path) -> None:
    from flytelike.core.base_sql_task import SQLTask

    db = tmp_path / "music.db"
    with sqlite3.connect(db) as con:
        con.execute("create table tracks (id int)")
        con.executemany("insert into tracks values (?)", [(i,) for i in range(10)])
    count_rows = wfs.make_count_rows(str(db))
    assert count_rows.query_template == (
        "select count(*) from tracks where id >= {{ .inputs.min_id }}"
    )
    assert count_rows.get_query(min_id=3).endswith("where id >= 3")
    assert count_rows(min_id=7) == 3

    @workflow
    def counted(min_id: int) -> int:
        return count_rows(min_id=min_id)

    assert counted(min_id=2) == 8
    assert dict(count_rows.template().custom)["query_template"].startswith('"select count(*)')
    bare = SQLTask("bare_sql", "select 1", inputs={}, outputs={"o0": int})
    with pytest.raises(LocalExecutionError, match="subclass it and define execute"):
        bare()


def test_sqlite3_task_is_a_sql_task() -> None:
    from flytelike import SQLTask
    from flytelike.extras.sqlite3.task import SQLite3Task

    assert issubclass(SQLite3Task, SQLTask)


def test_raw_shell_task_exports_its_env(flytelike_engine: Engine, tmp_path: Path) -> None:
    script = tmp_path / "greet.sh"
    script.write_text('#!/bin/bash\necho "$GREETING, $1" > greeting.txt\n')
    script.chmod(0o755)
    assert wfs.raw_wf(script_file=str(script), who="Ada") == "hello there, Ada"
    from flytelike.extras.tasks.shell import RawShellTask

    export = RawShellTask.make_export_string_from_env_dict({"A": "x y", "B_2": "$z"})
    assert export == "export A='x y'\nexport B_2='$z'"
    with pytest.raises(ValueError, match="not a shell variable name"):
        RawShellTask.make_export_string_from_env_dict({"1A": "x"})


def test_subproc_execute() -> None:
    from flytelike.extras.tasks.shell import ProcessResult, subproc_execute

    assert subproc_execute(["echo", "hi"]) == ProcessResult(0, "hi\n", "")
    assert subproc_execute("echo $((1 + 2))").output == "3\n"
    with pytest.raises(LocalExecutionError, match="exit code 3: oops"):
        subproc_execute("echo oops >&2; exit 3")
    with pytest.raises(LocalExecutionError, match="is it installed"):
        subproc_execute(["no-such-command-xyz"])


def test_a_plugin_task_honours_its_timeout(flytelike_engine: Engine) -> None:
    with pytest.raises(TaskTimeoutError, match="timed out after 1s"):
        wfs.sleeper(seconds=30.0)


def test_a_plugin_takes_its_secrets_from_security_ctx() -> None:
    from flytelike import Secret, SecurityContext

    sc = SecurityContext(secrets=[Secret(group="db", key="password")])
    t = wfs.Sleeper("with_secret", security_ctx=sc)
    assert [(s.group, s.key) for s in t.template().secrets] == [("db", "password")]


def test_bad_plugin_definitions_say_what_to_fix() -> None:
    from flytelike.core.base_task import PythonTask
    from flytelike.core.interface import Interface

    with pytest.raises(DefinitionError, match="task_type must be a non-empty string"):
        PythonTask(task_type="", name="t")
    with pytest.raises(DefinitionError, match="interface must be an Interface"):
        PythonTask(task_type="k", name="t", interface={"a": int})  # type: ignore[arg-type]
    with pytest.raises(DefinitionError, match=r"must be a type or \(type, default\)"):
        Interface(inputs={"a": (int, 1, 2)})
    with pytest.raises(DefinitionError, match="timeout is given both"):
        wfs.Sleeper("twice", metadata=wfs.TaskMetadata(timeout=1), timeout=2)
    with pytest.raises(DefinitionError, match="unexpected parameter"):
        wfs.Sleeper("odd", colour="red")


def test_flytelike_run_runs_plugin_workflows(flytelike_home: Path) -> None:
    r = CliRunner().invoke(main, ["run", WFS, "convert_wf", "--meters", "42"])
    assert r.exit_code == 0, (r.output, r.exception)
    assert "0.042 KM" in r.stdout
    r = CliRunner().invoke(main, ["run", WFS, "split_wf", "--text", "p,q,r"])
    assert r.exit_code == 0, (r.output, r.exception)
    assert json.loads(r.stdout) == {"o0": ["q", "r"]}


def test_flytelike_run_runs_a_raw_shell_workflow(flytelike_home: Path, tmp_path: Path) -> None:
    script = tmp_path / "greet.sh"
    script.write_text('#!/bin/bash\necho "$GREETING, $1" > greeting.txt\n')
    script.chmod(0o755)
    args = ["run", WFS, "raw_wf", "--script_file", str(script), "--who", "Grace"]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0, (r.output, r.exception)
    assert json.loads(r.stdout) == {"o0": "hello there, Grace"}
