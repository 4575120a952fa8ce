"""Type transformers registered at run time in the driver reach the Ray workers (or fail with
an error naming the type when they cannot travel)."""

from __future__ import annotations

import threading
from typing import Any

import flytelike as fl
import typesystem
from flytelike.engine import Engine, WorkflowPhase
from typesystem import Literal, LiteralType, Scalar, SimpleKind, SimpleType, TypeTransformer


class Celsius:
    """A type only the driver knows how to convert (registered by the test, not on import)."""

    def __init__(self, degrees: float) -> None:
        self.degrees = degrees


class Kelvin(Celsius):
    """Converted by a transformer that holds a lock, so it cannot be pickled."""


class DegreesTransformer(TypeTransformer[Any]):
    def __init__(self, t: type[Celsius]) -> None:
        super().__init__(t.__name__, t)
        self.cls = t

    def literal_type(self, t: Any = None) -> LiteralType:
        return SimpleType(SimpleKind.FLOAT, tag=self.cls.__name__)

    def to_literal(self, value: Any, t: Any = None) -> Literal:
        return Scalar(float(value.degrees))

    def to_python(self, literal: Literal, t: Any = None) -> Any:
        assert isinstance(literal, Scalar)
        return self.cls(float(literal.value))


class LockedTransformer(DegreesTransformer):
    def __init__(self, t: type[Celsius]) -> None:
        super().__init__(t)
        self.lock = threading.Lock()


def test_a_transformer_registered_at_run_time_travels_with_the_run(ray_engine: Engine) -> None:
    typesystem.default_registry().register(DegreesTransformer(Celsius))

    @fl.task
    def warmer(t: Celsius) -> Celsius:
        return Celsius(t.degrees + 1.5)

    run = ray_engine.run(warmer, t=Celsius(20.0))
    assert run.phase is WorkflowPhase.SUCCEEDED, run.error
    assert run.outputs().degrees == 21.5


def test_one_that_cannot_be_pickled_fails_naming_the_type(ray_engine: Engine) -> None:
    typesystem.default_registry().register(LockedTransformer(Kelvin))

    @fl.task
    def colder(t: Kelvin) -> Kelvin:
        return Kelvin(t.degrees - 1)

    run = ray_engine.run(colder, t=Kelvin(3.0))
    assert run.phase is WorkflowPhase.FAILED
    error = run.error
    message = str(error["message"] if isinstance(error, dict) else error.message)  # type: ignore[union-attr]
    assert "type `Kelvin`" in message, message
    assert "could not be sent to the Ray workers" in message and "lock" in message


DRIVER_ONLY = """
from typing import Any

from typesystem import Literal, LiteralType, Scalar, SimpleKind, SimpleType, TypeTransformer


class Fahrenheit:
    def __init__(self, degrees: float) -> None:
        self.degrees = degrees


class FahrenheitTransformer(TypeTransformer[Any]):
    def __init__(self) -> None:
        super().__init__("Fahrenheit", Fahrenheit)

    def literal_type(self, t: Any = None) -> LiteralType:
        return SimpleType(SimpleKind.FLOAT, tag="Fahrenheit")

    def to_literal(self, value: Any, t: Any = None) -> Literal:
        return Scalar(float(value.degrees))

    def to_python(self, literal: Literal, t: Any = None) -> Any:
        return Fahrenheit(literal.value)
"""


def test_a_registration_the_workers_cannot_import_does_not_stop_the_others(
    ray_engine: Engine, tmp_path: Any, monkeypatch: Any
) -> None:
    import sys

    (tmp_path / "driver_only_types.py").write_text(DRIVER_ONLY)
    monkeypatch.syspath_prepend(str(tmp_path))
    import driver_only_types  # (a module of the driver's sys.path only: pickled by reference)

    try:
        typesystem.default_registry().register(driver_only_types.FahrenheitTransformer())
        typesystem.default_registry().register(DegreesTransformer(Celsius))

        @fl.task
        def cooler(t: Celsius) -> Celsius:
            return Celsius(t.degrees - 0.5)

        run = ray_engine.run(cooler, t=Celsius(10.0))
        assert run.phase is WorkflowPhase.SUCCEEDED, run.error
        assert run.outputs().degrees == 9.5
    finally:
        sys.modules.pop("driver_only_types", None)
