"""A flytekit 1.x plugin written as a class with flytekit.extend's names: a PythonTask whose
interface is declared with Interface, that reads flytekit's context (user_space_params.logging,
file_access.exists) while it executes, used as a node of a workflow beside a @task."""

import os
import tempfile
import typing
from datetime import timedelta

from flytekit import TaskMetadata, task, workflow
from flytekit.extend import Interface, PythonTask, context_manager


class LineCounter(PythonTask):
    """Counts the lines of a text file, or -1 when the path does not exist."""

    def __init__(self, name: str, skip_blank: bool = False, **kwargs):
        super().__init__(
            task_type="line-counter",
            name=name,
            task_config=None,
            interface=Interface(inputs={"path": str}, outputs={"lines": int}),
            **kwargs,
        )
        self._skip_blank = skip_blank

    def execute(self, **kwargs) -> typing.Any:
        path = kwargs["path"]
        ctx = context_manager.FlyteContext.current_context()
        log = ctx.user_space_params.logging
        if not ctx.file_access.exists(path):
            log.warning(f"{path} is missing")
            return -1
        with open(path) as fh:
            rows = [r for r in fh.read().splitlines() if r.strip() or not self._skip_blank]
        log.info(f"{path}: {len(rows)} lines")
        return len(rows)


counter = LineCounter(
    name="count-lines",
    skip_blank=True,
    metadata=TaskMetadata(retries=2, timeout=timedelta(minutes=5)),
)


@task
def describe(lines: int) -> str:
    return "missing" if lines < 0 else f"{lines} lines"


@workflow
def inspect_file(path: str) -> str:
    return describe(lines=counter(path=path))


if __name__ == "__main__":
    folder = tempfile.mkdtemp()
    target = os.path.join(folder, "notes.txt")
    with open(target, "w") as fh:
        fh.write("alpha\n\nbeta\ngamma\n")
    assert counter.python_interface.inputs == {"path": str}
    assert inspect_file(path=target) == "3 lines"
    assert inspect_file(path=os.path.join(folder, "nope.txt")) == "missing"
    assert counter(path=target) == 3
    print("OK")
