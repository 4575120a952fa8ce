"""flyte 2's ``build``, ``build_images`` and ``rerun``, with their local meaning.

- ``build(image, dry_run=False, force=False, wait=True)`` builds nothing: the local engine runs
  tasks in this Python environment, so an image is only described. It returns an
  ``ImageBuild`` whose ``uri`` is the image's reference (``Image.uri``, an ``ImageSpec``'s
  ``image_name()``, or the string given) and whose ``remote_run`` is ``None``, as flyte's local
  builder returns. ``dry_run``, ``force`` and ``wait`` change nothing when nothing is built.
  An ``Image`` whose local files (``with_source_file``, ``with_uv_project``, ...) are absent
  raises ``DefinitionError`` naming the file, as flyte's build fails on it (``Image.validate``;
  ``build_images`` too).
  Also ``await build.aio(image)``.
- ``build_images(*envs, copy_style="loaded_modules", seed_cache=None)``: the same for every
  environment's image (and those it depends on): ``{environment name: image reference}``
  (environments without an image are left out). ``copy_style`` is checked as ``deploy`` checks
  it (an image's reference does not depend on it locally); ``seed_cache``, what an earlier
  ``build_images`` returned, gives the references of environments built before, reused as they
  are.
- ``rerun(run_name, *, name=None, wait=True, overwrite_cache=False)`` runs a recorded run again
  as a new run: the same compiled entity, the same inputs (as recorded), the same project and
  domain, its code imported from where the first run found it. Returns the new run as
  ``flytelike.run`` does (a failed run raises; ``wait=False`` returns at once). ``name`` names
  the new run; ``overwrite_cache=True`` re-runs cached tasks. ``RunNotFoundError`` when there is
  no such run. (``flytelike resume RUN`` instead continues a failed run in place.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flytelike._v2.syncify import with_aio
from flytelike.errors import DefinitionError

# How a deployment ships its code (``deploy``, ``build_images``).
COPY_STYLES = ("loaded_modules", "all", "none")


@dataclass
class ImageBuild:
    """What ``build`` returns: the image's reference; ``remote_run`` is always ``None``."""

    uri: str | None
    remote_run: Any = None


def image_reference(image: Any) -> str:
    """The reference of ``image`` (an ``Image``, an ``ImageSpec`` or a string)."""
    if isinstance(image, str):
        if not image.strip():
            raise DefinitionError("build: the image reference is empty")
        return image
    uri = getattr(image, "uri", None)
    if isinstance(uri, str):
        return uri
    name = getattr(image, "image_name", None)
    if callable(name):
        return str(name())
    raise DefinitionError(
        f"build: expected an Image, an ImageSpec or an image reference string, got {image!r}"
    )


def _checked_reference(image: Any) -> str:
    """``image_reference``, after checking that the local files an ``Image`` copies or installs
    from exist (``Image.validate``), as flyte's build needs them."""
    validate = getattr(image, "validate", None)
    if callable(validate):
        validate()
    return image_reference(image)


def _build(image: Any, dry_run: bool = False, force: bool = False, wait: bool = True) -> ImageBuild:
    """See the module docstring: nothing is built locally."""
    return ImageBuild(uri=_checked_reference(image), remote_run=None)


def _with_aio(fn: Any) -> Any:
    async def aio(*args: Any, **kwargs: Any) -> Any:
        return fn(*args, **kwargs)

    fn.aio = aio
    return fn


build = _with_aio(_build)


def _build_images(
    *envs: Any, copy_style: str = "loaded_modules", seed_cache: Any = None
) -> dict[str, str]:
    """``{environment name: image reference}`` for ``envs`` and what they depend on."""
    if copy_style not in COPY_STYLES:
        raise DefinitionError(
            f"build_images(copy_style={copy_style!r}): expected one of {', '.join(COPY_STYLES)}"
        )
    seeded = getattr(seed_cache, "image_lookup", seed_cache)
    if seeded is not None and not isinstance(seeded, dict):
        raise DefinitionError(
            "build_images(seed_cache=...): expected what an earlier build_images returned (a "
            f"dict of environment name to image reference), got {type(seed_cache).__name__}"
        )
    out: dict[str, str] = {}

    def walk(env: Any) -> None:
        if env.name in out:
            return
        if seeded and env.name in seeded:  # (built before: its reference is reused)
            out[env.name] = str(seeded[env.name])
            for dep in getattr(env, "depends_on", ()):
                walk(dep)
            return
        image = getattr(env, "image", None)
        if image is not None and image != "auto":
            out[env.name] = _checked_reference(image)
        for dep in getattr(env, "depends_on", ()):
            walk(dep)

    for env in envs:
        walk(env)
    return out


build_images = _with_aio(_build_images)


@with_aio
def rerun(
    run_name: str,
    /,
    *,
    name: str | None = None,
    wait: bool = True,
    overwrite_cache: bool = False,
) -> Any:
    """Run the recorded run ``run_name`` again as a new run (see the module docstring)."""
    from flytelike._v2.run import _as_v2, _finished
    from flytelike.engine import RunNotFoundError, default_engine
    from flytelike.engine import prepare_code as prepare

    engine = default_engine()
    store = engine.store
    store.flush()
    rec = store.get_run(run_name)
    if rec is None:
        raise RunNotFoundError(f"no run named {run_name!r} in {engine.config.db_path}")
    closure = store.run_closure(run_name)
    inputs = store.run_literals(run_name, "inputs")
    if closure is None or inputs is None:
        raise RunNotFoundError(f"run {run_name} has no recorded closure or inputs to run again")
    prepare(run_name, closure, rec.options.get("code"))
    run = engine.run_literals(
        closure,
        inputs,
        name=name,
        wait=wait,
        overwrite_cache=overwrite_cache or None,
        raw_data_path=rec.options.get("raw_data_path"),
        max_parallelism=rec.options.get("max_parallelism"),
        project=rec.project,
        domain=rec.domain,
    )
    return _finished(run) if wait else _as_v2(run)


__all__ = ["ImageBuild", "build", "build_images", "rerun"]
