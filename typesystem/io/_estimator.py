"""scikit-learn estimators as typed values: one ``.joblib`` blob (format ``SklearnEstimator``,
as flytekit stores them) under the raw data prefix.

scikit-learn is not a dependency (the ``sklearn`` extra installs it): an estimator class is
recognised by its bases' module and name (any subclass of ``sklearn.base.BaseEstimator``), so
defining a task that uses one imports nothing, and joblib (which scikit-learn requires) is
imported only to write or read an estimator. Not here: numpy arrays (``_ndarray``).
"""

from __future__ import annotations

from typing import Any

from typesystem._literals import Blob, Literal
from typesystem._transformer import TypeTransformer, bad_literal, mismatch
from typesystem._types import BlobType, LiteralType

FORMAT = "SklearnEstimator"


def _is_base_estimator(cls: type) -> bool:
    return cls.__module__ == "sklearn.base" and cls.__name__ == "BaseEstimator"


def is_estimator_type(t: Any) -> bool:
    """Whether ``t`` is ``sklearn.base.BaseEstimator`` or a class derived from it."""
    return isinstance(t, type) and any(_is_base_estimator(c) for c in t.__mro__)


def _joblib() -> Any:
    try:
        import joblib
    except ImportError as e:  # (scikit-learn requires joblib; a broken install lacks it)
        from typesystem.errors import MissingDependencyError

        raise MissingDependencyError(
            "scikit-learn estimators are stored with joblib, which is not installed; install "
            "the extra: pip install 'flytelike[sklearn]'",
            missing=("joblib",),
            extra="sklearn",
        ) from e
    return joblib


class EstimatorTransformer(TypeTransformer[Any]):
    """An estimator of class ``t`` (or a subclass) <-> a ``SklearnEstimator`` blob. Without
    ``t`` (as flytekit's ``SklearnEstimatorTransformer()`` is built) it imports scikit-learn and
    handles ``sklearn.base.BaseEstimator``."""

    SKLEARN_FORMAT = FORMAT

    def __init__(self, t: Any = None) -> None:
        if t is None:
            try:
                from sklearn.base import BaseEstimator
            except ImportError as e:
                from typesystem.errors import MissingDependencyError

                raise MissingDependencyError(
                    "scikit-learn estimators need scikit-learn, which is not installed; install "
                    "the extra: pip install 'flytelike[sklearn]'",
                    missing=("sklearn",),
                    extra="sklearn",
                ) from e
            t = BaseEstimator
        super().__init__("sklearn-estimator", t)

    def literal_type(self, t: Any) -> LiteralType:
        return BlobType(FORMAT)

    def matches(self, value: Any, t: Any) -> bool:
        return isinstance(value, t) if isinstance(t, type) else False

    def to_literal(self, value: Any, t: Any) -> Literal:
        if not self.matches(value, t):
            raise mismatch(f"{getattr(t, '__name__', t)} (a scikit-learn estimator)", value)
        joblib = _joblib()
        from typesystem.io._store import DataStore

        store = DataStore()
        uri = store.new_uri("estimator.joblib")
        with store.open(uri, "wb") as f:
            joblib.dump(value, f)
        return Blob(uri, FORMAT)

    def to_python(self, literal: Literal, t: Any) -> Any:
        if not isinstance(literal, Blob):
            raise bad_literal("Blob", literal)
        joblib = _joblib()
        from typesystem.io._store import DataStore

        with DataStore().open(literal.uri, "rb") as f:
            value = joblib.load(f)
        if isinstance(t, type) and not isinstance(value, t):
            raise mismatch(f"{t.__name__} (a scikit-learn estimator)", value)
        return value

    def guess_python_type(self, literal_type: LiteralType) -> Any:
        if not (isinstance(literal_type, BlobType) and literal_type.format == FORMAT):
            raise ValueError(f"not a scikit-learn estimator: {literal_type!r}")
        from sklearn.base import BaseEstimator

        return BaseEstimator


def estimator_factory(t: Any, registry: Any) -> TypeTransformer[Any]:
    return EstimatorTransformer(t)
