"""flytekit's ML extras as flytekit documents them: ``flytekit.types.numpy``'s
``NumpyArrayTransformer`` and ``flytekit.extras.sklearn``'s ``SklearnEstimatorTransformer`` are
the transformers flytelike uses for arrays and estimators, so tasks pass both typed;
``flytekit.extras.pytorch`` and ``flytekit.extras.tensorflow`` names raise ``ImportError``
saying what to use."""

import pytest

from flytelike import TypeEngine, task, workflow

np = pytest.importorskip("numpy")


def test_numpy_array_transformer_is_the_ndarray_transformer() -> None:
    from flytelike.types.numpy import NumpyArrayTransformer

    assert isinstance(TypeEngine.get_transformer(np.ndarray), NumpyArrayTransformer)
    t = NumpyArrayTransformer()
    assert t.get_literal_type(np.ndarray) == TypeEngine.to_literal_type(np.ndarray)


def test_sklearn_estimators_pass_between_tasks() -> None:
    pytest.importorskip("sklearn")
    from sklearn.linear_model import LinearRegression

    from flytelike.extras.sklearn import SklearnEstimatorTransformer

    @task
    def fit(xs: np.ndarray, ys: np.ndarray) -> LinearRegression:
        return LinearRegression().fit(xs.reshape(-1, 1), ys)

    @task
    def predict(model: LinearRegression, x: float) -> float:
        return float(model.predict(np.array([[x]]))[0])

    @workflow
    def train_and_predict(x: float) -> float:
        model = fit(xs=np.array([0.0, 1.0, 2.0]), ys=np.array([1.0, 3.0, 5.0]))
        return predict(model=model, x=x)

    assert train_and_predict(x=3.0) == pytest.approx(7.0)
    assert isinstance(TypeEngine.get_transformer(LinearRegression), SklearnEstimatorTransformer)
    lt = SklearnEstimatorTransformer().get_literal_type(LinearRegression)
    assert lt == TypeEngine.to_literal_type(LinearRegression)


def test_pytorch_and_tensorflow_names_say_what_to_use() -> None:
    with pytest.raises(ImportError, match=r"PyTorchCheckpoint.*torch\.save"):
        from flytelike.extras.pytorch import PyTorchCheckpoint  # noqa: F401
    with pytest.raises(ImportError, match="FlytePickle"):
        from flytelike.extras.pytorch import PyTorchTensorTransformer  # noqa: F401
    with pytest.raises(ImportError, match="TFRecordFile"):
        from flytelike.extras.tensorflow import TensorFlowRecordFileTransformer  # noqa: F401
