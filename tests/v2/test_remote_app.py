"""``flytelike.remote.App`` (flyte 2's ``flyte.remote.App``): the apps this process served."""

from __future__ import annotations

import asyncio
import sys
import urllib.request

import pytest

import flytelike as flyte
from flytelike import remote
from flytelike.app import AppEnvironment

from .serving import free_port


def test_served_apps_are_found_stopped_and_started_again() -> None:
    port = free_port()
    env = AppEnvironment(
        name="remote-cmd-app",
        port=port,
        command=[sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
    )
    with pytest.raises(remote.EntityNotFoundError, match="served no app named 'remote-cmd-app'"):
        remote.App.get("remote-cmd-app")
    handle = flyte.serve(env)
    try:
        app = remote.App.get("remote-cmd-app")
        assert (app.name, app.url, app.endpoint) == (env.name, handle.url, handle.url)
        assert app.is_active() and app.deployment_status == "ACTIVE" and app.revision == 1
        assert "remote-cmd-app" in [a.name for a in remote.App.listall(in_status="active")]
        app.deactivate()
        assert app.is_deactivated() and not handle.is_running()
        assert app.watch(wait_for="deactivated") is app
        assert "remote-cmd-app" in [a.name for a in remote.App.listall(in_status=("STOPPED",))]
        app.activate()
        assert app.is_active() and app.revision == 2
        with urllib.request.urlopen(app.url + "/", timeout=10) as r:
            assert r.status == 200
        again = asyncio.run(remote.App.get.aio("remote-cmd-app"))
        assert again.is_active()  # the handle served last
        remote.App.delete("remote-cmd-app")
        assert not app.is_active()
    finally:
        for a in remote.App.listall():
            a.deactivate()
    with pytest.raises(remote.NotSupportedLocallyError, match=r"flytelike.serve\(app_env\)"):
        remote.App.create(object())
    with pytest.raises(remote.NotSupportedLocallyError, match=r"flytelike.serve\(app_env\)"):
        asyncio.run(remote.App.replace.aio(object()))  # (.aio too, as flyte's)
    with pytest.raises(remote.NotSupportedLocallyError, match="record no creator"):
        remote.App.listall(created_by_subject="me")
    with pytest.raises(ValueError, match="wait_for"):
        app.watch(wait_for="soon")
