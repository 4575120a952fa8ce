"""Cache hits of equal inputs, and ``same_literals``, the rule that lets a cache-hit run row
reuse the encoded inputs of an earlier hit of its key: only inputs that certainly encode alike
(exact-type scalars, no floats): ``0.0`` and ``-0.0``, ``1`` and ``True`` get keys and rows of
their own."""

from __future__ import annotations

import flytelike as fl
from flytelike.engine import Engine
from flytelike.engine._blobs import same_literals
from typesystem import Scalar

CALLS: list[float] = []


@fl.task(cache=True, cache_version="1")
def halve(x: float) -> float:
    CALLS.append(x)
    return x / 2


def test_equal_inputs_hit_and_signed_zeros_do_not_share_a_key(engine: Engine) -> None:
    CALLS.clear()
    assert engine.run(halve, x=0.0).outputs() == 0.0
    assert engine.run(halve, x=0.0).outputs() == 0.0
    assert CALLS == [0.0]  # (the second run: a hit)
    engine.run(halve, x=-0.0)
    assert len(CALLS) == 2  # (-0.0 == 0.0, but it is another input: a miss)
    assert engine.run(halve, x=3.0).outputs() == 1.5
    assert engine.run(halve, x=3.0).outputs() == 1.5
    assert CALLS[2:] == [3.0]


def test_same_literals_is_sure_or_says_no() -> None:
    assert same_literals({"x": Scalar(1)}, {"x": Scalar(1)})
    assert same_literals(
        {"s": Scalar("a"), "n": Scalar(None)}, {"n": Scalar(None), "s": Scalar("a")}
    )
    lit = Scalar(0.5)
    assert same_literals({"x": lit}, {"x": lit})  # (the same object)
    assert not same_literals({"x": Scalar(1)}, {"x": Scalar(True)})
    assert not same_literals({"x": Scalar(0.0)}, {"x": Scalar(-0.0)})
    assert not same_literals({"x": Scalar(1)}, {"y": Scalar(1)})
    assert not same_literals({"x": Scalar(1)}, {"x": Scalar(1), "y": Scalar(2)})
    assert not same_literals({"x": Scalar(1, hash="h")}, {"x": Scalar(1, hash="h")})
