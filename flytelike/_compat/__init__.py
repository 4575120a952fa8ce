"""Helpers for flytelike's compatibility faces (the flytekit/flyte import paths) and for module
paths that moved: nothing here is imported by the layers below the faces."""
