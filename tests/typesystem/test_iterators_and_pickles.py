"""``Iterator[T]`` values (``FlyteIterator``), ``FlytePickle`` and ``BatchSize``, as flytekit
documents them: an iterator's items travel as a list; ``FlytePickle[T]`` pickles on purpose
(no warning); ``Annotated[list[T], BatchSize(n)]`` stores a list of pickled ``T`` n per pickle,
readable by a plain ``list[T]``."""

from __future__ import annotations

import collections.abc as cabc
import typing
import warnings
from typing import Annotated

import pytest

import typesystem as ts
from typesystem import BatchSize, FlyteIterator, FlytePickle


class Opaque:
    """A class without a transformer: pickled."""

    def __init__(self, v: int) -> None:
        self.v = v


@pytest.fixture
def reg() -> ts.TypeRegistry:
    return ts.TypeRegistry(plugins=False)


@pytest.mark.parametrize("t", [typing.Iterator[int], cabc.Iterator[int]])
def test_an_iterator_is_stored_as_the_list_of_its_items(
    reg: ts.TypeRegistry, t: typing.Any
) -> None:
    assert reg.literal_type(t) == reg.literal_type(list[int])
    lit = reg.to_literal(iter(range(4)), t)
    assert lit == reg.to_literal([0, 1, 2, 3], list[int])
    assert reg.to_literal((i * i for i in range(3)), t) == reg.to_literal([0, 1, 4], list[int])
    back = reg.to_python(lit, t)
    assert isinstance(back, FlyteIterator) and len(back) == 4
    assert next(back) == 0 and list(back) == [1, 2, 3]
    with pytest.raises(StopIteration):
        next(back)
    assert reg.to_python(lit, list[int]) == [0, 1, 2, 3]


def test_a_flyte_iterator_converts_items_as_they_are_read(reg: ts.TypeRegistry) -> None:
    lit = reg.to_literal([{"a": 1}, {"a": 2}], list[dict[str, int]])
    it = reg.to_python(lit, typing.Iterator[dict[str, int]])
    assert repr(it) == "FlyteIterator(2 items, 0 read)"
    assert next(it) == {"a": 1}
    assert repr(it) == "FlyteIterator(2 items, 1 read)"


def test_an_iterator_value_must_be_iterable(reg: ts.TypeRegistry) -> None:
    with pytest.raises(ts.ConversionError, match="an iterator or iterable of the items"):
        reg.to_literal(5, typing.Iterator[int])
    with pytest.raises(ts.ConversionError, match=r"\$\[1\]"):
        reg.to_literal(iter([1, "x"]), typing.Iterator[int])


def test_flyte_pickle_pickles_on_purpose(reg: ts.TypeRegistry) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no PickleFallbackWarning: pickle was asked for
        lit = reg.to_literal(3, FlytePickle[int])
        assert isinstance(lit, ts.Binary) and lit.tag == "cloudpickle"
        assert reg.to_python(lit, FlytePickle[int]) == 3
        anything = reg.to_literal({"k": Opaque(1)}, FlytePickle)
        assert reg.to_python(anything, FlytePickle)["k"].v == 1
    with pytest.raises(ts.ConversionError):
        reg.to_literal("not an int", FlytePickle[int])


def test_batch_size_stores_pickled_items_in_batches(reg: ts.TypeRegistry) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ts.PickleFallbackWarning)
        batched = Annotated[list[Opaque], BatchSize(3)]
        values = [Opaque(i) for i in range(7)]
        lit = reg.to_literal(values, batched)
        assert isinstance(lit, ts.Collection) and len(lit.items) == 3  # 3 + 3 + 1
        assert reg.literal_type(batched) == reg.literal_type(list[Opaque])
        assert [o.v for o in reg.to_python(lit, batched)] == list(range(7))
        # a plain list[T] reads the batches, and the batched type reads one pickle per item
        assert [o.v for o in reg.to_python(lit, list[Opaque])] == list(range(7))
        plain = reg.to_literal(values, list[Opaque])
        assert len(plain.items) == 7  # type: ignore[attr-defined]
        assert [o.v for o in reg.to_python(plain, batched)] == list(range(7))
        with pytest.raises(ts.ConversionError, match=r"\$\[1\]"):
            reg.to_literal([Opaque(0), "x"], batched)


def test_batch_size_on_typed_items_changes_nothing(reg: ts.TypeRegistry) -> None:
    lit = reg.to_literal([1, 2, 3], Annotated[list[int], BatchSize(2)])
    assert lit == reg.to_literal([1, 2, 3], list[int])


def test_batch_size_must_be_positive() -> None:
    with pytest.raises(ValueError, match="an int >= 1"):
        BatchSize(0)
