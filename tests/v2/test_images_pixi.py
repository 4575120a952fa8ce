"""flyte 2.12's pixi image layers: ``Image.from_pixi_script`` (a script's PEP 723 block lowered
to a pixi workspace) and ``Image.with_pixi_project``, validated, carried into the IR and the
identifier, and written into the Dockerfile as the other layers are."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

import pytest

import flytelike as flyte
from flytelike.errors import DefinitionError

from flytelike._settings.dockerfile import dockerfile  # isort: skip  (the writer under test)

from .test_images import assert_valid_shape

SCRIPT = """\
#!/usr/bin/env -S pixi run --script
# /// script
# requires-python = ">=3.12"
# dependencies = ["flytelike", "httpx[http2]>=0.27", "tool @ git+https://example.com/t.git@v1"]
#
# [tool.pixi.workspace]
# channels = ["conda-forge", "bioconda"]
#
# [tool.pixi.dependencies]
# gdal = "*"
#
# [tool.pixi.activation.env]
# GREETING = "it's \\\\ \\"quoted\\""
# ///
print("hi")
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "job.py").write_text(SCRIPT)
    pixi = tmp_path / "proj"
    pixi.mkdir()
    (pixi / "pixi.toml").write_text('[workspace]\nname = "p"\nplatforms = ["linux-64"]\n')
    (pixi / "pixi.lock").write_text("version: 6\n")
    (pixi / "code.py").write_text("X = 1\n")
    return tmp_path


def _written_manifest(text: str, tmp: Path) -> str:
    """Run the Dockerfile's manifest-writing RUN step in a shell (into ``tmp``); its output."""
    (line,) = [ln for ln in text.splitlines() if "printf" in ln]
    command = line.removeprefix("RUN ").replace("/opt/pixi-project", str(tmp))
    subprocess.run(["sh", "-c", command], check=True)
    return (tmp / "pixi.toml").read_text()


def test_a_pixi_script_becomes_a_pixi_workspace(project: Path, tmp_path: Path) -> None:
    img = flyte.Image.from_pixi_script("job.py", name="job", platform=("linux/amd64",))
    text = dockerfile(img, str(project))
    assert_valid_shape(text, project)
    assert "flytelike==" not in text  # (not installed for you: list it in the script)
    lines = text.splitlines()
    assert (
        lines[-4]
        == "COPY --from=ghcr.io/prefix-dev/pixi:latest /usr/local/bin/pixi /usr/local/bin/pixi"
    )
    assert lines[-2] == (
        "RUN pixi install --manifest-path /opt/pixi-project/pixi.toml --environment default"
    )
    assert lines[-1] == (
        "ENV VIRTUAL_ENV=/opt/pixi-project/.pixi/envs/default "
        "PIXI_PROJECT_MANIFEST=/opt/pixi-project/pixi.toml "
        "PATH=/opt/pixi-project/.pixi/envs/default/bin:$PATH"
    )
    out = tmp_path / "written"
    out.mkdir()
    written = _written_manifest(text, out)
    assert written == img.layers[-1].manifest  # the shell writes it byte for byte
    manifest = tomllib.loads(written)
    assert manifest["workspace"] == {
        "channels": ["conda-forge", "bioconda"],
        "platforms": ["linux-64"],
    }
    assert manifest["dependencies"] == {"gdal": "*", "python": ">=3.12"}
    assert manifest["pypi-dependencies"] == {
        "flytelike": "*",
        "httpx": {"version": ">=0.27", "extras": ["http2"]},
        "tool": {"git": "https://example.com/t.git", "rev": "v1"},
    }
    assert manifest["activation"]["env"]["GREETING"] == 'it\'s \\ "quoted"'
    plain = img.plain()["layers"][-1]
    assert plain["kind"] == "pixi_script" and plain["script"] == "job.py"
    assert plain["platforms"] == ["linux-64"] and plain["environment"] == "default"


def test_a_script_lock_and_the_image_platforms(project: Path) -> None:
    img = flyte.Image.from_pixi_script("job.py", name="job")
    assert img.layers[-1].platforms == ("linux-64", "linux-aarch64")  # the image's, by default
    before = img.identifier
    (project / "job.py.pixi.lock").write_text("version: 6\n")
    locked = flyte.Image.from_pixi_script("job.py", name="job", extra_args="-v")
    text = dockerfile(locked, str(project))
    assert 'COPY ["job.py.pixi.lock", "/opt/pixi-project/pixi.lock"]' in text
    assert "--environment default --locked -v" in text
    assert locked.identifier != before  # (the lock's contents enter the identifier)
    (project / "narrow.py").write_text(
        '# /// script\n# [tool.pixi.workspace]\n# platforms = ["linux-64"]\n# ///\n'
    )
    with pytest.raises(DefinitionError, match=r"do not cover \['linux-aarch64'\]"):
        flyte.Image.from_pixi_script("narrow.py", name="n")
    (project / "marker.py").write_text(
        "# /// script\n# dependencies = [\"pywin32; sys_platform == 'win32'\"]\n# ///\n"
    )
    with pytest.raises(DefinitionError, match="environment marker"):
        flyte.Image.from_pixi_script("marker.py", name="m")


def test_a_pixi_project(project: Path) -> None:
    base = flyte.Image.from_debian_base(name="base", python_version=(3, 12))
    img = base.with_pixi_project("proj").with_pip_packages("rich")
    text = dockerfile(img, str(project))
    assert_valid_shape(text, project)
    assert 'COPY ["proj/pixi.toml", "/opt/pixi-project/pixi.toml"]' in text
    assert 'COPY ["proj/pixi.lock", "/opt/pixi-project/pixi.lock"]' in text
    assert "--manifest-path /opt/pixi-project/pixi.toml --environment default --locked" in text
    # later pip layers install into the pixi environment (its python is first on PATH)
    assert text.index("PATH=/opt/pixi-project/.pixi/envs/default/bin") < text.index("rich")
    frozen = base.with_pixi_project(
        "proj/pixi.toml", environment="gpu", extra_args="--frozen",
        project_install_mode="install_project",
    )  # fmt: skip
    text = dockerfile(frozen, str(project))
    assert 'COPY ["proj/", "/opt/pixi-project/"]' in text
    assert "--environment gpu --frozen" in text and "--locked" not in text
    plain = frozen.plain()["layers"][-1]
    assert plain["kind"] == "pixi_project" and plain["manifest"] == "proj/pixi.toml"
    assert plain["lock"] == "proj/pixi.lock" and plain["install_mode"] == "install_project"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda b: b.with_pixi_project("job.py"), "must be named pixi.toml or pyproject.toml"),
        (lambda b: b.with_pixi_project("proj", environment="Bad Env"), "environment must be"),
        (lambda b: b.with_pixi_project("proj", project_install_mode="x"), "project_install_mode"),
        (lambda b: flyte.Image.from_pixi_script("proj/pixi.toml", name="x"), "must be a .py"),
    ],
)
def test_bad_pixi_arguments_are_named(project: Path, make: object, message: str) -> None:
    base = flyte.Image.from_debian_base(name="base")
    with pytest.raises(DefinitionError, match=message):
        make(base)  # type: ignore[operator]
