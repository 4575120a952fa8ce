"""``flytelike.remote.Secret`` (flyte 2's ``flyte.remote.Secret``): the local secret store."""

from __future__ import annotations

import asyncio
import os

import pytest

import flytelike as flyte
from flytelike import remote
from flytelike.errors import ConfigurationError

env = flyte.TaskEnvironment(
    "remote_secret", secrets=flyte.Secret(key="openai", as_env_var="OPENAI_API_KEY")
)


@env.task
async def read_key() -> str:
    return os.environ.get("OPENAI_API_KEY", "<unset>")


def test_secrets_created_remotely_reach_tasks() -> None:
    assert list(remote.Secret.listall()) == []
    made = remote.Secret.create("openai", "sk-123")
    assert (made.name, made.type) == ("openai", "regular")
    assert flyte.run(read_key).outputs() == "sk-123"
    remote.Secret.create("openai", b"sk-456")  # replaced, as flyte's create does
    assert flyte.run(read_key).outputs() == "sk-456"
    asyncio.run(remote.Secret.create.aio("team-a/db", "pw"))
    assert [s.name for s in remote.Secret.listall()] == ["openai", "team-a/db"]
    assert [s.name for s in remote.Secret.listall(limit=1)] == ["openai"]
    assert remote.Secret.get("team-a/db").name == "team-a/db"
    remote.Secret.delete("openai")
    with pytest.raises(ConfigurationError, match="flytelike secrets create openai"):
        remote.Secret.get("openai")
    with pytest.raises(ConfigurationError):
        remote.Secret.delete("openai")


def test_what_has_no_local_meaning_says_so() -> None:
    with pytest.raises(remote.NotSupportedLocallyError, match="only type='regular'"):
        remote.Secret.create("registry", "x", type="image_pull")
    with pytest.raises(remote.NotSupportedLocallyError, match="no cluster pools"):
        remote.Secret.listall(cluster_pool="gpu")
    with pytest.raises(ConfigurationError, match=r"invalid secret group '\.\.'"):
        remote.Secret.create("../escape", "x")
