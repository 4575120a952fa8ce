"""The connector service's messages (``flytelike/proto/connector.proto``) to and from the
Python objects of ``flytelike.connectors``.

A task's inputs travel as literals typed by the task's interface and come back as Python values
of the types the interface names (``typesystem``'s guess from each literal type on the service's
side, which has no Python function to read them from). A resource's outputs travel typed by the
Python value the connector gave, and the task converts them to its declared output types.

It reaches past two faces on purpose, as the executor service's messages do: the template and the
literals are fields embedded in this service's messages, which ``flytelike.serialization._proto``
/ ``_decode`` and ``typesystem._proto`` fill and read in place (the faces convert only whole
closures and byte strings).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from google.protobuf import json_format
from google.protobuf.struct_pb2 import Struct

import typesystem
from flytelike.connectors._connector import Resource, TaskLog, as_phase
from flytelike.errors import DefinitionError
from flytelike.ir import TaskTemplate
from flytelike.proto import connector_pb2 as pb

# (the message-level codecs: the face converts whole closures and byte strings only)
from flytelike.serialization import _decode as ir_decode
from flytelike.serialization import _proto as ir_encode  # (as above)
from typesystem import _proto as tsp  # (fills and reads messages in place: off typesystem's face)


def _struct(values: Mapping[str, Any], what: str) -> Struct:
    out = Struct()
    try:
        out.update(json.loads(json.dumps(dict(values), default=str)))
    except (TypeError, ValueError) as e:
        raise DefinitionError(f"{what} must be a JSON-able dict of strings to values: {e}") from e
    return out


def struct_dict(msg: Struct) -> dict[str, Any]:
    return json_format.MessageToDict(msg)


def template_message(
    task: TaskTemplate, type_name: str, version: int, custom: Mapping[str, Any], sql: str | None
) -> pb.TaskTemplate:
    """What a connector's ``create`` receives as ``task_template``."""
    out = pb.TaskTemplate(type=type_name, task_type_version=version)
    out.custom.CopyFrom(_struct(custom, f"custom_config() of task {task.id.name!r}"))
    if sql:
        out.sql.statement = sql
    ir_encode._Encoder().task(out.template, task)
    return out


def put_values(out: Any, values: Mapping[str, Any], types: Mapping[str, Any]) -> None:
    """Python values into a repeated ``NamedLiteral`` field, each converted with its type in
    ``types`` (else the type of the value)."""
    reg = typesystem.default_registry()
    for name, value in values.items():
        t = types.get(name, type(value))
        item = out.add()
        item.name = name
        item.value.CopyFrom(tsp.literal_to_proto(reg.to_literal(value, t)))


def get_values(msgs: Any, types: Mapping[str, Any]) -> dict[str, Any]:
    """A repeated ``NamedLiteral`` field as Python values of ``types`` (by name)."""
    reg = typesystem.default_registry()
    out: dict[str, Any] = {}
    for item in msgs:
        if item.name not in types:
            raise DefinitionError(f"value {item.name!r} is not one the task declares")
        out[item.name] = reg.to_python(tsp.literal_from_proto(item.value), types[item.name])
    return out


def input_types(msg: pb.TaskTemplate) -> dict[str, Any]:
    """The Python type of each input of the template's interface (guessed from its literal
    type, as the service has no function to read)."""
    task = ir_decode._task(msg.template)
    reg = typesystem.default_registry()
    return {v.name: reg.guess_python_type(v.type) for v in task.interface.inputs}


def resource_message(resource: Resource) -> pb.Resource:
    out = pb.Resource(phase=pb.Phase.Name(int(resource.phase)), message=resource.message or "")
    for link in resource.log_links or ():
        out.log_links.add(name=str(getattr(link, "name", "")), uri=str(getattr(link, "uri", "")))
    if resource.outputs:
        put_values(out.outputs, resource.outputs, {})
    if resource.custom_info:
        out.custom_info.CopyFrom(_struct(resource.custom_info, "Resource.custom_info"))
    return out


def resource_from_message(msg: pb.Resource, output_types: Mapping[str, Any]) -> Resource:
    """A ``Resource`` whose outputs are converted to the task's output types: by name, or by
    position for a name the task does not declare (as the connector's dict is ordered)."""
    outputs: dict[str, Any] | None = None
    if msg.outputs:
        reg = typesystem.default_registry()
        ordered = list(output_types.values())
        outputs = {}
        for i, item in enumerate(msg.outputs):
            t = output_types.get(item.name, ordered[i] if i < len(ordered) else None)
            if t is None:
                raise DefinitionError(
                    f"the connector returned output {item.name!r}, which the task does not "
                    f"declare (its outputs: {', '.join(output_types) or 'none'})"
                )
            outputs[item.name] = reg.to_python(tsp.literal_from_proto(item.value), t)
    return Resource(
        phase=as_phase(msg.phase),
        message=msg.message or None,
        log_links=[TaskLog(link.name, link.uri) for link in msg.log_links] or None,
        outputs=outputs,
        custom_info=struct_dict(msg.custom_info) if msg.HasField("custom_info") else None,
    )
