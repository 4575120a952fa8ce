"""flyte 2.12's webhook machinery (``flyte.extras.webhooks``) as a provider plugin and an app
author use it: a provider verifying HMAC-signed deliveries, a ``WebhookAppEnvironment`` served
locally dispatching events to handlers (allowlist, handshake, bad signatures, unknown
providers), and ``run_once`` launching one run per event key."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any

import pytest

import flytelike as flyte
from flytelike.extras import webhooks
from flytelike.extras.webhooks import (
    EventType,
    Provider,
    WebhookEvent,
    constant_time_equals,
    hex_hmac_sha256,
    json_body,
    lower_headers,
    run_once,
)

from .serving import free_port, get_json

pytest.importorskip("fastapi")

env = flyte.TaskEnvironment("webhook_tasks")


@env.task
async def triage(repo: str) -> str:
    return f"triaged {repo}"


@env.task
async def fails(repo: str) -> str:
    raise ValueError(repo)


class PullRequest(EventType):
    ANY = "pull_request"
    OPENED = "pull_request.opened"


def _verify(body: bytes, headers: Mapping[str, str], secret: str) -> bool:
    given = lower_headers(headers).get("x-signature", "")
    return constant_time_equals(given, hex_hmac_sha256(secret, body))


def _parse(headers: Mapping[str, str], body: bytes) -> WebhookEvent:
    data = json_body(body)
    return WebhookEvent(
        provider="hub", event_type=lower_headers(headers)["x-event"], action=data.get("action"),
        resource_id=str(data.get("number")), scope=data.get("repo"), payload=data,
    )  # fmt: skip


def _handshake(headers: Mapping[str, str], body: bytes) -> dict[str, Any] | None:
    data = json_body(body)
    return {"challenge": data["challenge"]} if "challenge" in data else None


HUB = Provider(name="hub", secret_env="HUB_SECRET", verify=_verify, parse=_parse,
               handshake=_handshake)  # fmt: skip


def _post(url: str, data: dict[str, Any], event: str, secret: str | None) -> tuple[int, Any]:
    body = json.dumps(data).encode()
    headers = {"X-Event": event, "Content-Type": "application/json"}
    if secret is not None:
        headers["X-Signature"] = hex_hmac_sha256(secret, body)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def test_a_webhook_app_verifies_and_dispatches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_SECRET", "s3cret")
    app = webhooks.WebhookAppEnvironment(
        "hooks", providers=[HUB], scopes=["org/repo"], port=free_port()
    )
    seen: list[str] = []

    @app.on_event(PullRequest.OPENED)
    async def opened(event: WebhookEvent) -> str:
        seen.append(event.qualified_type)
        result = await run_once.aio(triage, key=event.dedupe_key(), repo=event.scope)
        return f"{result.created}"

    @app.on_event(PullRequest)
    async def any_pr(event: WebhookEvent) -> str:
        return event.action or ""

    assert "HUB_SECRET" in app.secrets and app.links[0].title == "Setup Dashboard"
    with flyte.serve(app) as handle:
        url = f"{handle.url}/webhook/hub"
        pr = {"action": "opened", "number": 7, "repo": "org/repo"}
        status, got = _post(url, pr, "pull_request", "s3cret")
        assert status == 200 and got["handlers_run"] == ["opened", "any_pr"]
        assert got["results"] == {"opened": "True", "any_pr": "opened"} and got["ok"]
        _, again = _post(url, pr, "pull_request", "s3cret")  # a redelivery
        assert again["results"]["opened"] == "False"
        assert _post(url, pr, "pull_request", "wrong")[0] == 401
        assert _post(f"{handle.url}/webhook/nope", pr, "pull_request", "s3cret")[0] == 404
        other = {"action": "closed", "number": 8, "repo": "elsewhere/x"}
        assert "not in allowlist" in _post(url, other, "pull_request", "s3cret")[1]["skipped"]
        assert _post(url, {"challenge": "c1"}, "ping", None)[1] == {"challenge": "c1"}
        status_doc = get_json(f"{handle.url}/api/status")
        assert status_doc["providers"][0]["secret_mounted"] is True
        events = get_json(f"{handle.url}/api/events")
        assert [e["qualified_type"] for e in events][-1] == "pull_request.opened"
    assert seen == ["pull_request.opened"] * 2


def test_without_its_secret_a_provider_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HUB_SECRET", raising=False)
    app = webhooks.WebhookAppEnvironment("hooks-nosecret", providers=[HUB], port=free_port())
    with flyte.serve(app) as handle:
        status, got = _post(f"{handle.url}/webhook/hub", {"number": 1}, "push", "x")
    assert status == 503 and "HUB_SECRET is not set" in got["detail"]
    with pytest.raises(flyte.errors.DefinitionError, match="at least one provider"):
        webhooks.WebhookAppEnvironment("empty")


def test_run_once_launches_once_per_key_and_retries_after_a_failure() -> None:
    first = run_once(triage, key="k1", repo="a")
    first.run.wait()
    assert first.created and first.run.phase == flyte.models.ActionPhase.SUCCEEDED
    again = run_once(triage, key="k1", repo="a")
    assert not again.created and again.run.name == first.run.name
    assert webhooks.blocking_run("k1").name == first.run.name
    failed = run_once(fails, key="k2", repo="b")
    deadline = time.monotonic() + 30
    while not failed.run.done() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert webhooks.blocking_run("k2") is None  # a failed run leaves the key free
    retry = run_once(fails, key="k2", repo="b")
    assert retry.created and retry.run.name != failed.run.name
    with pytest.raises(flyte.errors.DefinitionError, match="pass key='other'"):
        run_once(triage, key="k3", runcontext_kwargs={"labels": {"dedupe": "other"}}, repo="c")
    event = WebhookEvent(provider="hub", event_type="push", delivery_id="d1")
    assert event.qualified_type == "push" and len(event.dedupe_key()) == 32
    assert str(PullRequest.OPENED) == "pull_request.opened"
