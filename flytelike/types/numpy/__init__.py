"""``flytelike.types.numpy``: mirrors ``flytekit.types.numpy``.

``NumpyArrayTransformer`` is the transformer flytelike uses for ``numpy.ndarray`` values (one
``.npy`` blob of format ``NumpyArray``, as flytekit stores it; typed arrays such as
``NDArray[np.float64]`` too): ``TypeEngine.get_transformer(np.ndarray)`` returns one, and
``NumpyArrayTransformer()`` builds one for ``np.ndarray`` as flytekit's does (importing numpy;
``MissingDependencyError`` naming what to install when it is absent).
"""

# (typesystem keeps its built-in transformer classes off its face; this one has flytekit's name)
from typesystem.io._ndarray import NdarrayTransformer as NumpyArrayTransformer

__all__ = ["NumpyArrayTransformer"]
