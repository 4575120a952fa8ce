"""``flytelike image dockerfile FILE NAME``: print the Dockerfile of an image FILE defines.

NAME is an attribute of the loaded module (dotted for nested ones): a ``TaskEnvironment`` (its
``image``), an ``Image`` or ``ImageSpec``, or a task (its ``container_image``); or the name of a
``TaskEnvironment`` defined there (``TaskEnvironment("etl", ...)``: ``etl``). Nothing is built
and no container engine is called. ``--output PATH`` writes the file instead (and, for an image
with ``with_dockerignore``, ``PATH.dockerignore`` beside it, which BuildKit reads for a
Dockerfile of that name).
"""

from __future__ import annotations

import os
from typing import Any

import click

from flytelike.cli._load import load_module
from flytelike.errors import DefinitionError


def _image_of(obj: Any, name: str) -> Any:
    from flytelike import Image, ImageSpec

    if isinstance(obj, Image | ImageSpec):
        return obj
    image = getattr(obj, "image", None)  # a TaskEnvironment
    if image is None:
        settings = getattr(obj, "settings", None)  # a task
        image = getattr(settings, "container_image", None)
    if isinstance(image, Image | ImageSpec):
        return image
    if isinstance(image, str) and image != "auto":
        raise click.ClickException(
            f"{name} uses the image {image!r}, a name of an image that is already built: it "
            "has no Dockerfile here"
        )
    raise click.ClickException(
        f"{name} is a {type(obj).__name__} without an Image or ImageSpec; NAME must be a "
        "TaskEnvironment, an Image, an ImageSpec or a task with container_image="
    )


def _find(module: Any, file: str, name: str) -> Any:
    """The attribute ``name`` (dotted) of ``module``, or the environment named ``name``."""
    from flytelike import TaskEnvironment

    obj: Any = module
    for part in name.split("."):
        obj = getattr(obj, part, _MISSING)
        if obj is _MISSING:
            break
    else:
        return obj
    envs = {v.name: v for v in vars(module).values() if isinstance(v, TaskEnvironment)}
    if name in envs:
        return envs[name]
    raise click.BadParameter(
        f"{file} has no {name!r}; its environments: {', '.join(sorted(envs)) or '(none)'}",
        param_hint="NAME",
    )


_MISSING = object()


@click.group("image")
def image_group() -> None:
    """Container images described in code (nothing is built)."""


@image_group.command("dockerfile")
@click.argument("file")
@click.argument("name")
@click.option(
    "--context",
    default=".",
    show_default=True,
    help="build context the Dockerfile is written for (files it copies must be inside)",
)
@click.option("--output", "-o", default=None, help="write to this file instead of printing")
@click.option("--verbose", "-v", is_flag=True, help="full tracebacks of errors in FILE")
def dockerfile_command(
    file: str, name: str, context: str, output: str | None, verbose: bool
) -> None:
    """Print the Dockerfile of the image NAME in FILE describes."""
    # (the writer is the CLI's and the image package's; it has no public face of its own)
    from flytelike._settings.dockerfile import dockerfile, dockerignore

    image = _image_of(_find(load_module(file, verbose), file, name), name)
    try:
        text = dockerfile(image, context)
        ignore = dockerignore(image)
    except (DefinitionError, OSError) as e:
        raise click.ClickException(str(e)) from e
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text)
        if ignore:
            with open(f"{output}.dockerignore", "w", encoding="utf-8") as fh:
                fh.write(ignore)
    except OSError as e:
        raise click.ClickException(f"cannot write {output}: {e.strerror or e}") from e
    click.echo(f"wrote {os.path.abspath(output)}", err=True)
