"""``flytelike.extras.tensorflow``: mirrors ``flytekit.extras.tensorflow``, whose names are not
provided (``flytelike._compat.flytekit_gaps`` says why and what to use: TFRecord files and
directories are ``TFRecordFile``/``TFRecordsDirectory`` values a task opens with TensorFlow)."""

from __future__ import annotations

from typing import NoReturn

from flytelike._compat.aliases import not_provided

__all__: list[str] = []


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})
