"""flyte 2's ``flyte.remote.Settings``: scoped settings (ORG, DOMAIN, PROJECT) in the local
settings store, and the ones local runs take."""

from __future__ import annotations

import asyncio
import os
import time

import pytest

import flytelike as flyte
import flytelike.remote as remote
from flytelike.errors import ConfigurationError
from flytelike.remote._settings import UNSET

env = flyte.TaskEnvironment(name="settings")


@env.task
async def where() -> str:
    return f"{os.environ.get('TEAM', '-')} {flyte.ctx().raw_data_path.path}"


@env.task
async def nap() -> float:
    start = time.monotonic()
    await asyncio.sleep(0.3)
    return start


@env.task
async def naps() -> float:
    starts = await asyncio.gather(nap(), nap(), nap())
    return max(starts) - min(starts)


def test_scopes_inherit_and_override() -> None:
    org = remote.Settings.get_settings_for_edit()
    assert org.scope_description() == "ORG" and org.effective_values() == {}
    org.update_settings({"run.default_queue": "cpu", "labels": {"team": "ml", "tier": "1"}})
    prod = remote.Settings.get_settings_for_edit(domain="production")
    prod.update_settings({"run.default_queue": "gpu", "labels": {"tier": "2"}})
    ml = remote.Settings.get_settings_for_edit(domain="production", project="ml")
    ml.update_settings({"task_resource.min.cpu": 2, "security.service_account": UNSET})
    got = remote.Settings.get_settings_for_edit(domain="production", project="ml")
    assert got.scope_description() == "PROJECT(production/ml)"
    assert got.effective_values() == {
        "run.default_queue": "gpu",
        "labels": {"team": "ml", "tier": "2"},
        "task_resource.min.cpu": "2",
    }
    origins = {s.key: str(s.origin) for s in got.effective_settings}
    assert origins["run.default_queue"] == "DOMAIN(production)"
    assert origins["task_resource.min.cpu"] == "PROJECT(production/ml)"
    assert got.local_overrides() == {
        "task_resource.min.cpu": "2",
        "security.service_account": UNSET,
    }
    prod.update_settings({"run.default_queue": UNSET})  # cleared here: the org's no longer applies
    assert (
        "run.default_queue"
        not in remote.Settings.get_settings_for_edit(domain="production").effective_values()
    )
    assert "pod_template_name" in remote.Settings.available_keys()


def test_updates_are_checked_and_locked() -> None:
    first = remote.Settings.get_settings_for_edit(domain="dev")
    second = remote.Settings.get_settings_for_edit(domain="dev")
    first.update_settings({"run.max_action_concurrency": 4})
    with pytest.raises(ConfigurationError, match="changed since they were read"):
        second.update_settings({"run.max_action_concurrency": 8})
    with pytest.raises(ConfigurationError, match=r"unknown key 'run\.queue'"):
        first.update_settings({"run.queue": "gpu"})
    with pytest.raises(ConfigurationError, match="takes a int value, got str"):
        first.update_settings({"run.max_action_concurrency": "many"})
    with pytest.raises(ConfigurationError, match="needs its domain"):
        remote.Settings.get_settings_for_edit(project="ml")


def test_yaml_round_trip() -> None:
    org = remote.Settings.get_settings_for_edit()
    org.update_settings({"environment_variables": {"A": "1"}})
    dev = remote.Settings.get_settings_for_edit(domain="dev")
    dev.update_settings({"run.default_queue": "small", "pod_template_name": UNSET})
    text = remote.Settings.get_settings_for_edit(domain="dev").to_yaml()
    assert 'run.default_queue: "small"' in text and "pod_template_name: ~unset" in text
    assert '# environment_variables: {"A": "1"}  # from ORG' in text
    assert remote.Settings.parse_yaml(text) == {
        "run.default_queue": "small",
        "pod_template_name": UNSET,
    }
    with pytest.raises(ConfigurationError, match="expected a mapping"):
        remote.Settings.parse_yaml("- a list")


def test_runs_take_the_settings_of_their_namespace(tmp_path: object) -> None:
    raw = os.path.join(str(tmp_path), "raw")
    scope = remote.Settings.get_settings_for_edit(domain="development", project="ml")
    scope.update_settings({"environment_variables": {"TEAM": "ml"}, "storage.raw_data_path": raw})
    ml = flyte.with_runcontext(project="ml", domain="development")
    team, path = ml.run(where).outputs()[0].split(" ")
    assert team == "ml" and path.startswith(raw)
    ours = flyte.with_runcontext(project="ml", domain="development", env_vars={"TEAM": "data"})
    assert ours.run(where).outputs()[0].split(" ")[0] == "data"  # (the run's own win)
    other = flyte.with_runcontext(project="other", domain="development").run(where).outputs()[0]
    assert other.startswith("- ") and raw not in other


def test_max_action_concurrency_of_the_namespace_bounds_a_run() -> None:
    scope = remote.Settings.get_settings_for_edit(domain="development", project="serial")
    scope.update_settings({"run.max_action_concurrency": 1})  # (the waiting root lends it)
    serial = flyte.with_runcontext(project="serial", domain="development")
    (spread,) = serial.run(naps).outputs()
    assert spread >= 0.5  # one action at a time: each nap after the last
    (spread,) = flyte.with_runcontext(project="free", domain="development").run(naps).outputs()
    assert spread < 0.25
