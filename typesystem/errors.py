"""Exceptions raised by the type system.

::

    TypeSystemError                      base of everything below
    ├── TypeResolutionError (TypeError)  a Python type cannot be given a literal type
    │   ├── AmbiguousUnionError          two union variants cannot be told apart
    │   └── UnsupportedTypeError         a type that cannot travel (or would need pickle in strict mode)
    ├── ConversionError (TypeError)      a value does not match its type; lists every failing path
    ├── EncodingError (ValueError)       bytes or JSON that are not a valid encoding of a literal
    ├── MissingDependencyError (ImportError)  a type's library stack is not installed; names
    │                                    the extra to install (``pip install 'flytelike[pandas]'``)
    ├── RegistrationError                a transformer or factory was registered wrongly
    ├── PluginError                      a type plugin failed to load; names its distribution
    └── SettingError (ValueError)        a ``FLYTELIKE_*`` variable the type system reads
                                         (``FLYTELIKE_STRICT_TYPES``, ``FLYTELIKE_DISABLE_PLUGINS``)
                                         has a value it cannot use; names it and the forms

    PickleFallbackWarning (UserWarning)  a type is converted through cloudpickle

Messages follow one formula: what failed, where (a value path such as ``$.requests[3].score``),
expected vs got, and how to fix it. ``ConversionError.issues`` keeps every failing path with its
expected and found type, so callers can render them as they wish.

What the decoders raise, for any input whatsoever (fuzzed in ``tests/typesystem``):

- ``from_msgpack``, ``unpack_plain``: ``EncodingError``.
- ``literal_from_proto``, ``literal_from_proto_bytes``, ``literal_type_from_proto``,
  ``literal_type_from_proto_bytes`` (``typesystem._proto``): ``EncodingError``.
- ``literal_from_json``: ``ConversionError``, listing every failing path.

Foreign exceptions (msgpack's, protobuf's, ``zoneinfo``'s, ``OverflowError``,
``RecursionError``) never escape; they are chained as ``__cause__``. The limits the decoders
enforce (``typesystem._limits``): ints are int64, durations fit ``timedelta`` (999,999,999 days),
and values nest at most 32 levels; where a limit is not checked (ints inside msgpack arrays),
the decoder's docstring says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class TypeSystemError(Exception):
    """Base class of all type system errors."""


class TypeResolutionError(TypeSystemError, TypeError):
    """No literal type can be derived for a Python type."""

    def __init__(self, message: str, python_type: Any = None) -> None:
        super().__init__(message)
        self.python_type = python_type


class AmbiguousUnionError(TypeResolutionError):
    """Two variants of a union would be stored under the same variant name."""


class UnsupportedTypeError(TypeResolutionError):
    """A type that cannot be converted (restricted, or pickle refused in strict mode)."""


@dataclass(frozen=True, slots=True)
class Issue:
    """One failing value: where it is, what was expected and what was found."""

    path: str
    expected: str
    got: str
    detail: str = ""

    def __str__(self) -> str:
        text = f"Expected `{self.expected}`, got `{self.got}` - at `{self.path}`"
        return f"{text} ({self.detail})" if self.detail else text


class ConversionError(TypeSystemError, TypeError):
    """A value does not match its declared type.

    ``issues`` lists every failing value (all fields are checked before raising).
    """

    def __init__(self, issues: list[Issue] | tuple[Issue, ...], context: str = "") -> None:
        self.issues: tuple[Issue, ...] = tuple(issues)
        self.context = context
        super().__init__(self._render())

    def _render(self) -> str:
        head = f"{self.context}: " if self.context else ""
        if len(self.issues) == 1:
            return head + str(self.issues[0])
        lines = "\n".join(f"  - {issue}" for issue in self.issues)
        return f"{head}{len(self.issues)} values do not match their types:\n{lines}"

    def with_prefix(self, prefix: str) -> ConversionError:
        """Return the same error with ``prefix`` prepended to every path's ``$``."""
        moved = [
            Issue(prefix + issue.path[1:], issue.expected, issue.got, issue.detail)
            for issue in self.issues
        ]
        return ConversionError(moved, self.context)


# The name flytekit and flyte-sdk users know.
TypeTransformerFailedError = ConversionError


class EncodingError(TypeSystemError, ValueError):
    """Bytes or JSON that do not decode to a literal of the expected type."""


class MissingDependencyError(TypeSystemError, ImportError):
    """A type is known but the libraries that store it are not installed.

    ``missing`` names the absent modules and ``extra`` the flytelike extra that installs them.
    """

    def __init__(self, message: str, *, missing: tuple[str, ...] = (), extra: str = "") -> None:
        super().__init__(message)
        self.missing = missing
        self.extra = extra


class RegistrationError(TypeSystemError):
    """A transformer or factory could not be registered."""


class SettingError(TypeSystemError, ValueError):
    """An environment variable the type system reads has a value it cannot use."""

    def __init__(self, message: str, variable: str = "") -> None:
        super().__init__(message)
        self.variable = variable


class PluginError(TypeSystemError):
    """A type plugin failed to load or to register."""

    def __init__(self, message: str, plugin: str = "", distribution: str = "") -> None:
        super().__init__(message)
        self.plugin = plugin
        self.distribution = distribution


class PickleFallbackWarning(UserWarning):
    """A type has no transformer and will be converted through cloudpickle."""
