"""The executor service's messages (``executor.proto``) <-> the records of ``flytelike.backends``.

Encoding is for the client (requests) and the server (outcomes); decoding checks what it reads
and raises ``RequestError`` naming the field (``context.action_id``, ``inputs.x``,
``items[3].inputs.y``) and the gRPC status it maps to, so that a malformed request never reaches
the task machinery. Task templates repeat across the actions of a run: the client encodes each
once and sends it once per executor, then only its digest; the server decodes it once and
remembers it by that digest (``TaskCodec``).

What does not live here: gRPC itself (``_server``, ``_client``; this module imports protobuf
only), named literals and ``RequestError`` (``_values``), code bundles (``_bundle``).
"""

from __future__ import annotations

import hashlib
import math
import os
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from google.protobuf.message import DecodeError

from flytelike.backends import (
    SYSTEM,
    USER,
    ActionContext,
    ActionOutcome,
    ActionRequest,
    Deck,
    ExecutionError,
    declared_from_wire,
    declared_to_wire,
    produced_from_wire,
    produced_to_wire,
)
from flytelike.executor import _bytes
from flytelike.executor._values import (
    RequestError as RequestError,  # (re-exported: the error of every decoder here)
)
from flytelike.executor._values import (
    _invalid,
    get_literals,
    get_values,
    put_literals,
)
from flytelike.ir import TaskTemplate
from flytelike.proto import executor_pb2 as pb

# (the message-level codecs: the face converts whole closures and byte strings only)
from flytelike.serialization import _decode as ir_decode
from flytelike.serialization import _proto as ir_encode  # (as above)
from typesystem import unbox

# Task kinds the Python executor runs (with the local backend's machinery). ``eager`` parents
# make child calls and stay in the driver; gates, workflows and launch plans never travel.
PYTHON_KINDS = ("python", "dynamic", "shell")
_ID_LIMIT = 1024  # characters in run names and action ids


# ---------------------------------------------------------------------------------- context
def context_to_proto(out: pb.ActionContext, c: ActionContext) -> None:
    out.run_name = c.run_name
    out.action_id = c.action_id
    out.attempt = c.attempt
    out.run_dir = c.run_dir
    out.raw_data_prefix = c.raw_data_prefix
    if c.timeout is not None:
        out.timeout = c.timeout
    out.enable_deck = c.enable_deck
    for k, v in c.environment:
        out.environment.add(key=k, value=v)
    out.secrets_dir = c.secrets_dir
    out.secrets_env_prefix = c.secrets_env_prefix
    out.project = c.project
    out.domain = c.domain
    if c.declared_artifacts is not None:
        pairs, allowed, task_name = declared_to_wire(c.declared_artifacts)
        for slot, text in pairs:
            out.declared_artifacts.add(output=slot, metadata_json=text)
        out.produces_artifacts = allowed
        out.declared_task = task_name


def context_from_proto(msg: pb.ActionContext, field: str = "context") -> ActionContext:
    run_name = msg.run_name
    action_id = msg.action_id
    attempt = msg.attempt
    run_dir = msg.run_dir
    secrets_dir = msg.secrets_dir
    if (
        not run_name
        or not action_id
        or len(run_name) > _ID_LIMIT
        or len(action_id) > _ID_LIMIT
        or attempt < 0
        or (run_dir and run_dir not in _ABSOLUTE)
        or (secrets_dir and secrets_dir not in _ABSOLUTE)
    ):
        _check_context(msg, field)  # (raises, or remembers the paths as absolute)
    timeout = msg.timeout if msg.HasField("timeout") else None
    if timeout is not None and not (timeout > 0 and math.isfinite(timeout)):
        raise _invalid(f"{field}.timeout", f"must be a positive number of seconds, got {timeout}")
    env = msg.environment
    declared = _declared_from_proto(msg, field) if msg.declared_artifacts else None
    return ActionContext(
        run_name,
        action_id,
        attempt,
        run_dir,
        msg.raw_data_prefix,
        timeout,
        msg.enable_deck,
        tuple((p.key, p.value) for p in env) if env else (),
        secrets_dir,
        msg.secrets_env_prefix,
        msg.project,
        msg.domain,
        declared_artifacts=declared,
    )


def _declared_from_proto(msg: pb.ActionContext, field: str) -> Any:
    import flytelike.artifacts  # noqa: F401 (registers the metadata codec)

    pairs = [(a.output, a.metadata_json) for a in msg.declared_artifacts]
    try:
        return declared_from_wire(pairs, msg.produces_artifacts, msg.declared_task)
    except Exception as e:
        raise _invalid(f"{field}.declared_artifacts", str(e)) from None


_ABSOLUTE: set[str] = set()  # run and secrets directories found to be absolute paths


def _check_context(msg: pb.ActionContext, field: str) -> None:
    """Raise ``RequestError`` naming the first bad field of ``msg``; else remember its paths
    as checked."""
    for name in ("run_name", "action_id"):
        value = getattr(msg, name)
        if not value:
            raise _invalid(f"{field}.{name}", "must not be empty")
        if len(value) > _ID_LIMIT:
            raise _invalid(f"{field}.{name}", f"longer than {_ID_LIMIT} characters")
    if msg.attempt < 0:
        raise _invalid(f"{field}.attempt", f"must be >= 0, got {msg.attempt}")
    for name in ("run_dir", "secrets_dir"):  # (the executor writes and reads under them)
        value = getattr(msg, name)
        if value and (not os.path.isabs(value) or "\0" in value):
            raise _invalid(f"{field}.{name}", f"must be an absolute path, got {value!r}")
    if len(_ABSOLUTE) > 1024:
        _ABSOLUTE.clear()
    _ABSOLUTE.update(p for p in (msg.run_dir, msg.secrets_dir) if p)


# ---------------------------------------------------------------------------------- tasks
_KNOWN_LIMIT = 1024  # templates an executor remembers (the least recently used are forgotten)


def unknown_digest(digest: str) -> RequestError:
    """The refusal of a request naming a template this executor does not know (the client
    sends the request again with the template)."""
    return RequestError(
        "NOT_FOUND",
        "task_digest",
        f"unknown task digest {digest[:80]!r}: this executor does not have that template "
        "(send the request again with `task` set)",
    )


class TaskCodec:
    """Task templates to and from messages, each converted once.

    The client encodes a template once (``prefix``): its bytes as field 1 of a request and its
    digest (field 5), the sha256 of the template's deterministic serialisation. The server
    decodes a template once, when it is sent, and remembers it by its digest (``learn``), so
    that later requests carrying only the digest (``known``) skip the template altogether.
    """

    def __init__(self, kinds: Sequence[str] = PYTHON_KINDS) -> None:
        self.kinds = tuple(kinds)
        self._encoded: dict[int, tuple[TaskTemplate, bytes, bytes, str]] = {}
        self._known: OrderedDict[str, TaskTemplate] = OrderedDict()
        self._lock = threading.Lock()

    def _encode(self, task: TaskTemplate) -> tuple[TaskTemplate, bytes, bytes, str]:
        hit = self._encoded.get(id(task))
        if hit is None or hit[0] is not task:
            msg = pb.ActionRequest()
            ir_encode._Encoder().task(msg.task, task)
            digest = hashlib.sha256(msg.task.SerializeToString(deterministic=True)).hexdigest()
            msg.task_digest = digest
            full = msg.SerializeToString(deterministic=True)
            ref = pb.ActionRequest(task_digest=digest).SerializeToString()
            with self._lock:
                if len(self._encoded) > 256:
                    self._encoded.clear()
                hit = self._encoded[id(task)] = (task, full, ref, digest)
        return hit

    def prefix(self, task: TaskTemplate, with_task: bool = True) -> bytes:
        """The start of an ``ActionRequest`` or ``ItemsRequest`` for ``task`` (fields 1 and 5
        mean the same in both): the template and its digest, or the digest alone. Protobuf
        merges concatenated messages, so the rest of a request is serialised on its own and
        appended."""
        hit = self._encode(task)
        return hit[1] if with_task else hit[2]

    def digest(self, task: TaskTemplate) -> str:
        return self._encode(task)[3]

    def encoded(self, task: TaskTemplate) -> tuple[bytes, bytes, str]:
        """``(prefix with the template, prefix with the digest alone, digest)``."""
        hit = self._encode(task)
        return hit[1], hit[2], hit[3]

    def resolve(self, msg: Any, field: str = "task") -> TaskTemplate:
        """The template of a request (``msg``: an ``ActionRequest`` or ``ItemsRequest``): the
        one it carries (remembered under its digest) or the remembered one it names."""
        digest = msg.task_digest
        if len(digest) > 128:
            raise _invalid(f"{field}_digest", "longer than 128 characters")
        if not msg.HasField("task"):
            if not digest:
                raise _invalid(field, "required (or the task_digest of a template sent before)")
            task = self._known.get(digest)
            if task is None:
                raise unknown_digest(digest)
            return task
        task = self.decode(msg.task, field)
        if digest:
            actual = hashlib.sha256(msg.task.SerializeToString(deterministic=True)).hexdigest()
            if actual != digest:
                raise _invalid(
                    f"{field}_digest",
                    f"{digest[:80]!r} is not the sha256 of the task sent with it ({actual})",
                )
            with self._lock:
                self._known[digest] = task
                self._known.move_to_end(digest)
                while len(self._known) > _KNOWN_LIMIT:
                    self._known.popitem(last=False)
        return task

    def decode(self, msg: Any, field: str = "task") -> TaskTemplate:
        if not msg.kind:
            raise _invalid(f"{field}.kind", "must not be empty")
        if msg.kind not in self.kinds:
            raise RequestError(
                "UNIMPLEMENTED",
                f"{field}.kind",
                f"this executor does not run tasks of kind {msg.kind!r} "
                f"(it runs: {', '.join(self.kinds)})",
            )
        if not msg.id.name:
            raise _invalid(f"{field}.id.name", "must not be empty")
        try:
            task = ir_decode._task(msg)
        except Exception as e:
            raise _invalid(field, f"not a valid task template: {e}") from e
        if task.kind in ("python", "dynamic") and task.function is None:
            raise _invalid(f"{field}.function", f"required for tasks of kind {task.kind!r}")
        return task


@dataclass(frozen=True, slots=True)
class CodeRef:
    """Where a task's module imports from, besides the executor's own import path: ``root``, a
    folder on the executor's machine, or a code bundle (``bundle_uri`` and its sha256
    ``bundle_digest``), which wins when both are given."""

    root: str = ""
    bundle_uri: str = ""
    bundle_digest: str = ""
    missing_root: str = ""  # (a root the request named that is no folder here)


NO_CODE = CodeRef()  # (no root, no bundle)


def _code(msg: Any, task: TaskTemplate, field: str = "code") -> CodeRef:
    """The code's place (checked), after checking the Python-only flag. A root that is not a
    folder here is only noted (the executor may have the code installed instead)."""
    pickled = task.function is not None and bool(task.function.pickled)
    if msg.python_only != pickled:
        raise _invalid(
            f"{field}.python_only",
            "must be set exactly when task.function.pickled holds the function",
        )
    uri: str = msg.bundle_uri
    digest: str = msg.bundle_digest
    if uri or digest:
        if not uri:
            raise _invalid(f"{field}.bundle_uri", "required with code.bundle_digest")
        if not digest:
            raise _invalid(f"{field}.bundle_digest", "required with code.bundle_uri")
        if len(uri) > 4096 or "\0" in uri:
            raise _invalid(f"{field}.bundle_uri", "not a URI (too long, or a NUL character)")
        if "://" not in uri and not os.path.isabs(uri):
            raise _invalid(f"{field}.bundle_uri", f"{uri[:200]!r} is neither a URI nor absolute")
        if len(digest) != 64 or digest.strip("0123456789abcdef"):
            raise _invalid(
                f"{field}.bundle_digest",
                f"{digest[:80]!r} is not a sha256 digest (64 lowercase hex digits)",
            )
        return CodeRef(bundle_uri=uri, bundle_digest=digest)
    root: str = msg.root
    if not root:
        return NO_CODE
    found = _ROOTS.get(root)
    if found is not None:  # (every request of a run names the same root: looked at once)
        return found
    if not os.path.isabs(root):
        raise _invalid(f"{field}.root", f"{root!r} is not an absolute path")
    if not os.path.isdir(root):
        return CodeRef(missing_root=root)
    if len(_ROOTS) > 1024:
        _ROOTS.clear()
    found = _ROOTS[root] = CodeRef(root)
    return found


_ROOTS: dict[str, CodeRef] = {}  # code roots found to be directories here


def _as_code(code: CodeRef | str) -> CodeRef:
    return code if isinstance(code, CodeRef) else CodeRef(code)


# ---------------------------------------------------------------------------------- requests
def request_body(
    request: ActionRequest, code: CodeRef | str, task: TaskTemplate | None = None
) -> bytes:
    """An ``ActionRequest`` without its template (``TaskCodec.prefix`` goes in front);
    ``code`` is where its module imports from (a ``CodeRef``, or a root folder); ``task`` is
    the template that travels, when it differs (``ship_task``). With plain inputs: the code
    field, the inputs, then the context (``_bytes.read_request`` reads that layout)."""
    task = task or request.task
    inputs = _bytes.named_literals(request.inputs, b"\x12")
    if inputs is not None:  # (plain inputs: written byte by byte, see ``_bytes``)
        context = _bytes.context_field(request.context, _context_bytes)
        if context is not None:
            fn = task.function
            key = (code, fn is not None and bool(fn.pickled))
            return _bytes.code_field(key, _code_bytes, task, code) + inputs + context
    msg = pb.ActionRequest()
    put_literals(msg.inputs, request.inputs)
    context_to_proto(msg.context, request.context)
    _put_code(msg.code, task, _as_code(code))
    return msg.SerializeToString()


def _context_bytes(c: ActionContext) -> bytes:
    out = pb.ActionContext()
    context_to_proto(out, c)
    return out.SerializeToString()


def _code_bytes(task: TaskTemplate, code: CodeRef | str) -> bytes:
    msg = pb.ActionRequest()
    _put_code(msg.code, task, _as_code(code))
    return msg.SerializeToString()


def request_to_proto(codec: TaskCodec, request: ActionRequest, code: CodeRef | str) -> bytes:
    """A whole ``ActionRequest``: the template, its digest and the rest."""
    return codec.prefix(request.task) + request_body(request, code)


def _put_code(out: pb.Code, task: TaskTemplate, code: CodeRef) -> None:
    fn = task.function
    if fn is not None and fn.pickled:
        out.python_only = True  # (a root or bundle may still serve the modules it imports)
    if code.bundle_uri:
        out.bundle_uri = code.bundle_uri
        out.bundle_digest = code.bundle_digest
    elif code.root:
        out.root = code.root


def request_from_proto(codec: TaskCodec, data: bytes) -> tuple[ActionRequest, CodeRef]:
    """The request and where its code is; raises ``RequestError``."""
    msg = _parse(pb.ActionRequest, data)
    if not msg.HasField("context"):
        raise _invalid("context", "required")
    task = codec.resolve(msg)
    context = context_from_proto(msg.context)
    names = [v.name for v in task.interface.inputs]
    inputs = get_literals(msg.inputs, "inputs", names)
    return ActionRequest(task, inputs, context), _code(msg.code, task)


def _parse(cls: Any, data: bytes) -> Any:
    try:
        return cls.FromString(data)
    except DecodeError as e:
        message = f"not a {cls.DESCRIPTOR.full_name} message ({len(data)} bytes): {e}"
        raise _invalid("", message) from e


def items_to_proto(
    codec: TaskCodec,
    task: TaskTemplate,
    context: ActionContext,
    items: Sequence[tuple[str, Mapping[str, Any], int]],
    code: CodeRef | str,
) -> bytes:
    """A whole ``ItemsRequest``: the template, its digest and the rest."""
    return codec.prefix(task) + items_body(task, context, items, code)


def items_body(
    task: TaskTemplate,
    context: ActionContext,
    items: Sequence[tuple[str, Mapping[str, Any], int]],
    code: CodeRef | str,
) -> bytes:
    """An ``ItemsRequest`` without its template (``TaskCodec.prefix`` goes in front)."""
    msg = pb.ItemsRequest()
    context_to_proto(msg.context, context)
    _put_code(msg.code, task, _as_code(code))
    for action_id, values, attempt in items:
        item = msg.items.add()
        item.action_id = action_id
        item.attempt = attempt
        put_literals(item.inputs, values)
    return msg.SerializeToString()


def items_from_proto(
    codec: TaskCodec, data: bytes
) -> tuple[TaskTemplate, ActionContext, list[tuple[str, dict[str, Any], int]], CodeRef]:
    """Task, context, items (values unboxed, as stored in list literals) and code place."""
    msg = _parse(pb.ItemsRequest, data)
    if not msg.HasField("context"):
        raise _invalid("context", "required")
    task = codec.resolve(msg)
    if task.kind != "python":
        raise RequestError(
            "UNIMPLEMENTED", "task.kind", f"map items run for kind 'python' only, got {task.kind!r}"
        )
    context = context_from_proto(msg.context)
    names = [v.name for v in task.interface.inputs]
    items = []
    for i, item in enumerate(msg.items):
        if not item.action_id or len(item.action_id) > _ID_LIMIT:
            raise _invalid(f"items[{i}].action_id", f"must have 1 to {_ID_LIMIT} characters")
        if item.attempt < 0:
            raise _invalid(f"items[{i}].attempt", f"must be >= 0, got {item.attempt}")
        values = get_values(item.inputs, f"items[{i}].inputs", names)
        items.append((item.action_id, {k: unbox(v) for k, v in values.items()}, item.attempt))
    return task, context, items, _code(msg.code, task)


# ---------------------------------------------------------------------------------- outcomes
def error_to_proto(out: pb.ExecutionError, e: ExecutionError) -> None:
    out.kind = e.kind
    out.message = e.message
    out.error_type = e.error_type
    out.traceback = e.traceback
    out.recoverable = e.recoverable
    out.timed_out = e.timed_out


def error_from_proto(m: pb.ExecutionError) -> ExecutionError:
    kind = m.kind if m.kind in (USER, SYSTEM) else SYSTEM
    return ExecutionError(kind, m.message, m.error_type, m.traceback, m.recoverable, m.timed_out)


def outcome_to_proto(outcome: ActionOutcome) -> bytes:
    if (
        outcome.outputs
        and outcome.error is None
        and not outcome.decks
        and outcome.dynamic is None
        and outcome.artifacts is None
        and getattr(outcome, "logs", None) is None
    ):
        plain = _bytes.plain_outputs(outcome.outputs)
        if plain is not None:  # (most answers: plain outputs alone, written byte by byte)
            return plain
    msg = pb.ActionOutcome()
    if outcome.error is not None:
        error_to_proto(msg.error, outcome.error)
    elif outcome.outputs is not None:
        put_literals(msg.outputs, outcome.outputs)
    for d in outcome.decks:
        msg.decks.add(name=d.name, uri=d.uri)
    if outcome.dynamic is not None:
        msg.dynamic.CopyFrom(ir_encode.closure_to_proto(outcome.dynamic))
    logs = getattr(outcome, "logs", None)
    if logs is not None:
        for stream, text in logs.chunks:
            msg.logs.chunks.add(stream=stream, text=text)
        msg.logs.dropped = logs.dropped
    if outcome.artifacts is not None and outcome.error is None:
        for output, text in produced_to_wire(outcome.artifacts):
            msg.artifacts.add(output=output, metadata_json=text)
    return msg.SerializeToString()


def outcome_from_proto(data: bytes, context: ActionContext, task: Any = None) -> ActionOutcome:
    """An outcome from an executor's answer; raises ``RequestError`` when it is malformed."""
    if data:
        outputs = _bytes.read_plain_outputs(data)
        if outputs is not None:  # (most answers: plain outputs alone, read byte by byte)
            return ActionOutcome(outputs=outputs)
    msg = _parse(pb.ActionOutcome, data)
    fields = msg.ListFields()
    if len(fields) == 1 and fields[0][0].number == 1:  # (outputs alone: most answers)
        return ActionOutcome(outputs=get_literals(msg.outputs, "outputs"))
    decks = tuple(Deck(d.name, d.uri) for d in msg.decks)
    extra: dict[str, Any] = {}
    if msg.HasField("logs"):
        from flytelike.backends import ActionLog

        extra["logs"] = ActionLog(
            tuple((c.stream, c.text) for c in msg.logs.chunks),
            msg.logs.dropped,
            context.action_id,
            context.attempt,
        )
    if msg.HasField("error"):
        return ActionOutcome(error=error_from_proto(msg.error), decks=decks, **extra)
    dynamic = None
    if msg.HasField("dynamic"):
        dynamic = ir_decode.closure_from_proto(msg.dynamic)
    outputs = get_literals(msg.outputs, "outputs")
    if msg.artifacts and task is not None:
        import flytelike.artifacts  # noqa: F401 (registers the builder and its codec)
        from flytelike.errors import FlytelikeError

        pairs = [(a.output, a.metadata_json) for a in msg.artifacts]
        try:
            extra["artifacts"] = produced_from_wire(pairs, task, outputs, context)
        except FlytelikeError as e:  # (ArtifactError: a version the catalog refuses)
            error = ExecutionError(USER, f"{type(e).__name__}: {e}", type(e).__name__)
            return ActionOutcome(error=error, decks=decks, **extra)
        except (KeyError, ValueError) as e:
            raise _invalid("artifacts", f"{type(e).__name__}: {e}") from None
    return ActionOutcome(outputs=outputs, decks=decks, dynamic=dynamic, **extra)


def item_results_to_proto(
    results: Sequence[tuple[Mapping[str, Any] | None, ExecutionError | None]],
) -> bytes:
    msg = pb.ItemsOutcome()
    for outputs, error in results:
        r = msg.results.add()
        if error is not None:
            error_to_proto(r.error, error)
        elif outputs is not None:
            put_literals(r.outputs, outputs)
    return msg.SerializeToString()


def item_results_from_proto(
    data: bytes, n: int
) -> list[tuple[dict[str, Any] | None, ExecutionError | None]]:
    msg = _parse(pb.ItemsOutcome, data)
    if len(msg.results) != n:
        raise _invalid("results", f"{len(msg.results)} results for {n} items")
    out: list[tuple[dict[str, Any] | None, ExecutionError | None]] = []
    for i, r in enumerate(msg.results):
        if r.HasField("error"):
            out.append((None, error_from_proto(r.error)))
        else:
            values = get_values(r.outputs, f"results[{i}].outputs")
            out.append(({k: unbox(v) for k, v in values.items()}, None))
    return out


def largest_field(data: bytes, cls: Any) -> str:
    """``name (N bytes)`` of the largest top-level field (or input) of an oversized request,
    for the RESOURCE_EXHAUSTED message; ``""`` when the bytes do not parse."""
    try:
        msg = cls.FromString(data)
    except Exception:
        return ""
    sizes: list[tuple[int, str]] = []
    for fd, value in msg.ListFields():
        if fd.name in ("inputs", "items"):
            for i, item in enumerate(value):
                label = f"inputs.{item.name}" if fd.name == "inputs" else f"items[{i}]"
                sizes.append((item.ByteSize(), label))
        elif hasattr(value, "ByteSize"):
            sizes.append((value.ByteSize(), fd.name))
    if not sizes:
        return ""
    size, name = max(sizes)
    return f"{name} ({size} bytes)"
