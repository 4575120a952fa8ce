"""flytekit's exception classes (``flytekit.exceptions.base``/``user``/``system``), with
flytekit's bases and ``_ERROR_CODE``s, for code that raises or catches them.

``FlyteException`` and ``FlyteRecoverableException`` are ``flytelike.errors``' (raising the
latter, or any system exception, which derives from it as in flytekit, asks for a retry). One
difference: flytekit's ``exceptions.user.FlyteRecoverableException`` is a separate subclass of
``FlyteUserException``; here it is the same class as ``exceptions.base``'s.
"""

from __future__ import annotations

from flytelike.errors import FlyteException, FlyteRecoverableException


class FlyteUserException(FlyteException):
    _ERROR_CODE = "USER:Unknown"


class FlyteUserRuntimeException(FlyteException):
    _ERROR_CODE = "USER:RuntimeError"


class FlyteTypeException(FlyteUserException, TypeError):
    _ERROR_CODE = "USER:TypeError"


class FlyteValueException(FlyteUserException, ValueError):
    _ERROR_CODE = "USER:ValueError"


class FlyteDataNotFoundException(FlyteValueException):
    pass


class FlyteEntityNotFoundException(FlyteValueException):
    pass


class FlyteAssertion(FlyteUserException, AssertionError):
    _ERROR_CODE = "USER:AssertionError"


class FlyteAuthenticationException(FlyteAssertion):
    _ERROR_CODE = "USER:AuthenticationError"


class FlyteDisapprovalException(FlyteAssertion):
    _ERROR_CODE = "USER:ResultNotApproved"


class FlyteEntityAlreadyExistsException(FlyteAssertion):
    _ERROR_CODE = "USER:EntityAlreadyExists"


class FlyteEntityNotExistException(FlyteAssertion):
    _ERROR_CODE = "USER:EntityNotExist"


class FlyteFailureNodeInputMismatchException(FlyteAssertion):
    _ERROR_CODE = "USER:FailureNodeInputMismatch"


class FlytePromiseAttributeResolveException(FlyteAssertion):
    _ERROR_CODE = "USER:PromiseAttributeResolveError"


class FlyteTimeout(FlyteAssertion):
    _ERROR_CODE = "USER:Timeout"


class FlyteValidationException(FlyteAssertion):
    _ERROR_CODE = "USER:ValidationError"


class FlyteCompilationException(FlyteUserException):
    _ERROR_CODE = "USER:CompileError"


class FlyteMissingReturnValueException(FlyteCompilationException):
    _ERROR_CODE = "USER:MissingReturnValueError"


class FlyteMissingTypeException(FlyteCompilationException):
    _ERROR_CODE = "USER:MissingTypeError"


class FlyteInvalidInputException(FlyteUserException):
    _ERROR_CODE = "USER:BadInputToAPI"


class FlyteSystemException(FlyteRecoverableException):
    _ERROR_CODE = "SYSTEM:Unknown"


class FlyteSystemUnavailableException(FlyteSystemException):
    _ERROR_CODE = "SYSTEM:Unavailable"


class FlyteSystemAssertion(FlyteSystemException, AssertionError):
    _ERROR_CODE = "SYSTEM:AssertionError"


class FlyteNotImplementedException(FlyteSystemException, NotImplementedError):
    _ERROR_CODE = "SYSTEM:NotImplemented"


class FlyteEntrypointNotLoadable(FlyteSystemException):
    _ERROR_CODE = "SYSTEM:UnloadableCode"


class FlyteDownloadDataException(FlyteSystemException):
    _ERROR_CODE = "SYSTEM:DownloadDataError"


class FlyteUploadDataException(FlyteSystemException):
    _ERROR_CODE = "SYSTEM:UploadDataError"


class FlyteConnectorNotFound(FlyteSystemException, AssertionError):
    _ERROR_CODE = "SYSTEM:ConnectorNotFound"


class FlyteAgentNotFound(FlyteSystemException, AssertionError):
    _ERROR_CODE = "SYSTEM:AgentNotFound"


class FlyteNonRecoverableSystemException(FlyteException):
    _ERROR_CODE = "USER:NonRecoverableSystemError"


__all__ = ["FlyteException", "FlyteRecoverableException"]  # (the rest: see the facades)
