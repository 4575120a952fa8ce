"""Exceptions raised by flytelike (the type system's own errors live in ``typesystem.errors``).

::

    FlytelikeError                         base of everything below
    ├── DefinitionError (ValueError)       a task, workflow, launch plan or setting is invalid
    │   │                                  where it is defined (names the entity and file:line)
    │   ├── InterfaceError (TypeError)     a signature that cannot become a typed interface
    │   └── ResourceError                  a Resources value that cannot be parsed or is inconsistent
    ├── CompileError                       a workflow body is not a valid workflow
    │   │                                  (names workflow, node, input and source line)
    │   ├── ArgumentError (TypeError)      wrong arguments to a task/workflow call
    │   ├── BindingTypeError (TypeError)   a value bound to an input has the wrong type
    │   └── PromiseUsageError (ValueError) a promise used as a Python value (if, bool, for, +, ...)
    ├── LaunchPlanError (ValueError)       launch plan inputs or settings that conflict
    ├── ReferenceEntityError               a reference entity was run without a mock
    ├── IRDecodeError (ValueError)         bytes or JSON that are not a valid encoding of the IR,
    │                                      or a closure whose references do not resolve (the
    │                                      only error ``flytelike.serialization``'s loaders raise)
    ├── ConfigurationError (ValueError)    a ``FLYTELIKE_*`` variable or setting with a bad value
    ├── CodeShippingError                  a task's code cannot be sent to the process that
    │                                      would run it (a global that cannot be pickled)
    ├── MissingDependencyError (ImportError)  an optional package a feature needs is not
    │                                      installed (``package`` names it, the message the
    │                                      ``pip install``)
    ├── NotProvidedError (ImportError)     a flytekit or flyte module or name flytelike does
    │                                      not provide (the message says what it is there and
    │                                      what to use instead)
    ├── WeightsFormatError (ValueError)    a safetensors weights file whose header or layout is
    │   │                                  invalid (names the file and the tensor)
    │   └── WeightsMismatchError (KeyError)  streamed weights and a module's parameters differ
    ├── EagerException                     a task, workflow or launch plan called inside an
    │                                      ``@eager`` task failed (flytekit's
    │                                      ``flytekit.exceptions.eager.EagerException``)
    └── LocalExecutionError                a local run failed (the engine raises its subclass
        │                                  flytelike.engine.RunFailedError)
        └── ConditionFailedLocally (ValueError)  a direct call reached a conditional's
                                           ``else_().fail(message)``

    FlyteRecoverableException              raised by user code to ask for a retry (``retries=``)

    BaseRuntimeError (RuntimeError)        v2 style (``flyte.errors``): a failure crossing an
    │                                      action boundary; ``code``, ``kind``, ``root_cause_message``
    ├── InitializationError                ``current_project()``/``current_domain()`` before
    │                                      ``init(project=, domain=)`` (kind "user")
    ├── RuntimeSystemError                 the machinery failed (kind "system")
    ├── RuntimeUnknownError                the cause is not known (kind "unknown")
    └── RuntimeUserError                   user code in a child action raised; ``code`` is the
        │                                  original exception's class name (``"ValueError"``)
        ├── OOMError                       the child ran out of memory (``MemoryError`` locally)
        ├── TaskTimeoutError               the child ran past its timeout (the engine's
        │                                  ``flytelike.engine.TaskTimeoutError`` subclasses it)
        ├── RetriesExhaustedError          every allowed attempt failed
        ├── TaskInterruptedError           an interruptible (spot) attempt was preempted
        ├── InlineIOMaxBytesBreached       inputs/outputs larger than ``max_inline_io_bytes``
        ├── OnlyAsyncIOSupportedError      a sync API used where only async is supported
        ├── NonRecoverableError            raised by users to fail without further retries
        ├── RuntimeDataValidationError     a child's inputs or outputs failed type conversion
        ├── RestrictedTypeError            a value that cannot travel between actions
        ├── ActionAbortedError             the awaited action was aborted
        ├── TraceDoesNotAllowNestedTasksError  a task was called inside ``@trace``
        ├── NotInTaskContextError          a run-time-only API used outside a running task
        ├── RemoteTaskNotFoundError / RemoteTaskUsageError
        ├── SyncTaskCallInAsyncContextError  a sync task called without ``.aio`` from async code
        ├── CustomError                    raised by users to fail with their own ``code``
        └── the rest of flyte 2.12's errors, for code that catches them: DeadlineExceeded /
            MaxRuntimeExceeded / MaxQueuedTimeExceeded (TaskTimeoutError), Condition*,
            CodeBundle, Deployment, ImageBuild, ImagePullBackOff, InvalidImageName,
            InvalidPackage, ModuleLoad, ParameterMaterialization, PrimaryContainerNotFound,
            SlowDown > ResourceExhausted, AppleSilicon* ; beside them GPUFaultError (+ its
            System/User kinds), LogsNotYetAvailableError, UnionRpcError (RuntimeSystemError)
            and ActionNotFoundError (a plain RuntimeError, as upstream)

    PromiseTextWarning (UserWarning)       ``str()`` or an f-string of a promise in a workflow
                                           body (``print``): the text is a placeholder, not the
                                           value

    TaskBodyStopped (BaseException)        raised inside a sync task body the engine stops (an
                                           abort, Ctrl-C); not an ``Exception``, so a body's
                                           ``except Exception`` does not swallow it

Messages follow one formula: what failed, where (entity, node id, input, file:line), expected vs
got, and how to fix it. Structured attributes (``entity``, ``node_id``, ``input_name``,
``location``) are kept so tools can render them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import asyncio


class FlytelikeError(Exception):
    """Base class of all flytelike errors."""

    def __init__(
        self,
        message: str,
        *,
        entity: str = "",
        node_id: str = "",
        input_name: str = "",
        location: str = "",
    ) -> None:
        super().__init__(message)
        self.entity = entity
        self.node_id = node_id
        self.input_name = input_name
        self.location = location


class DefinitionError(FlytelikeError, ValueError):
    """A task, workflow, launch plan or configuration object is invalid where it is defined."""


class InterfaceError(DefinitionError, TypeError):
    """A function signature cannot be turned into a typed interface."""


class ResourceError(DefinitionError):
    """A ``Resources`` value cannot be parsed or requests and limits are inconsistent."""


class CompileError(FlytelikeError):
    """A workflow body is not a valid workflow."""


class ArgumentError(CompileError, TypeError):
    """A task, workflow or launch plan was called with wrong arguments."""


class BindingTypeError(CompileError, TypeError):
    """A value or promise bound to an input does not have the input's type. A workflow with
    several reports them in one ``BindingTypeError`` whose ``errors`` holds each of them (empty
    for a single error)."""

    errors: tuple[BindingTypeError, ...] = ()


class PromiseUsageError(CompileError, ValueError):
    """A promise was used as if it were a Python value."""


class PromiseTextWarning(UserWarning):
    """``str()`` or an f-string of a promise in a workflow body (``print(p)``, ``print(f"{p}")``
    while the workflow compiles): the text names the node output, as flytekit's
    ``Promise(node:n0.o0)``, not its value; passed to a task it is refused."""


class LaunchPlanError(FlytelikeError, ValueError):
    """Launch plan inputs or settings conflict."""


class ReferenceEntityError(FlytelikeError, NotImplementedError):
    """A reference task, workflow or launch plan was run without a mock (a ``NotImplementedError``
    too: what flytekit raises there, so code catching that still catches it)."""


class IRDecodeError(FlytelikeError, ValueError):
    """Bytes or JSON that do not decode to the IR, or a decoded closure that does not hold
    together (a reference to a task, node or output it does not have)."""


class ConfigurationError(FlytelikeError, ValueError):
    """A configuration value (``FLYTELIKE_*`` variable) that cannot be used; names the variable,
    the value and the expected form."""


class CodeShippingError(FlytelikeError):
    """A task's function must travel by value to another process (a process pool, Ray
    workers) and cannot be pickled; the message names the globals at fault."""


class MissingDependencyError(FlytelikeError, ImportError):
    """A feature needs an optional package that is not installed; ``package`` names it (and
    ``name``, as ``ImportError``'s), the message says what needs it and what to install."""

    def __init__(self, message: str, *, package: str) -> None:
        super().__init__(message)
        self.package = package
        self.name = package


class NotProvidedError(FlytelikeError, ImportError):
    """An import of a flytekit or flyte module or name that flytelike does not provide (a
    service of a Flyte cluster, an SDK internal, a flyte 2 module with no local meaning); the
    message says what it is in flytekit or flyte, and what to use instead. ``name`` is the
    module, as ``ImportError``'s."""

    def __init__(self, message: str, *, module: str) -> None:
        super().__init__(message)
        self.name = module


class WeightsFormatError(FlytelikeError, ValueError):
    """A safetensors file (``flytelike.extras.model_streamer``) that cannot be read as one: a
    bad header, an unknown dtype, a tensor whose bytes do not match its shape; names the file
    and the tensor."""


class WeightsMismatchError(WeightsFormatError, KeyError):
    """Streamed weights do not match a module (``ModelStreamer.load_into(strict=True)``):
    parameters no tensor filled, tensors no parameter takes; a ``KeyError`` too, as flyte
    raises it."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class EagerException(FlytelikeError):
    """A call awaited inside an ``@eager`` task failed; catch it there as in flytekit
    (``except EagerException``). ``__cause__`` is the failure itself, and the exception is also
    an instance of the failed task's exception type when that type allows it, so
    ``except ValueError`` catches a task's ``ValueError`` too."""


class LocalExecutionError(FlytelikeError):
    """The local interpreter could not run a node."""


class ConditionFailedLocally(LocalExecutionError, ValueError):
    """A direct call of a workflow reached a conditional's ``else_().fail(message)``; also a
    ``ValueError``, which flytekit raises there."""


class FlyteException(Exception):
    """flytekit's base exception (``flytelike.exceptions.base``); ``_ERROR_CODE`` is flytekit's."""

    _ERROR_CODE = "UnknownFlyteException"


class FlyteRecoverableException(FlyteException):
    """Raise from a task to ask for a retry; other exceptions are not retried (flytekit's
    system exceptions, ``flytelike.exceptions.system``, derive from it and are retried too)."""

    _ERROR_CODE = "USER:Recoverable"


# ---------------------------------------------------------------------------- v2 (flyte.errors)
class BaseRuntimeError(FlytelikeError, RuntimeError):
    """A failure that crossed an action boundary (v2 style, ``flyte.errors``).

    ``code``: a short error code (for user errors, the original exception class name);
    ``kind``: ``"user"``, ``"system"`` or ``"unknown"``; ``root_cause_message``: the original
    message; ``worker``: where it happened (the action name locally).
    """

    default_kind = "unknown"

    def __init__(
        self, code: str, message: str = "", *, worker: str = "", kind: str | None = None
    ) -> None:
        super().__init__(message or code)
        self.code = code
        self.kind = kind or self.default_kind
        self.root_cause_message = message
        self.worker = worker

    # ``sum(results)`` over map results that hold an error re-raises the error itself.
    def __add__(self, other: object) -> object:
        raise self

    __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = __add__


class InitializationError(BaseRuntimeError):
    """Something that needs ``flyte.init(...)`` (a project, a domain) was used before it."""

    default_kind = "user"


class RuntimeSystemError(BaseRuntimeError):
    default_kind = "system"


class RuntimeUserError(BaseRuntimeError):
    default_kind = "user"


class RuntimeUnknownError(BaseRuntimeError):
    default_kind = "unknown"


class _CodedByName(RuntimeUserError):
    """A user error whose ``code`` is its class name: built from a message, as upstream."""

    def __init__(
        self, message: str = "", *, code: str = "", worker: str = "", kind: str | None = None
    ) -> None:
        super().__init__(code or type(self).__name__, message, worker=worker, kind=kind)


class OOMError(RuntimeUserError):
    """The action ran out of memory (locally: it raised ``MemoryError``)."""


class TaskTimeoutError(_CodedByName):
    """The action ran past its timeout (``timeout=`` / ``Timeout(max_runtime=...)``)."""


class RetriesExhaustedError(_CodedByName):
    """Every attempt allowed by ``retries=`` failed."""


class TaskInterruptedError(_CodedByName):
    """An interruptible attempt was preempted (never raised by the local backend)."""


class InlineIOMaxBytesBreached(_CodedByName):
    """Inputs or outputs passed inline exceed the task's ``max_inline_io_bytes``."""


class OnlyAsyncIOSupportedError(_CodedByName):
    """A synchronous API was used where only the async one is supported."""


class NonRecoverableError(_CodedByName):
    """Raise to fail an action at once, without using its remaining retries."""


class RuntimeDataValidationError(RuntimeUserError):
    """A child action's inputs or outputs could not be converted to their declared types."""


class RestrictedTypeError(RuntimeUserError):
    """A value of a type that cannot travel between actions."""


class ActionAbortedError(RuntimeUserError):
    """The awaited action was aborted."""


class TraceDoesNotAllowNestedTasksError(RuntimeUserError):
    """A task was called inside a ``@trace`` function; traces may not start actions."""


class NotInTaskContextError(RuntimeUserError):
    """An API that needs a running task was used outside one."""


class RemoteTaskNotFoundError(RuntimeUserError):
    """A remote task reference names no known task."""


class RemoteTaskUsageError(RuntimeUserError):
    """A remote task was called with wrong arguments or overrides."""


class CustomError(RuntimeUserError):
    """Raise to fail an action with your own ``code``."""


class SyncTaskCallInAsyncContextError(_CodedByName):
    """A sync task was called as ``task(...)`` inside async code (flyte 2.12 raises this too):
    the call would block the event loop that runs the caller. Use ``await task.aio(...)``."""


class LogsNotYetAvailableError(BaseRuntimeError):
    """An action's logs were asked for before it wrote any (``message`` first, as upstream)."""

    def __init__(self, message: str = "") -> None:
        super().__init__("LogsNotYetAvailableError", message)


class DeadlineExceededError(TaskTimeoutError):
    """The action did not finish by its ``Timeout(deadline=...)``."""


class MaxRuntimeExceededError(TaskTimeoutError):
    """An attempt ran past ``Timeout(max_runtime=...)``."""


class MaxQueuedTimeExceededError(TaskTimeoutError):
    """The action waited longer than ``Timeout(max_queued_time=...)`` to start."""


class CodeBundleError(_CodedByName):
    """The code bundle of a deployment could not be built or read."""


class ConditionAlreadyExistsError(_CodedByName):
    """A condition with that name already exists in the run (``new_condition``)."""


class ConditionFailedError(_CodedByName):
    """A condition failed: it was signalled with a value that is not of its data type, or it
    cannot be waited for (``cond.wait()``)."""


class ConditionNotFoundError(_CodedByName):
    """No condition of that name exists in the run."""


class ConditionTimedoutError(_CodedByName):
    """A condition was not signalled before its timeout (``cond.wait()``)."""


class DeploymentError(_CodedByName):
    """``deploy`` could not register an environment's tasks."""


class ImageBuildError(_CodedByName):
    """An image could not be built (``flytelike.build`` builds nothing, so never raised here)."""


class ModuleLoadError(_CodedByName):
    """The module that defines a task could not be imported where the task runs."""


class ParameterMaterializationError(_CodedByName):
    """An app parameter's value could not be fetched or converted."""


class SlowDownError(_CodedByName):
    """The control plane asked the client to slow down (never raised locally)."""


class ResourceExhaustedError(SlowDownError):
    """The control plane ran out of a resource (never raised locally)."""


class _CodedWithWorker(RuntimeUserError):
    """A user error built as ``(code, message, worker)``, as upstream."""

    def __init__(self, code: str, message: str = "", worker: str | None = None) -> None:
        super().__init__(code, message, worker=worker or "")


class ImagePullBackOffError(_CodedWithWorker):
    """The action's image could not be pulled (no images are pulled locally)."""


class InvalidImageNameError(_CodedWithWorker):
    """The action's image reference is not a valid image name."""


class PrimaryContainerNotFoundError(_CodedWithWorker):
    """A pod template names no container matching its primary container name."""


class InvalidPackageError(RuntimeUserError):
    """An image spec names a system package that does not exist; ``package_name`` and
    ``original_error`` say which and why."""

    def __init__(self, package_name: str, original_error: str) -> None:
        self.package_name = package_name
        self.original_error = original_error
        super().__init__(
            "InvalidPackageError",
            f"system package {package_name!r} does not exist ({original_error}); "
            "remove it from with_apt_packages(...) or correct its name",
        )


class UnionRpcError(RuntimeSystemError):
    """A call to the control plane failed (there is no control plane locally)."""

    def __init__(self, code: str, message: str = "", worker: str | None = None) -> None:
        super().__init__(code, message, worker=worker or "")


class ActionNotFoundError(RuntimeError):
    """No action of that name exists in the run."""


class AppleSiliconError(RuntimeUserError):
    """An action routed to an Apple silicon worker failed there (``APPLE_SILICON``)."""

    def __init__(self, message: str = "", worker: str | None = None) -> None:
        super().__init__(type(self).__name__, message, worker=worker or "")


class AppleSiliconNotAvailableError(AppleSiliconError):
    """No Apple silicon worker is available."""


class AppleSiliconHostExecFailedError(AppleSiliconError):
    """The command failed on the Apple silicon host."""


class AppleSiliconDaemonStartFailedError(AppleSiliconError):
    """The Apple silicon worker's daemon did not start."""


class AppleSiliconDaemonOOMError(AppleSiliconError):
    """The Apple silicon worker's daemon ran out of memory."""


class AppleSiliconBridgeUnreachableError(AppleSiliconError):
    """The bridge to the Apple silicon worker could not be reached."""


class AppleSiliconModelNotFoundError(AppleSiliconError):
    """The model asked of the Apple silicon worker is not there."""


class GPUFaultError(BaseRuntimeError):
    """A GPU fault stopped the action; ``fault_kind``, ``fault_code``, ``fault_name``,
    ``severity``, ``gpu_uuid``, ``gpu_index``, ``node``, ``pci_bus_id``, ``process`` describe it
    (``None`` where unknown)."""

    def __init__(
        self,
        code: str,
        kind: str,
        message: str = "",
        worker: str | None = None,
        **fault: Any,
    ) -> None:
        super().__init__(code, message, worker=worker or "", kind=kind)
        unknown = set(fault) - set(_GPU_FAULT_FIELDS)
        if unknown:
            raise TypeError(
                f"{type(self).__name__}: unknown fault field(s) {sorted(unknown)}; "
                f"known: {', '.join(_GPU_FAULT_FIELDS)}"
            )
        for field in _GPU_FAULT_FIELDS:
            setattr(self, field, fault.get(field))


_GPU_FAULT_FIELDS = (
    "fault_kind",
    "fault_code",
    "fault_name",
    "severity",
    "gpu_uuid",
    "gpu_index",
    "node",
    "pci_bus_id",
    "process",
)


class GPUFaultSystemError(GPUFaultError, RuntimeSystemError):
    """A GPU fault attributed to the machine."""

    def __init__(self, code: str, message: str = "", worker: str | None = None, **fault: Any):
        super().__init__(code, "system", message, worker, **fault)


class GPUFaultUserError(GPUFaultError, RuntimeUserError):
    """A GPU fault attributed to the user's code."""

    def __init__(self, code: str, message: str = "", worker: str | None = None, **fault: Any):
        super().__init__(code, "user", message, worker, **fault)


# The codes flyte 2.12 reports for GPU faults, and its Apple silicon error codes -> classes.
GPU_FAULT_CODES = (
    "GpuXidError",
    "GpuFallenOffBus",
    "GpuEccUncorrectable",
    "GpuRowRemapPending",
    "GpuNvlinkError",
    "GpuGspError",
)
APPLE_SILICON_ERRORS_BY_CODE: dict[str, type[AppleSiliconError]] = {
    "APPLE_SILICON_NOT_AVAILABLE": AppleSiliconNotAvailableError,
    "APPLE_SILICON_HOST_EXEC_FAILED": AppleSiliconHostExecFailedError,
    "APPLE_SILICON_DAEMON_START_FAILED": AppleSiliconDaemonStartFailedError,
    "APPLE_SILICON_DAEMON_OOM": AppleSiliconDaemonOOMError,
    "APPLE_SILICON_BRIDGE_UNREACHABLE": AppleSiliconBridgeUnreachableError,
    "APPLE_SILICON_MODEL_NOT_FOUND": AppleSiliconModelNotFoundError,
}


def silence_polling_error(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """An event-loop exception handler (``loop.set_exception_handler``) that drops
    ``BlockingIOError`` from polling and hands every other error to the loop's default handler."""
    if isinstance(context.get("exception"), BlockingIOError):
        return
    loop.default_exception_handler(context)


class TaskBodyStopped(BaseException):
    """Raised inside a sync task body that the engine stops: its run or action was aborted
    (``flytelike runs abort``, ``Run.abort``, Ctrl-C of ``flytelike run``). The engine records
    the action ``ABORTED``; the body may clean up in ``finally`` blocks but should let it
    propagate. Like ``KeyboardInterrupt`` it is not an ``Exception``."""
