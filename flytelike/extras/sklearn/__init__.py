"""``flytelike.extras.sklearn``: mirrors ``flytekit.extras.sklearn``.

``SklearnEstimatorTransformer`` is the transformer flytelike uses for scikit-learn estimators
(``sklearn.base.BaseEstimator`` and every class derived from it): one ``.joblib`` blob of format
``SklearnEstimator``, as flytekit stores them. It is built in, so an estimator annotated on a
task travels typed as soon as scikit-learn is installed (``pip install 'flytelike[sklearn]'``):
``TypeEngine.get_transformer(LinearRegression)`` returns one, and
``SklearnEstimatorTransformer()`` builds one for ``BaseEstimator`` as flytekit's does
(importing scikit-learn; ``MissingDependencyError`` naming the extra when it is absent).
"""

# (typesystem keeps its built-in transformer classes off its face; this one has flytekit's name)
from typesystem.io._estimator import EstimatorTransformer as SklearnEstimatorTransformer

__all__ = ["SklearnEstimatorTransformer"]
