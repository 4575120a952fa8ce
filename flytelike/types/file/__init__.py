"""``flytelike.types.file``: mirrors ``flytekit.types.file``.

``FlyteFile`` is ``flytelike.FlyteFile`` (one implementation with ``flytelike.io.File``); the
predefined formats are ``FlyteFile["<format>"]`` under flytekit's names.
"""

from typing import TYPE_CHECKING, NoReturn

from flytelike._compat.aliases import not_provided
from typesystem.io import FlyteFile

# Type checkers see the class itself (its format is a run-time parameter); at run time each
# name is the cached class FlyteFile["<format>"].
if TYPE_CHECKING:
    CSVFile = FlyteFile
    HDF5EncodedFile = FlyteFile
    HTMLPage = FlyteFile
    JPEGImageFile = FlyteFile
    JSONLFile = FlyteFile
    JoblibSerializedFile = FlyteFile
    ONNXFile = FlyteFile
    PDFFile = FlyteFile
    PNGImageFile = FlyteFile
    PythonNotebook = FlyteFile
    PythonPickledFile = FlyteFile
    SVGImageFile = FlyteFile
    TFRecordFile = FlyteFile
else:
    CSVFile = FlyteFile["csv"]
    HDF5EncodedFile = FlyteFile["hdf5"]
    HTMLPage = FlyteFile["html"]
    JPEGImageFile = FlyteFile["jpeg"]
    JSONLFile = FlyteFile["jsonl"]
    JoblibSerializedFile = FlyteFile["joblib"]
    ONNXFile = FlyteFile["onnx"]
    PDFFile = FlyteFile["pdf"]
    PNGImageFile = FlyteFile["png"]
    PythonNotebook = FlyteFile["ipynb"]
    PythonPickledFile = FlyteFile["python_pickle"]
    SVGImageFile = FlyteFile["svg"]
    TFRecordFile = FlyteFile["tfrecord"]

__all__ = [
    "CSVFile",
    "FlyteFile",
    "HDF5EncodedFile",
    "HTMLPage",
    "JPEGImageFile",
    "JSONLFile",
    "JoblibSerializedFile",
    "ONNXFile",
    "PDFFile",
    "PNGImageFile",
    "PythonNotebook",
    "PythonPickledFile",
    "SVGImageFile",
    "TFRecordFile",
]


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})
