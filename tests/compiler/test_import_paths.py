"""flytekit's and flyte's submodule import paths work with ``flytekit``/``flyte`` -> ``flytelike``.

Each alias module re-exports flytelike's own objects (the same objects, not copies), names
flytelike does not implement raise ``ImportError`` saying what to use instead, and
``import flytelike`` loads none of the alias modules.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import flytelike

# A program written against flytekit's submodules, with only `flytekit` -> `flytelike`.
from flytelike.core.condition import conditional
from flytelike.core.dynamic_workflow_task import dynamic
from flytelike.core.launch_plan import LaunchPlan
from flytelike.core.resources import Resources
from flytelike.core.task import task
from flytelike.core.workflow import WorkflowFailurePolicy, workflow
from flytelike.exceptions.user import FlyteRecoverableException
from flytelike.types.file import FlyteFile

# (alias module, name, the object it must be: a flytelike top-level name, or "module:attr")
ALIASES = [
    # flyte 2's (flyte.types): to_literal/to_python_value are awaited; flytekit's are not
    ("flytelike.types", "TypeEngine", "flytelike.types._engine:TypeEngine"),
    ("flytelike.types", "TypeTransformer", "typesystem:TypeTransformer"),
    ("flytelike.types", "TypeTransformerFailedError", "typesystem:TypeTransformerFailedError"),
    ("flytelike.types.file", "FlyteFile", "FlyteFile"),
    ("flytelike.types.file.file", "FlyteFile", "FlyteFile"),
    ("flytelike.types.directory", "FlyteDirectory", "FlyteDirectory"),
    ("flytelike.types.directory.types", "FlyteDirectory", "FlyteDirectory"),
    ("flytelike.types.structured", "StructuredDataset", "StructuredDataset"),
    ("flytelike.types.structured", "StructuredDatasetType", "StructuredDatasetType"),
    ("flytelike.types.structured", "StructuredDatasetEncoder", "typesystem.io:StructuredDatasetEncoder"),
    ("flytelike.types.structured", "StructuredDatasetDecoder", "typesystem.io:StructuredDatasetDecoder"),
    ("flytelike.types.structured", "StructuredDatasetTransformerEngine", "typesystem.io:StructuredDatasetTransformerEngine"),
    ("flytelike.types.structured.structured_dataset", "StructuredDataset", "StructuredDataset"),
    ("flytelike.types.structured.structured_dataset", "StructuredDatasetEncoder", "typesystem.io:StructuredDatasetEncoder"),
    ("flytelike.types.structured.structured_dataset", "PARQUET", "typesystem.io:PARQUET"),
    ("flytelike.exceptions.user", "FlyteRecoverableException", "FlyteRecoverableException"),
    ("flytelike.core.workflow", "workflow", "workflow"),
    ("flytelike.core.workflow", "WorkflowFailurePolicy", "WorkflowFailurePolicy"),
    ("flytelike.core.workflow", "ImperativeWorkflow", "ImperativeWorkflow"),
    ("flytelike.core.workflow", "PythonFunctionWorkflow", "PythonFunctionWorkflow"),
    ("flytelike.core.workflow", "WorkflowBase", "WorkflowBase"),
    ("flytelike.core.workflow", "reference_workflow", "reference_workflow"),
    ("flytelike.core.task", "task", "task"),
    ("flytelike.core.task", "reference_task", "reference_task"),
    ("flytelike.core.task", "Resources", "Resources"),
    ("flytelike.core.task", "TaskMetadata", "TaskMetadata"),
    ("flytelike.core.base_task", "kwtypes", "kwtypes"),
    ("flytelike.core.python_function_task", "PythonFunctionTask", "PythonFunctionTask"),
    ("flytelike.core.python_function_task", "PythonInstanceTask", "PythonInstanceTask"),
    ("flytelike.core.base_task", "PythonTask", "flytelike._entities.python_task:PythonTask"),
    ("flytelike.core.base_task", "IgnoreOutputs", "flytelike._entities.python_task:IgnoreOutputs"),
    ("flytelike.core.base_sql_task", "SQLTask", "SQLTask"),
    ("flytelike.core.interface", "Interface", "flytelike._entities.python_task:Interface"),
    ("flytelike.core.options", "Options", "Options"),
    ("flytelike.core.type_engine", "BatchSize", "BatchSize"),
    ("flytelike.types.pickle", "FlytePickle", "typesystem:FlytePickle"),
    ("flytelike.types.iterator", "FlyteIterator", "typesystem:FlyteIterator"),
    ("flytelike.extras.tasks.shell", "RawShellTask", "flytelike._entities.raw_shell:RawShellTask"),
    ("flytelike.core.launch_plan", "LaunchPlan", "LaunchPlan"),
    ("flytelike.core.launch_plan", "reference_launch_plan", "reference_launch_plan"),
    ("flytelike.core.condition", "conditional", "conditional"),
    ("flytelike.core.dynamic_workflow_task", "dynamic", "dynamic"),
    ("flytelike.core.type_engine", "TypeEngine", "TypeEngine"),
    ("flytelike.core.type_engine", "TypeTransformer", "typesystem:TypeTransformer"),
    ("flytelike.core.type_engine", "TypeTransformerFailedError", "typesystem:TypeTransformerFailedError"),
    ("flytelike.core.context_manager", "ExecutionParameters", "flytelike.engine:ExecutionContext"),
    ("flytelike.core.resources", "Resources", "Resources"),
    ("flytelike.core.map_task", "map_task", "map_task"),
    ("flytelike.core.array_node_map_task", "map_task", "map_task"),
    ("flytelike.core.node_creation", "create_node", "create_node"),
    ("flytelike.core.gate", "approve", "approve"),
    ("flytelike.core.gate", "sleep", "sleep"),
    ("flytelike.core.gate", "wait_for_input", "wait_for_input"),
    ("flytelike.core.schedule", "CronSchedule", "CronSchedule"),
    ("flytelike.core.schedule", "FixedRate", "FixedRate"),
    ("flytelike.core.notification", "Email", "Email"),
    ("flytelike.core.notification", "Slack", "Slack"),
    ("flytelike.core.notification", "PagerDuty", "PagerDuty"),
    ("flytelike.core.container_task", "ContainerTask", "ContainerTask"),
    ("flytelike.core.cache", "Cache", "Cache"),
    ("flytelike.core.cache", "CachePolicy", "CachePolicy"),
    ("flytelike.core.pod_template", "PodTemplate", "PodTemplate"),
    ("flytelike.core.hash", "HashMethod", "HashMethod"),
    ("flytelike.core.promise", "Promise", "Promise"),
    ("flytelike.core.testing", "task_mock", "flytelike.testing:task_mock"),
    ("flytelike.deck", "Deck", "Deck"),
    ("flytelike.image_spec", "ImageSpec", "ImageSpec"),
    ("flytelike.extend", "TypeEngine", "TypeEngine"),
    ("flytelike.extend", "TypeTransformer", "typesystem:TypeTransformer"),
    ("flytelike.extend", "PythonTask", "flytelike.core.base_task:PythonTask"),
    ("flytelike.extend", "Interface", "flytelike.core.interface:Interface"),
    ("flytelike.extend", "context_manager", "flytelike.core:context_manager"),
    ("flytelike.extras", "ContainerTask", "ContainerTask"),
    ("flytelike.io", "File", "File"),
    ("flytelike.io", "Dir", "Dir"),
    ("flytelike.io", "DataFrame", "DataFrame"),
    ("flytelike.io.extend", "DataFrameEncoder", "typesystem.io:DataFrameEncoder"),
    ("flytelike.io.extend", "DataFrameDecoder", "typesystem.io:DataFrameDecoder"),
    ("flytelike.io.extend", "DataFrameTransformerEngine", "typesystem.io:DataFrameTransformerEngine"),
    ("flytelike.types.schema", "FlyteSchema", "typesystem.io:FlyteSchema"),
]  # fmt: skip

ALIAS_MODULES = sorted({m for m, _, _ in ALIASES} - {"flytelike.io", "flytelike.extras"})

# names upstream has at these paths that flytelike does not implement
NOT_PROVIDED = [
    ("flytelike.types.schema", "SchemaEngine", "dataframe handlers"),
    ("flytelike.models.literals", "BindingData", "flytelike.ir"),
]


def _expected(spec: str) -> Any:
    if ":" not in spec:
        return getattr(flytelike, spec)
    module, attr = spec.split(":")
    return getattr(importlib.import_module(module), attr)


@pytest.mark.parametrize(("module", "name", "expected"), ALIASES)
def test_alias_is_the_same_object(module: str, name: str, expected: str) -> None:
    assert getattr(importlib.import_module(module), name) is _expected(expected)


@pytest.mark.parametrize("module", ALIAS_MODULES)
def test_alias_module_exports_what_it_imports(module: str) -> None:
    mod = importlib.import_module(module)
    assert mod.__doc__ and "mirrors" in mod.__doc__
    # sorted as ruff's RUF022 sorts: SCREAMING_CASE constants first
    assert list(mod.__all__) == sorted(mod.__all__, key=lambda n: (not n.isupper(), n))
    for name in mod.__all__:
        assert getattr(mod, name) is not None


@pytest.mark.parametrize(("module", "name", "hint"), NOT_PROVIDED)
def test_names_not_implemented_say_what_to_use(module: str, name: str, hint: str) -> None:
    mod = importlib.import_module(module)
    with pytest.raises(ImportError, match="flytelike does not implement it") as info:
        exec(f"from {module} import {name}", {})
    assert name in str(info.value) and hint in str(info.value)
    # an unknown name is an ordinary missing attribute (hasattr keeps working)
    assert not hasattr(mod, "NoSuchName")


def test_predefined_file_formats() -> None:
    from flytelike.types.directory import TensorboardLogs
    from flytelike.types.file import CSVFile, PNGImageFile

    assert CSVFile is flytelike.FlyteFile["csv"]
    assert PNGImageFile is flytelike.FlyteFile["png"]
    assert TensorboardLogs is flytelike.FlyteDirectory["tensorboard"]


def test_flyte_logger() -> None:
    from flytelike import logger

    assert logger.name == "flytelike"


def test_import_flytelike_loads_no_alias_module() -> None:
    code = (
        "import sys, flytelike; "
        "print(','.join(m for m in sys.modules if m.startswith(("
        "'flytelike.types', 'flytelike.core', 'flytelike.exceptions', 'flytelike.deck', "
        "'flytelike.extend', 'flytelike.image_spec'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_types_package_loads_no_type_engine() -> None:
    code = (
        "import sys, flytelike.types.file; "
        "print('typesystem._engine' in sys.modules, 'flytelike._entities.workflow' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


@task(retries=2, requests=Resources(cpu="1", mem="1Gi"))
def write(text: str) -> FlyteFile:
    marker = Path(f"attempted-{text}")
    if not marker.exists():
        marker.touch()
        raise FlyteRecoverableException("transient: try again")
    path = Path(f"{text}.txt")
    path.write_text(text)
    return FlyteFile(path=str(path))


@task
def length(f: FlyteFile) -> int:
    with open(f) as fh:
        return len(fh.read())


@task
def label(n: int, word: str) -> str:
    return f"{word}:{n}"


@dynamic
def lengths(n: int) -> list[int]:
    return [length(f=write(text="x" * i)) for i in range(1, n + 1)]


@workflow(failure_policy=WorkflowFailurePolicy.FAIL_AFTER_EXECUTABLE_NODES_COMPLETE)
def describe(text: str) -> str:
    n = length(f=write(text=text))
    return (
        conditional("size")
        .if_(n > 3)
        .then(label(n=n, word="long"))
        .else_()
        .then(label(n=n, word="short"))
    )


def test_flytekit_style_program_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert describe(text="hello") == "long:5"
    assert Path("attempted-hello").exists()  # the first attempt failed and was retried
    assert lengths(n=2) == [1, 2]
    lp = LaunchPlan.get_or_create(describe, name="import_paths_lp", default_inputs={"text": "hi"})
    assert lp() == "short:2"
