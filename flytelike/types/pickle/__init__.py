"""``flytelike.types.pickle``: mirrors ``flytekit.types.pickle`` (``FlytePickle[T]`` stores a
value with cloudpickle on purpose; see ``typesystem._pickled``)."""

from typesystem import FlytePickle

__all__ = ["FlytePickle"]
