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


def test_plain_scalar_keys_are_those_of_canonical_inputs(engine: Engine) -> None:
    """Inputs that are all plain scalars are encoded for the key without ``canonical_inputs``
    (``_cache._plain_body``): the keys must stay what they were (cache entries written before
    still hit), ignored inputs left out the same way, and anything else goes through it."""
    import hashlib

    import typesystem
    from flytelike.engine._cache import _plain_body
    from flytelike.engine._index import ClosureIndex, to_closure
    from flytelike.ir import CacheSpec

    values = [0, -1, 2**63 - 1, 2**64 - 1, -(2**63), 1.5, -0.0, "", "héllo", b"xy", None, True]
    for v in values:
        for ignore in (frozenset(), frozenset({"b"})):
            inputs = {"b": Scalar(v), "a": Scalar(3), "c": Scalar(v)}
            assert _plain_body(inputs, ignore) == typesystem.canonical_inputs(inputs, ignore)
    # (beyond 64 bits, a hash, a literal that is not a plain scalar: canonical_inputs decides)
    assert _plain_body({"x": Scalar(2**64)}, frozenset()) is None
    assert _plain_body({"x": Scalar(1, hash="h")}, frozenset()) is None
    listed = typesystem.default_registry().to_literal([1, 2], list[int])
    assert _plain_body({"x": listed}, frozenset()) is None

    template = ClosureIndex(to_closure(halve)).primary()
    spec = CacheSpec(enabled=True, version="1", ignored_inputs=("y",))
    inputs = {"x": Scalar(2.5), "y": Scalar("ignored")}
    iface = hashlib.sha256(repr(template.interface).encode()).hexdigest()
    prefix = f"{template.id.name}\0{iface}\0{spec.version}\0{spec.salt}\0".encode()
    body = typesystem.canonical_inputs({"x": Scalar(2.5)})
    expected = hashlib.sha256(b"ns" + prefix + body).hexdigest()
    assert engine.cache.key(template, spec, inputs, b"ns") == expected
    assert engine.cache.key(template, spec, {"x": Scalar(2.5)}, b"ns") == expected
    assert engine.cache.key(template, spec, {"x": Scalar(2.5)}, b"other") != expected
