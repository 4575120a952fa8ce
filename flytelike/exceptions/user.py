"""``flytelike.exceptions.user``: mirrors ``flytekit.exceptions.user`` (classes in
``flytelike.exceptions._tree``; ``FlyteRecoverableException`` asks for a retry).
"""

from flytelike.exceptions._tree import (
    FlyteAssertion,
    FlyteAuthenticationException,
    FlyteCompilationException,
    FlyteDataNotFoundException,
    FlyteDisapprovalException,
    FlyteEntityAlreadyExistsException,
    FlyteEntityNotExistException,
    FlyteEntityNotFoundException,
    FlyteFailureNodeInputMismatchException,
    FlyteInvalidInputException,
    FlyteMissingReturnValueException,
    FlyteMissingTypeException,
    FlytePromiseAttributeResolveException,
    FlyteRecoverableException,
    FlyteTimeout,
    FlyteTypeException,
    FlyteUserException,
    FlyteUserRuntimeException,
    FlyteValidationException,
    FlyteValueException,
)

__all__ = [
    "FlyteAssertion",
    "FlyteAuthenticationException",
    "FlyteCompilationException",
    "FlyteDataNotFoundException",
    "FlyteDisapprovalException",
    "FlyteEntityAlreadyExistsException",
    "FlyteEntityNotExistException",
    "FlyteEntityNotFoundException",
    "FlyteFailureNodeInputMismatchException",
    "FlyteInvalidInputException",
    "FlyteMissingReturnValueException",
    "FlyteMissingTypeException",
    "FlytePromiseAttributeResolveException",
    "FlyteRecoverableException",
    "FlyteTimeout",
    "FlyteTypeException",
    "FlyteUserException",
    "FlyteUserRuntimeException",
    "FlyteValidationException",
    "FlyteValueException",
]
