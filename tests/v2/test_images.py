"""flyte 2's ``Image`` builder: validation, the IR, the identifier, and the Dockerfile each layer
kind gives (``flytelike image dockerfile`` included); flytekit's ``ImageSpec`` through the same
writer."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import flytelike as flyte
from flytelike.cli import main
from flytelike.errors import DefinitionError

from flytelike._settings.dockerfile import dockerfile  # isort: skip  (the writer under test)

PY = f"{sys.version_info.major}.{sys.version_info.minor}"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "requirements.txt").write_text("requests==2.32.3\n")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "p"\nversion = "0"\n')
    (tmp_path / "uv.lock").write_text("version = 1\n")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "mod.py").write_text("X = 1\n")
    (tmp_path / "job.py").write_text(
        '# /// script\n# requires-python = ">=3.11"\n# dependencies = ["httpx>=0.27", "rich"]\n'
        "# ///\nprint('hi')\n"
    )
    (tmp_path / "Dockerfile.custom").write_text("FROM busybox\nRUN echo custom\n")
    return tmp_path


def instructions(text: str) -> list[str]:
    """The instruction keywords, in order (comments and blank lines left out)."""
    return [line.split()[0] for line in text.splitlines() if line and not line.startswith("#")]


def assert_valid_shape(text: str, context: Path) -> None:
    """One FROM, first; only instructions the writer may use; every COPY's JSON form parses
    and its local sources exist in the build context."""
    kinds = instructions(text)
    assert kinds[0] == "FROM" and kinds.count("FROM") == 1, kinds
    assert set(kinds) <= {"FROM", "RUN", "COPY", "ENV", "WORKDIR"}, kinds
    assert text.endswith("\n") and "\n\n" not in text
    for line in text.splitlines():
        if line.startswith("COPY ["):  # (not COPY --from=IMAGE: its sources are in IMAGE)
            *sources, _dst = json.loads(line[len("COPY ") :])
            for src in sources:
                assert (context / src).exists(), f"{src} is not in the build context"


def test_from_base_keeps_the_reference_and_takes_no_layers_until_named() -> None:
    img = flyte.Image.from_base("alpine:3.18")
    assert img.uri == "alpine:3.18"
    env = flyte.TaskEnvironment("img_base", image=img)

    @env.task
    def t() -> int:
        return 1

    ref = t.template().image
    assert ref is not None and ref.uri == "alpine:3.18"
    assert json.loads(ref.spec.json) == {  # type: ignore[union-attr]
        "base_image": "alpine:3.18", "platform": ["linux/amd64"],
        "python_version": [sys.version_info.major, sys.version_info.minor],
    }  # fmt: skip
    with pytest.raises(DefinitionError, match=r"with_pip_packages: layers are added only to a "
                       r"named, extendable image.*clone\(name="):  # fmt: skip
        img.with_pip_packages("pandas")
    named = img.clone(name="mine", extendable=True).with_pip_packages("pandas")
    assert re.fullmatch(r"mine:[0-9a-f]{20}", named.uri)
    assert (
        dockerfile(named) == "FROM alpine:3.18\nRUN python -m pip install --no-cache-dir pandas\n"
    )


def test_builder_is_immutable_and_the_identifier_is_stable(project: Path) -> None:
    base = flyte.Image.from_debian_base(python_version=(3, 12), name="app", registry="ghcr.io/o")
    a = base.with_pip_packages("pandas")
    assert base.layers != a.layers and len(a.layers) == len(base.layers) + 1
    b = flyte.Image.from_debian_base(python_version=(3, 12), name="app", registry="ghcr.io/o")
    assert b.with_pip_packages("pandas").uri == a.uri
    assert a.uri.startswith("ghcr.io/o/app:")
    assert a.with_pip_packages("numpy").uri != a.uri
    secret = flyte.Image.from_debian_base(name="s", registry_secret=flyte.Secret(key="regcred"))
    assert secret.plain()["registry_secret"] == "regcred"
    env = flyte.TaskEnvironment("img_ir", image=a)

    @env.task
    def t() -> int:
        return 1

    ref = t.template().image
    assert ref is not None and ref.uri == a.uri and ref.spec is not None
    spec = json.loads(ref.spec.json)
    assert spec["registry"] == "ghcr.io/o" and spec["python_version"] == [3, 12]
    assert [layer["kind"] for layer in spec["layers"]] == [
        "apt_packages", "pip_packages", "pip_packages",
    ]  # fmt: skip
    assert spec["layers"][-1]["packages"] == ["pandas"]
    # the contents of files a layer names are part of the identifier
    r1 = a.with_requirements("requirements.txt").identifier
    (project / "requirements.txt").write_text("requests==2.32.4\n")
    assert a.with_requirements("requirements.txt").identifier != r1


def test_every_layer_kind_in_layer_order(project: Path) -> None:
    img = (
        flyte.Image.from_debian_base(python_version=(3, 12), name="full", install_flyte=False)
        .with_apt_packages("curl", "git", secret_mounts="apt_token")
        .with_pip_packages(
            "pandas>=2",
            index_url="https://pypi.example/simple",
            extra_index_urls=["https://extra.example"],
            pre=True,
            extra_args="--no-deps",
        )
        .with_requirements(project / "requirements.txt")
        .with_uv_project("pyproject.toml")
        .with_env_vars({"MODE": "prod", "GREETING": 'say "hi"'})
        .with_workdir("/app")
        .with_commands(["echo one", "echo two"])
        .with_source_folder("src", "/app")
        .with_source_folder("src", "/opt/code", copy_contents_only=True)
        .with_source_file(Path("job.py"), "/app/bin")
    )
    text = dockerfile(img, str(project))
    assert text.splitlines() == [
        "FROM python:3.12-slim-bookworm",
        "RUN apt-get update && apt-get install -y --no-install-recommends build-essential "
        "ca-certificates && rm -rf /var/lib/apt/lists/*",
        "RUN --mount=type=secret,id=apt_token,env=APT_TOKEN apt-get update && apt-get install "
        "-y --no-install-recommends curl git && rm -rf /var/lib/apt/lists/*",
        "RUN python -m pip install --no-cache-dir --index-url https://pypi.example/simple "
        "--extra-index-url https://extra.example --pre --no-deps 'pandas>=2'",
        'COPY ["requirements.txt", "/tmp/flytelike-build/requirements.txt"]',
        "RUN python -m pip install --no-cache-dir -r /tmp/flytelike-build/requirements.txt",
        "COPY --from=ghcr.io/astral-sh/uv:latest /uv /uvx /usr/local/bin/",
        'COPY ["pyproject.toml", "uv.lock", "/tmp/flytelike-build/uv-project/"]',
        "RUN cd /tmp/flytelike-build/uv-project && uv export --frozen --no-emit-project "
        "--no-hashes -o requirements.txt && uv pip install --system --no-cache-dir -r "
        "requirements.txt",
        'ENV MODE="prod" GREETING="say \\"hi\\""',
        "WORKDIR /app",
        "RUN echo one",
        "RUN echo two",
        'COPY ["src/", "/app/src/"]',
        'COPY ["src/", "/opt/code/"]',
        'COPY ["job.py", "/app/bin/"]',
    ]
    assert_valid_shape(text, project)


def test_uv_script_installs_its_declared_dependencies(project: Path) -> None:
    img = flyte.Image.from_uv_script("job.py", name="job", python_version=(3, 12))
    lines = dockerfile(img).splitlines()
    assert lines[0] == "FROM python:3.12-slim-bookworm"
    assert lines[-1] == "RUN python -m pip install --no-cache-dir 'httpx>=0.27' rich"
    # without python_version, the lowest Python the script's requires-python allows
    assert flyte.Image.from_uv_script("job.py", name="job").python_version == (3, 11)
    assert dockerfile(flyte.Image.from_uv_script("job.py", name="j")).startswith(
        "FROM python:3.11-slim-bookworm\n"
    )
    plain = img.plain()["layers"][-1]
    assert plain["kind"] == "uv_script" and plain["script"] == "job.py"
    assert plain["packages"] == ["httpx>=0.27", "rich"]
    (project / "plain.py").write_text("print(1)\n")
    with pytest.raises(DefinitionError, match=r"from_uv_script: .*plain.py must have one inline "
                       r"metadata block"):  # fmt: skip
        flyte.Image.from_uv_script("plain.py", name="x")


def test_code_bundle_and_project_install(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    (project / "job_bundle_mod.py").write_text("Y = 2\n")
    monkeypatch.syspath_prepend(str(project))
    importlib.import_module("job_bundle_mod")  # a module loaded from the build context
    try:
        img = (
            flyte.Image.from_debian_base(name="b", install_flyte=False)
            .with_uv_project("pyproject.toml", project_install_mode="install_project")
            .with_code_bundle(dst="/root")
            .with_code_bundle(copy_style="all", dst="/srv")
        )
        text = dockerfile(img, str(project))
        assert_valid_shape(text, project)
        lines = text.splitlines()
    finally:
        sys.modules.pop("job_bundle_mod", None)
    assert 'COPY ["./", "/tmp/flytelike-build/uv-project/"]' in lines
    assert (
        "RUN cd /tmp/flytelike-build/uv-project && uv pip install --system --no-cache-dir ."
        in lines
    )
    assert 'COPY ["job_bundle_mod.py", "/root/job_bundle_mod.py"]' in lines
    assert lines[-1] == 'COPY [".", "/srv/"]'


def test_python_wheels_and_with_local_v2(project: Path) -> None:
    # flyte-sdk examples: from flyte._image import DIST_FOLDER, PythonWheels; .with_local_v2()
    from flytelike._settings.image import DIST_FOLDER, PythonWheels

    (project / "dist").mkdir()
    (project / "dist" / "mylib-1.0-py3-none-any.whl").write_bytes(b"wheel")
    base = flyte.Image.from_debian_base(name="w", install_flyte=False)
    img = base.clone(addl_layer=PythonWheels(wheel_dir=project / "dist", package_name="mylib"))
    lines = dockerfile(img, str(project)).splitlines()
    assert 'COPY ["dist/mylib-1.0-py3-none-any.whl", "/tmp/flytelike-build/wheels-mylib/"]' in lines
    assert lines[-1] == (
        "RUN python -m pip install --no-cache-dir --find-links /tmp/flytelike-build/wheels-mylib/ "
        "mylib"
    )
    local = base.with_local_v2()
    (layer,) = [x for x in local.layers if isinstance(x, PythonWheels)]
    assert (layer.wheel_dir, layer.package_name) == (str(DIST_FOLDER), "flytelike")
    assert local.identifier != base.identifier
    with pytest.raises(DefinitionError, match="package_name"):
        PythonWheels(wheel_dir=project, package_name="")


def test_dockerfile_and_ref_name_images(project: Path) -> None:
    img = flyte.Image.from_dockerfile("Dockerfile.custom", registry="ghcr.io/o", name="custom")
    assert dockerfile(img) == "FROM busybox\nRUN echo custom\n"
    assert img.uri.startswith("ghcr.io/o/custom:")
    with pytest.raises(DefinitionError, match="from_dockerfile image takes no layers"):
        img.clone(name="other").with_pip_packages("x")
    ref = flyte.Image.from_ref_name("gpu")
    assert ref.uri == "gpu"
    with pytest.raises(DefinitionError, match=r"from_ref_name\('gpu'\) names an image defined"):
        dockerfile(ref)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda i: i.with_pip_packages(), r"with_pip_packages: name at least one package"),
        (lambda i: i.with_pip_packages(3), r"with_pip_packages: packages must be non-empty"),
        (lambda i: i.with_pip_packages("a", pre="yes"), r"with_pip_packages: pre must be True"),
        (lambda i: i.with_apt_packages("curl git"), r"'curl git' is not a Debian package name"),
        (lambda i: i.with_commands("echo hi"), r"with_commands: commands must be a list"),
        (lambda i: i.with_commands(["a\nb"]), r"commands must be one line each, got 'a\\nb'"),
        (lambda i: i.with_env_vars({"1BAD": "x"}), r"with_env_vars: '1BAD': 'x' is not an env"),
        (lambda i: i.with_env_vars({"A": 1}), r"with_env_vars: 'A': 1 is not an env var"),
        (lambda i: i.with_workdir(""), r"with_workdir: workdir must be a path"),
        (lambda i: i.with_requirements("pyproject.toml"), r"must be a .txt file"),
        (
            lambda i: i.with_uv_project("pyproject.toml", project_install_mode="all"),
            r"project_install_mode must be one of dependencies_only, install_project",
        ),
        (lambda i: i.with_code_bundle(copy_style="some"), r"copy_style must be one of"),
        (lambda i: i.clone(platform="linux/s390x"), r"clone: platform must be one or more of"),
        (lambda i: i.clone(name="Bad Name"), r"clone: name must be an image name"),
    ],
)
def test_bad_arguments_are_named(project: Path, make: object, message: str) -> None:
    img = flyte.Image.from_debian_base(name="v")
    with pytest.raises(DefinitionError, match=message):
        make(img)  # type: ignore[operator]


def test_bad_bases_are_named() -> None:
    with pytest.raises(DefinitionError, match=r"from_base: image_uri must be an image reference"):
        flyte.Image.from_base("")
    with pytest.raises(DefinitionError, match=r"from_debian_base: python_version must be a "):
        flyte.Image.from_debian_base(python_version=(2, 7))


def test_image_spec_renders_through_the_same_writer(project: Path) -> None:
    spec = flyte.ImageSpec(
        name="spec", python_version="3.11", apt_packages=["curl"], packages=["numpy"],
        requirements="requirements.txt", env={"A": "1"}, commands=["echo ok"],
        copy=["src"], registry="ghcr.io/o",
    )  # fmt: skip
    assert instructions(dockerfile(spec, str(project))) == [
        "FROM", "WORKDIR", "ENV", "RUN", "RUN", "COPY", "RUN", "ENV", "RUN", "COPY",
    ]  # fmt: skip
    text = dockerfile(spec, str(project))
    assert_valid_shape(text, project)
    assert text.startswith("FROM python:3.11-slim-bookworm\nWORKDIR /root\n")
    assert 'COPY ["src/", "/root/src/"]' in text
    with pytest.raises(DefinitionError, match=r"conda_packages is carried into the IR but has no "):
        dockerfile(flyte.ImageSpec(name="c", conda_packages=["x"]))


def test_cli_prints_the_dockerfile_of_an_environment(project: Path) -> None:
    (project / "imgs.py").write_text(
        "import flytelike as flyte\n"
        "image = flyte.Image.from_debian_base(python_version=(3, 12), name='cli', "
        "install_flyte=False).with_pip_packages('pandas').with_dockerignore('.dockerignore')\n"
        "env = flyte.TaskEnvironment('cli_env', image=image)\n"
        "@env.task\ndef t() -> int:\n    return 1\n"
        "plain = flyte.TaskEnvironment('plain_env', image='python:3.12')\n"
    )
    (project / ".dockerignore").write_text(".venv\n")
    runner = CliRunner()
    expected = (
        "FROM python:3.12-slim-bookworm\n"
        "RUN apt-get update && apt-get install -y --no-install-recommends build-essential "
        "ca-certificates && rm -rf /var/lib/apt/lists/*\n"
        "RUN python -m pip install --no-cache-dir pandas\n"
    )
    for name in ("env", "cli_env", "image", "t"):
        r = runner.invoke(main, ["image", "dockerfile", "imgs.py", name])
        assert r.exit_code == 0, r.output
        assert r.stdout == expected
    r = runner.invoke(main, ["image", "dockerfile", "imgs.py", "env", "-o", "out/Dockerfile"])
    assert r.exit_code == 1 and "cannot write out/Dockerfile: No such file" in r.output
    (project / "out").mkdir()
    r = runner.invoke(main, ["image", "dockerfile", "imgs.py", "env", "-o", "out/Dockerfile"])
    assert r.exit_code == 0, r.output
    assert (project / "out" / "Dockerfile").read_text() == expected
    assert (project / "out" / "Dockerfile.dockerignore").read_text() == ".venv\n"
    r = runner.invoke(main, ["image", "dockerfile", "imgs.py", "plain"])
    assert r.exit_code == 1, r.output
    assert "'python:3.12', a name of an image that is already built" in (r.output)
    r = runner.invoke(main, ["image", "dockerfile", "imgs.py", "nothing"])
    assert r.exit_code == 2
    assert "imgs.py has no 'nothing'; its environments: cli_env, plain_env" in r.output


def test_a_flytekit_task_takes_an_image_and_the_ir_round_trips(project: Path) -> None:
    from flytelike import serialization, task, workflow
    from flytelike.engine._index import to_closure

    image = flyte.Image.from_debian_base(name="v1img", install_flyte=False).with_apt_packages("jq")

    @task(container_image=image)
    def t1() -> int:
        return 1

    @workflow
    def wf() -> int:
        return t1().with_overrides(container_image=flyte.Image.from_base("busybox:1"))  # type: ignore[no-any-return]

    assert t1.template().image.uri == image.uri  # type: ignore[union-attr]
    closure = to_closure(wf)
    assert serialization.from_proto_bytes(serialization.to_proto_bytes(closure)) == closure
    node = closure.workflows[0].nodes[0]
    assert node.overrides is not None and node.overrides.container_image is not None
    assert node.overrides.container_image.uri == "busybox:1"


def test_poetry_projects(project: Path) -> None:
    (project / "poetry.lock").write_text("# lock\n")
    img = flyte.Image.from_debian_base(name="po", install_flyte=False)
    deps = dockerfile(img.with_poetry_project("pyproject.toml", extra_args="--only main"))
    assert deps.splitlines()[-2:] == [
        'COPY ["pyproject.toml", "poetry.lock", "/tmp/flytelike-build/poetry/"]',
        "RUN python -m pip install --no-cache-dir poetry && cd /tmp/flytelike-build/poetry && "
        "POETRY_VIRTUALENVS_CREATE=false poetry install --no-root --only main",
    ]
    whole = img.with_poetry_project("pyproject.toml", project_install_mode="install_project")
    text = dockerfile(whole, str(project))
    assert_valid_shape(text, project)
    assert text.splitlines()[-2:] == [
        'COPY ["./", "/tmp/flytelike-build/poetry/"]',
        "RUN python -m pip install --no-cache-dir poetry && cd /tmp/flytelike-build/poetry && "
        "POETRY_VIRTUALENVS_CREATE=false poetry install",
    ]
    (project / "poetry.lock").unlink()
    unlocked = img.with_poetry_project("pyproject.toml")  # (checked when built, as flyte)
    with pytest.raises(DefinitionError, match=r"poetry_project layer's lock .*poetry.lock is not"):
        dockerfile(unlocked)
