"""Checks flyte 2 makes when a value is used, not when it is defined: an image's local files
(checked when the Dockerfile is written or the image is built), an image-build secret's env var
name (when the RUN step is written), two triggers of one name (when the schedules are
registered), an email recipient that is not an address (a warning only: the platform delivers).
Each side is tested: defining (and running locally) passes, the later point raises."""

from __future__ import annotations

import datetime as dt
import types
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

import flytelike as flyte
from flytelike.cli import main
from flytelike.errors import DefinitionError
from flytelike.models import ActionPhase
from flytelike.notify import Email
from flytelike.scheduler import find_entries

from flytelike._settings.dockerfile import dockerfile  # isort: skip  (the writer under test)


@pytest.fixture
def empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


LAYERS = [
    (lambda i: i.with_source_file("gone.txt", "/root"), r"copy layer's src .*gone.txt.*file"),
    (lambda i: i.with_source_folder("gone", "/app"), r"copy layer's src .*gone is not .* folder"),
    (lambda i: i.with_requirements("gone.txt"), r"requirements layer's file .*with_requirements"),
    (lambda i: i.with_uv_project("gone/pyproject.toml"), r"uv_project layer's pyproject"),
    (lambda i: i.with_poetry_project("pyproject.toml"), r"poetry_project layer's pyproject"),
    (lambda i: i.with_dockerignore(".dockerignore"), r"dockerignore layer's path"),
    (lambda i: i.with_pixi_project("pixi.toml"), r"pixi_project layer's manifest"),
]


@pytest.mark.parametrize(("make", "message"), LAYERS)
def test_local_files_are_needed_when_the_image_is_built(
    empty: Path, make: object, message: str
) -> None:
    img = make(flyte.Image.from_debian_base(name="v"))  # type: ignore[operator]
    assert img.uri.startswith("v:")  # (the identifier counts the file as absent)
    with pytest.raises(DefinitionError, match=message):
        dockerfile(img)
    with pytest.raises(DefinitionError, match=message):
        flyte.build(img)


def test_from_dockerfile_is_read_when_built(empty: Path) -> None:
    img = flyte.Image.from_dockerfile("Dockerfile", registry="r", name="n")
    with pytest.raises(DefinitionError, match=r"from_dockerfile names .*Dockerfile, which does"):
        dockerfile(img)
    (empty / "Dockerfile").write_text("FROM busybox\n")
    assert dockerfile(img) == "FROM busybox\n"


def test_a_file_made_after_definition_is_used_and_changes_the_identifier(empty: Path) -> None:
    img = flyte.Image.from_debian_base(name="v").with_source_file("late.txt", "/root")
    before = img.uri
    (empty / "late.txt").write_text("x\n")
    again = flyte.Image.from_debian_base(name="v").with_source_file("late.txt", "/root")
    assert again.uri != before
    assert 'COPY ["late.txt", "/root/"]' in dockerfile(again, str(empty))


def test_a_uv_script_absent_when_defined_is_read_when_built(empty: Path) -> None:
    img = flyte.Image.from_uv_script("later.py", name="s", python_version=(3, 12))
    with pytest.raises(DefinitionError, match=r"uv_script layer's script .*later.py"):
        dockerfile(img)
    (empty / "later.py").write_text('# /// script\n# dependencies = ["httpx>=0.27"]\n# ///\n')
    assert "httpx>=0.27" in dockerfile(img)


def test_a_task_whose_image_files_are_absent_runs_locally(empty: Path) -> None:
    image = flyte.Image.from_debian_base(name="v").with_uv_project("elsewhere/pyproject.toml")
    env = flyte.TaskEnvironment("absent_files", image=image)

    @env.task
    def plus_one(x: int) -> int:
        return x + 1

    assert flyte.run(plus_one, x=1).outputs() == 2
    with pytest.raises(DefinitionError, match=r"uv_project layer's pyproject .*elsewhere"):
        flyte.build_images(env)


def test_cli_dockerfile_names_the_absent_file(empty: Path) -> None:
    (empty / "absent_file_image.py").write_text(
        "import flytelike as flyte\n"
        "image = flyte.Image.from_debian_base(name='v').with_source_file('gone.txt')\n"
    )
    result = CliRunner().invoke(main, ["image", "dockerfile", "absent_file_image.py", "image"])
    assert result.exit_code != 0
    assert "gone.txt is not an existing file" in result.output


def test_a_secret_key_that_is_no_env_var_fails_when_the_step_is_written() -> None:
    base = flyte.Image.from_debian_base(name="v")
    img = base.with_pip_packages("x", secret_mounts="/tmp/secret1")  # (as flyte: no error)
    with pytest.raises(DefinitionError, match=r"'/tmp/secret1' .* env var '/TMP/SECRET1'"):
        dockerfile(img)
    named = base.with_pip_packages("x", secret_mounts=flyte.Secret(key="/s", as_env_var="TOK"))
    assert "--mount=type=secret,id=/s,env=TOK " in dockerfile(named)


def test_two_triggers_of_one_name_fail_when_registered() -> None:
    env = flyte.TaskEnvironment("twice_named")
    twice = (flyte.Trigger("t", flyte.Cron("@daily")), flyte.Trigger("t", flyte.FixedRate(5)))

    @env.task(triggers=twice)
    def job() -> int:
        return 1

    assert flyte.run(job).outputs() == 1
    assert job.triggers == twice  # (flyte's task.triggers: as given)
    module = types.ModuleType("twice_mod")
    module.job = job  # type: ignore[attr-defined]
    with pytest.raises(DefinitionError, match=r"task '.*job': two of its triggers are named 't'"):
        find_entries(module, dt.datetime(2026, 1, 1, tzinfo=dt.UTC))


def test_an_email_recipient_that_is_no_address_warns() -> None:
    with pytest.warns(UserWarning, match=r"recipients '<EMAIL>' is not an email address"):
        Email(on_phase=ActionPhase.FAILED, recipients=["<EMAIL>"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Email(on_phase=ActionPhase.FAILED, recipients=["a@example.com"])
    with pytest.raises(DefinitionError, match="recipients needs at least one address"):
        Email(on_phase=ActionPhase.FAILED, recipients=[])
