"""scikit-learn estimators are typed values (a ``SklearnEstimator`` blob written with joblib,
as flytekit stores them); scikit-learn is imported only to store or load one."""

from __future__ import annotations

import subprocess
import sys

import pytest

import typesystem as ts

sklearn = pytest.importorskip("sklearn")


def test_a_fitted_estimator_round_trips() -> None:
    import numpy as np
    from sklearn.linear_model import LinearRegression

    reg = ts.default_registry()
    model = LinearRegression().fit(np.array([[0.0], [1.0], [2.0]]), np.array([1.0, 3.0, 5.0]))
    lit = reg.to_literal(model, LinearRegression)
    assert isinstance(lit, ts.Blob) and lit.format == "SklearnEstimator"
    assert reg.literal_type(LinearRegression) == ts.BlobType("SklearnEstimator")
    back = reg.to_python(lit, LinearRegression)
    assert isinstance(back, LinearRegression)
    assert back.predict(np.array([[3.0]]))[0] == pytest.approx(7.0)


def test_any_estimator_class_and_refusals() -> None:
    from sklearn.base import BaseEstimator
    from sklearn.linear_model import LinearRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    reg = ts.default_registry()
    pipe = Pipeline([("scale", StandardScaler())])
    lit = reg.to_literal(pipe, BaseEstimator)
    assert isinstance(reg.to_python(lit, BaseEstimator), Pipeline)
    assert reg.guess_python_type(ts.BlobType("SklearnEstimator")) is BaseEstimator
    with pytest.raises(ts.ConversionError, match="LinearRegression"):
        reg.to_literal(StandardScaler(), LinearRegression)
    with pytest.raises(ts.ConversionError):
        reg.to_python(lit, LinearRegression)  # (a Pipeline was stored)


def test_defining_an_estimator_task_imports_no_sklearn() -> None:
    code = (
        "import sys\n"
        "from flytelike import task\n"
        "class Fake:\n    pass\n"
        "@task\ndef t(x: int) -> int:\n    return x\n"
        "assert 'sklearn' not in sys.modules and 'joblib' not in sys.modules\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr
