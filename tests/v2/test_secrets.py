"""Secrets (spec/v2-api.md §6.3): flyte 2's ``Secret(key, group, mount, as_env_var)``, requests
put in the task's environment from the local secret store, the store's owner-only files and the
``flytelike secrets`` command (flytelike/_settings/secret.py, _secret_store.py, backends/_secrets.py)."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

import flytelike as flyte
from flytelike import errors
from flytelike._settings.secret_store import SecretStore
from flytelike.cli import main as cli

env = flyte.TaskEnvironment("secrets_env", secrets="my-api-key")
named_env = flyte.TaskEnvironment(
    "secrets_named", secrets=flyte.Secret(key="openai", as_env_var="OPENAI_API_KEY")
)
grouped_env = flyte.TaskEnvironment(
    "secrets_grouped", secrets=[flyte.Secret(key="db", group="team-a")]
)
mounted_env = flyte.TaskEnvironment(
    "secrets_mounted", secrets=flyte.Secret(key="cert", mount="/etc/flyte/secrets")
)


@env.task
def read_default() -> str:
    return os.environ.get("MY_API_KEY", "<unset>")


@named_env.task
async def read_named() -> str:
    return os.environ.get("OPENAI_API_KEY", "<unset>")


@grouped_env.task
def read_grouped() -> str:
    return os.environ.get("TEAM_A_DB", "<unset>")


@mounted_env.task
def read_mounted() -> str:
    secrets = flyte.current_context().secrets
    with open(secrets.get_secrets_file(key="cert")) as f:
        from_file = f.read()
    return f"{secrets.get(key='cert')}|{from_file}|{'CERT' in os.environ}"


def test_v2_secret_spellings_reach_the_ir() -> None:
    (default,) = read_default.template().secrets
    assert (default.key, default.env_var, default.mount_requirement) == (
        "my-api-key",
        "MY_API_KEY",
        "any",
    )
    (named,) = [s for s in read_named.template().secrets if s.key == "openai"]
    assert named.env_var == "OPENAI_API_KEY"
    grouped = [s for s in read_grouped.template().secrets if s.key == "db"]
    assert [(s.group, s.env_var) for s in grouped] == [("team-a", "TEAM_A_DB")]
    (mounted,) = [s for s in read_mounted.template().secrets if s.key == "cert"]
    assert (mounted.mount_requirement, mounted.env_var) == ("file", "")
    s = flyte.Secret("cert", mount="/etc/flyte/secrets")
    assert s.key == "cert" and s.group is None and s.mount == "/etc/flyte/secrets"
    assert flyte.Secret(key="k", as_env_var="K_VAR").as_env_var == "K_VAR"
    # flyte 2's Secret names its default env var before any task uses it
    assert flyte.Secret(key="my-api-key").as_env_var == "MY_API_KEY"
    assert flyte.Secret(key="api-key", group="openai").as_env_var == "OPENAI_API_KEY"
    assert flyte.Secret(key="my.dotted.key").as_env_var is None
    assert s.as_env_var is None  # (mounted as a file)
    # flytekit's spelling is unchanged: no env var unless asked for.
    assert flyte.Secret(group="g", key="k").to_ir().env_var == ""


def test_bad_secret_requests_fail_where_defined() -> None:
    with pytest.raises(errors.DefinitionError, match="only '/etc/flyte/secrets'"):
        flyte.Secret(key="k", mount="/tmp/secrets")
    with pytest.raises(errors.DefinitionError, match="Invalid environment variable name"):
        flyte.Secret(key="k", as_env_var="lower-case")
    with pytest.raises(errors.DefinitionError, match="as_env_var='MY_SECRET'"):
        flyte.TaskEnvironment("dotted", secrets="my.dotted.key")
    overridden = read_default.override(secrets=flyte.Secret(key="other", as_env_var="OTHER"))
    assert [(s.key, s.env_var) for s in overridden.template().secrets] == [("other", "OTHER")]


def test_requested_secrets_are_in_the_environment_for_the_attempt_only() -> None:
    store = SecretStore()
    store.create("my-api-key", "s3cr3t-default")
    store.create("openai", "sk-openai")
    store.create("db", "db-pass", group="team-a")
    assert flyte.run(read_default).outputs() == "s3cr3t-default"
    assert flyte.run(read_named).outputs() == "sk-openai"
    assert flyte.run(read_grouped).outputs() == "db-pass"
    assert "MY_API_KEY" not in os.environ and "OPENAI_API_KEY" not in os.environ
    assert read_default() == "<unset>"  # a direct call is a plain call


def test_a_mounted_secret_is_read_through_the_context() -> None:
    SecretStore().create("cert", "-----CERT-----")
    assert flyte.run(read_mounted).outputs() == "-----CERT-----|-----CERT-----|False"


def test_a_missing_secret_is_logged_with_the_fix(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="flytelike"):
        assert flyte.run(read_default).outputs() == "<unset>"
    assert "flytelike secrets create my-api-key" in caplog.text


def test_values_never_reach_the_run_store(tmp_path: Path) -> None:
    value = "do-not-store-this-value-4711"
    SecretStore().create("my-api-key", value)
    run = flyte.run(read_default)
    assert run.outputs() == value  # (the task returns it: outputs are the user's choice) ...
    home = Path(os.environ["FLYTELIKE_HOME"])
    SecretStore().create("my-api-key", "other-value", overwrite=True)

    @env.task
    def does_not_return_it() -> int:
        return len(os.environ["MY_API_KEY"])

    flyte.run(does_not_return_it)
    leaked = [
        p
        for p in home.rglob("*")
        if p.is_file() and "secrets" not in p.parts and b"other-value" in p.read_bytes()
    ]
    assert leaked == []


def test_the_store_keeps_owner_only_files() -> None:
    store = SecretStore()
    s = store.create("token", b"\x00binary\xff", group="g1")
    assert store.get("token", "g1") == b"\x00binary\xff"
    assert stat.S_IMODE(s.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.root.stat().st_mode) == 0o700
    assert stat.S_IMODE(s.path.parent.stat().st_mode) == 0o700 and store.private("token", "g1")
    with pytest.raises(errors.ConfigurationError, match="already exists"):
        store.create("token", "x", group="g1")
    with pytest.raises(errors.ConfigurationError, match="invalid secret name"):
        store.create("../escape", "x")
    with pytest.raises(errors.ConfigurationError, match="flytelike secrets create nope"):
        store.get("nope")
    assert [(x.group, x.name) for x in store.list()] == [("g1", "token")]
    store.delete("token", "g1")
    assert store.list() == [] and not (store.root / "g1").exists()


def test_the_secrets_command() -> None:
    runner = CliRunner()
    out = runner.invoke(cli, ["secrets", "create", "api", "--value", "v1"])
    assert out.exit_code == 0, out.output
    out = runner.invoke(cli, ["secrets", "create", "prompted"], input="typed-value\n")
    assert out.exit_code == 0 and "typed-value" not in out.output
    out = runner.invoke(cli, ["secrets", "create", "api", "--value", "v2"])
    assert out.exit_code != 0 and "already exists" in out.output
    assert (
        runner.invoke(cli, ["secrets", "create", "api", "--value", "v2", "--force"]).exit_code == 0
    )
    listed = runner.invoke(cli, ["secrets", "list"])
    assert "api" in listed.output and "prompted" in listed.output and "v2" not in listed.output
    shown = runner.invoke(cli, ["secrets", "get", "api"])
    assert '"name": "api"' in shown.output and "v2" not in shown.output.replace('"v', "")
    assert runner.invoke(cli, ["secrets", "get", "api", "--reveal"]).output == "v2\n"
    assert runner.invoke(cli, ["secrets", "get", "prompted", "--reveal"]).output == "typed-value\n"
    assert runner.invoke(cli, ["secrets", "delete", "api"]).exit_code == 0
    gone = runner.invoke(cli, ["secrets", "get", "api"])
    assert gone.exit_code != 0 and "flytelike secrets create api" in gone.output
