"""The compiler: promises, compile state, bindings and type checks, conditionals, freezing.

It never imports the engine or a backend; it produces the IR of ``flytelike.ir``.
"""

from flytelike.compiler._closure import closure_of
from flytelike.compiler._compile import END_NODE, CompiledBody, compile_body, paused_gc
from flytelike.compiler._condition import conditional
from flytelike.compiler._entity import Entity
from flytelike.compiler._freeze import freeze_root
from flytelike.compiler._interface import (
    PyInterface,
    interface_from_function,
    interface_from_types,
    literal_type,
    output_namedtuple,
    output_types_of,
    parse_docstring,
    set_defaults,
    signature_function,
)
from flytelike.compiler._naming import (
    entity_name,
    is_importable,
    main_module_named,
    module_for_file,
    module_of,
    project_root,
    relative_source,
)
from flytelike.compiler._overrides import SUBWORKFLOW_KEYS, TASK_KEYS, apply_overrides
from flytelike.compiler._promise import NodeHandle, Outputs, Promise
from flytelike.compiler._source import fmt, user_frame_location
from flytelike.compiler._stack import compiling, current, isolate, pop, push, restore
from flytelike.compiler._state import (
    CompileState,
    NodeBuilder,
    bindings,
    call_entity,
    has_promise,
    map_arguments,
)
from flytelike.compiler._typecheck import castable

__all__ = [
    "CompiledBody",
    "NodeHandle",
    "Outputs",
    "Promise",
    "castable",
    "compile_body",
    "conditional",
    "closure_of",
    "END_NODE",
    "paused_gc",
    "Entity",
    "freeze_root",
    "PyInterface",
    "interface_from_function",
    "interface_from_types",
    "literal_type",
    "output_namedtuple",
    "output_types_of",
    "parse_docstring",
    "set_defaults",
    "signature_function",
    "entity_name",
    "is_importable",
    "main_module_named",
    "module_for_file",
    "module_of",
    "project_root",
    "relative_source",
    "SUBWORKFLOW_KEYS",
    "TASK_KEYS",
    "apply_overrides",
    "fmt",
    "user_frame_location",
    "compiling",
    "current",
    "isolate",
    "pop",
    "push",
    "restore",
    "CompileState",
    "NodeBuilder",
    "bindings",
    "call_entity",
    "has_promise",
    "map_arguments",
]
