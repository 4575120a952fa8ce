"""flyte 2's ``flyte.app.ArtifactValue`` (issue 13): an app parameter whose value is the File or
Dir an artifact of the local catalog stores, read when the app is served; written as a flyte
user writes it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

import flytelike as flyte
from flytelike import app
from flytelike.app import ArtifactValue, Parameter
from flytelike.errors import DefinitionError, ParameterMaterializationError
from flytelike.io import Dir, File
from flytelike.remote import Artifact

from .serving import free_port, get_json, params_app


def _publish_file(tmp_path: Path, name: str, version: str, text: str) -> None:
    local = tmp_path / f"{name}-{version}.txt"
    local.write_text(text)
    Artifact.create(File.from_local_sync(str(local)), name=name, version=version, kind="model")


def test_artifact_values_are_the_stored_file_or_dir_when_the_app_is_served(
    tmp_path: Path,
) -> None:
    _publish_file(tmp_path, "bert-small", "v1", "weights v1")
    _publish_file(tmp_path, "bert-small", "v2", "weights v2")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("a")
    Artifact.create(Dir.from_local_sync(str(corpus)), name="corpus", version="c1")
    served, stop = params_app(
        "artifact-app",
        [
            Parameter(name="model", value=ArtifactValue(name="bert-small")),  # the latest
            Parameter(name="pinned", value=ArtifactValue(name="bert-small", version="v1")),
            Parameter(
                name="corpus",
                value=ArtifactValue(name="corpus", type="directory"),
                mount=str(tmp_path / "mounted"),
            ),
        ],
    )
    with flyte.serve(served) as handle:
        got = get_json(handle.url + "/")
        stop.set()
    assert Path(got["model"]).read_text() == "weights v2"
    assert Path(got["pinned"]).read_text() == "weights v1"
    assert got["corpus"] == str(tmp_path / "mounted")
    assert (tmp_path / "mounted" / "a.txt").read_text() == "a"
    # outside a serve, materialize() reads it as flyte's does
    pinned = ArtifactValue(name="bert-small", version="v1")
    assert pinned.resolved_version_id is None
    value = asyncio.run(pinned.materialize())
    assert isinstance(value, File) and Path(value.path).read_text() == "weights v1"
    assert pinned.resolved_version_id.version == "v1"


def test_artifact_values_that_cannot_be_resolved_are_named(tmp_path: Path) -> None:
    _publish_file(tmp_path, "weights", "w1", "w")
    Artifact.create(7, name="count", version="n1")
    with pytest.raises(DefinitionError, match="name the artifact"):
        ArtifactValue(name="")
    with pytest.raises(DefinitionError, match="'file' or a 'directory'"):
        ArtifactValue(name="weights", type="string")
    cases = [
        (ArtifactValue(name="nothing"), r"ArtifactValue\('nothing'@latest\).*no version"),
        (ArtifactValue(name="weights", version="w9"), r"'weights'@w9.*no version 'w9'"),
        (ArtifactValue(name="count"), "stores a int; only File and Dir"),
        (ArtifactValue(name="weights", type="directory"), "declares type='directory'"),
    ]
    for value, message in cases:
        with pytest.raises(ParameterMaterializationError, match=message):
            value.resolve()
    served = app.AppEnvironment(
        name="no-artifact",
        port=free_port(),
        parameters=[Parameter(name="model", value=ArtifactValue(name="nothing"))],
    )
    with pytest.raises(ParameterMaterializationError, match=r"ArtifactValue\('nothing'"):
        flyte.serve(served)
