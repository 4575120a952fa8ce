"""Imperative ``Workflow(name)``: a workflow built with method calls instead of a function body.

``add_workflow_input`` returns the input's promise (also ``wf.inputs[name]``), ``add_entity``
(and ``add_task``, ``add_subwf``, ``add_launch_plan``) adds a node and returns it,
``add_workflow_output`` declares an output bound to a promise (a list or dict of promises needs
``python_type=``). The compiled IR is the same as a decorated workflow's.
"""

from __future__ import annotations

import sys
from typing import Any

from flytelike._entities.workflow import WorkflowBase
from flytelike._settings.carried import WorkflowFailurePolicy
from flytelike.compiler import (
    END_NODE,
    CompiledBody,
    CompileState,
    NodeBuilder,
    NodeHandle,
    Outputs,
    Promise,
    PyInterface,
    bindings,
    freeze_root,
    literal_type,
    pop,
    push,
)
from flytelike.errors import CompileError, DefinitionError


class ImperativeWorkflow(WorkflowBase):
    """``Workflow(name, failure_policy=None, interruptible=False)``."""

    def __init__(
        self,
        name: str,
        failure_policy: WorkflowFailurePolicy | None = None,
        interruptible: bool = False,
    ) -> None:
        self.name = name
        if failure_policy is not None:
            self.failure_policy = failure_policy
        self.interruptible = interruptible
        frame = sys._getframe(1)
        self.loc = (frame.f_code.co_filename, frame.f_lineno)
        self._state = CompileState(name, "workflow")
        self._end = NodeBuilder(self._state, END_NODE, None, self.loc)
        self.python_interface = PyInterface({}, {}, {}, {})
        self.inputs: dict[str, Promise] = {}
        self._outputs: list[tuple[str, Any]] = []
        self._compiled: CompiledBody | None = None

    def _where(self) -> str:
        return f"imperative workflow `{self.name}`"

    def _changed(self) -> None:
        self._compiled = None
        self._template = None
        self.python_interface.forget_derived()

    def add_workflow_input(self, name: str, python_type: Any) -> Promise:
        if name in self.inputs:
            raise DefinitionError(f"{self._where()}: duplicate input {name!r}")
        lt = literal_type(python_type, f"input `{name}`", self._where())
        iface = self.python_interface
        iface.inputs[name] = python_type
        iface.input_types[name] = lt
        self.inputs[name] = self._state.input_promise(name, lt, python_type)
        self._changed()
        return self.inputs[name]

    def add_entity(self, entity: Any, **kwargs: Any) -> NodeHandle:
        frame = sys._getframe(1)
        loc = (frame.f_code.co_filename, frame.f_lineno)
        if frame.f_code.co_filename == __file__ and frame.f_back is not None:
            loc = (frame.f_back.f_code.co_filename, frame.f_back.f_lineno)
        token = push(self._state)
        try:
            result = self._state.call(entity, (), kwargs, loc)
        finally:
            pop(token)
        self._changed()
        if isinstance(result, NodeHandle):
            return result
        return NodeHandle(result._node if isinstance(result, Outputs) else result.node)

    add_task = add_subwf = add_launch_plan = add_entity

    def add_workflow_output(self, output_name: str, p: Any, python_type: Any = None) -> None:
        if output_name in self.python_interface.outputs:
            raise DefinitionError(f"{self._where()}: duplicate output {output_name!r}")
        if isinstance(p, Outputs) and len(p) == 1:
            p = p[0]
        if python_type is None:
            if not isinstance(p, Promise):
                raise DefinitionError(
                    f"{self._where()}: output {output_name!r} is a {type(p).__name__} of "
                    "promises; give python_type= (e.g. python_type=list[int])"
                )
            python_type = p.py
        lt = literal_type(python_type, f"output `{output_name}`", self._where())
        raw = self._state.bind(p, lt, python_type, self._end, output_name)
        iface = self.python_interface
        iface.outputs[output_name] = python_type
        iface.output_types[output_name] = lt
        self._outputs.append((output_name, raw))
        self._changed()

    def compiled(self) -> CompiledBody:
        if self._compiled is None:
            if not self._state.scopes[0].nodes:
                raise CompileError(f"{self._where()} has no nodes; add_entity() first")
            nodes, entities = freeze_root(self._state)
            self._compiled = CompiledBody(nodes, bindings(self._outputs), entities)
        return self._compiled


Workflow = ImperativeWorkflow
