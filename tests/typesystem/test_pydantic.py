"""pydantic v2 models (lazy: pydantic is not a dependency)."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass

import pytest

import typesystem as ts

pydantic = pytest.importorskip("pydantic")

REG = ts.TypeRegistry(plugins=False)


class Prediction(pydantic.BaseModel):
    label: str
    score: float
    extra: dict[str, int] = pydantic.Field(default_factory=dict)


class Summary(pydantic.BaseModel):
    batch: str
    predictions: list[Prediction]


def test_model_round_trip() -> None:
    value = Summary(batch="b", predictions=[Prediction(label="x", score=0.5, extra={"n": 1})])
    out = REG.to_python(REG.to_literal(value, Summary), Summary)
    assert out == value and type(out.predictions[0].extra["n"]) is int


def test_model_from_dict_and_errors() -> None:
    assert REG.to_python(REG.to_literal({"label": "a", "score": 1}, Prediction), Prediction) == (
        Prediction(label="a", score=1.0)
    )
    with pytest.raises(ts.ConversionError, match=r"\$.score"):
        REG.to_literal({"label": "a", "score": "high"}, Prediction)


def test_model_literal_type_lists_fields() -> None:
    lt = REG.literal_type(Summary)
    assert isinstance(lt, ts.StructType) and [f.name for f in lt.fields] == ["batch", "predictions"]


@dataclass
class Holder:
    model: Prediction


def test_model_inside_dataclass() -> None:
    value = Holder(Prediction(label="a", score=2.0))
    assert REG.to_python(REG.to_literal(value, Holder), Holder) == value


def test_pydantic_is_not_imported_by_typesystem() -> None:
    code = "import sys, typesystem; typesystem.default_registry().literal_type(int); print('pydantic' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_model_json_form_reads_back() -> None:
    # (reading a model's JSON form recursed without end before the JSON records were told apart)
    from typesystem._json import literal_from_json, literal_to_json

    lt = REG.literal_type(Prediction)
    data = literal_to_json(REG.to_literal(Prediction(label="a", score=0.5), Prediction), lt)
    assert REG.to_python(literal_from_json(data, lt), Prediction) == Prediction(
        label="a", score=0.5
    )
    with pytest.raises(ts.ConversionError, match="JSON object"):
        literal_from_json(["a"], lt)
