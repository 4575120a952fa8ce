"""The compiler: promises, compile state, bindings and type checks, conditionals, freezing.

It never imports the engine or a backend; it produces the IR of ``flytelike.ir``.
"""

from flytelike.compiler._compile import CompiledBody, compile_body
from flytelike.compiler._condition import conditional
from flytelike.compiler._promise import NodeHandle, Outputs, Promise
from flytelike.compiler._typecheck import castable

__all__ = [
    "CompiledBody",
    "NodeHandle",
    "Outputs",
    "Promise",
    "castable",
    "compile_body",
    "conditional",
]
