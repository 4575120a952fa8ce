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
    ├── IRDecodeError (ValueError)         bytes or JSON that are not a valid encoding of the IR
    └── LocalExecutionError                the local interpreter could not run a node

    FlyteRecoverableException              raised by user code to ask for a retry (``retries=``)

Messages follow one formula: what failed, where (entity, node id, input, file:line), expected vs
got, and how to fix it. Structured attributes (``entity``, ``node_id``, ``input_name``,
``location``) are kept so tools can render them.
"""

from __future__ import annotations


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
    """A value or promise bound to an input does not have the input's type."""


class PromiseUsageError(CompileError, ValueError):
    """A promise was used as if it were a Python value."""


class LaunchPlanError(FlytelikeError, ValueError):
    """Launch plan inputs or settings conflict."""


class ReferenceEntityError(FlytelikeError):
    """A reference task, workflow or launch plan was run without a mock."""


class IRDecodeError(FlytelikeError, ValueError):
    """Bytes or JSON that do not decode to the IR."""


class LocalExecutionError(FlytelikeError):
    """The local interpreter could not run a node."""


class FlyteRecoverableException(Exception):
    """Raise from a task to ask for a retry; other exceptions are not retried."""
