"""flytelike-ray: a Ray backend for flytelike (``--backend ray``, ``FLYTELIKE_BACKEND=ray``).

``RayBackend`` is registered as entry point ``ray`` of ``flytelike.backends``. Importing this
package does not import Ray; the backend starts or joins Ray on first use.
"""

from flytelike_ray._backend import RayBackend
from flytelike_ray._errors import CodeShippingError, RayBackendError

__all__ = ["CodeShippingError", "RayBackend", "RayBackendError"]
