"""flyte 2's conditions (``flyte.new_condition``, ``ConditionWebhook``, ``flyte.remote.Condition``),
written as a flyte user writes them: a task waits for a typed value that someone sends from
outside the run (the CLI, the UI, ``remote.Condition.signal``, ``Run.signal``)."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from click.testing import CliRunner

import flytelike as flyte
from flytelike.cli import main as cli
from flytelike.engine import Engine, SignalError

env = flyte.TaskEnvironment(name="conditions")
ATTEMPTS: list[int] = []


@env.task
async def approval(amount: int) -> str:
    cond = await flyte.new_condition.aio(
        "approve_payment",
        prompt=f"Pay {amount}?",
        data_type=bool,
        description="payments over 100 need a human",
    )
    if await cond.wait.aio():
        return f"paid {amount}"
    return "declined"


@env.task
def sync_count() -> int:
    cond = flyte.new_condition("how_many", prompt="How many?", data_type=int)
    return cond.wait() * 2


@env.task
async def typed(kind: str) -> str:
    types = {"float": float, "str": str}
    cond = await flyte.new_condition.aio("value", data_type=types[kind])
    value = await cond.wait.aio()
    return f"{type(value).__name__}:{value}"


@env.task
async def impatient() -> str:
    cond = await flyte.new_condition.aio("quick", timeout=timedelta(seconds=0.3))
    try:
        await cond.wait.aio()
    except flyte.errors.ConditionTimedoutError as e:
        return f"timed out: {e}"
    return "signalled"


@env.task
async def twice() -> str:
    await flyte.new_condition.aio("same")
    try:
        await flyte.new_condition.aio("same")
    except flyte.errors.ConditionAlreadyExistsError as e:
        return str(e)
    return "created twice"


@env.task
async def waits_forever() -> bool:
    cond = await flyte.new_condition.aio("never", data_type=bool)
    return bool(await cond.wait.aio())


@env.task(retries=1)
async def flaky_after_approval() -> str:
    cond = await flyte.new_condition.aio("go", data_type=bool)
    ok = await cond.wait.aio()
    ATTEMPTS.append(flyte.ctx().attempt_number)
    if len(ATTEMPTS) == 1:
        raise RuntimeError("first attempt fails after the approval")
    return f"go={ok} after {len(ATTEMPTS)} attempts"


@env.task
async def with_webhook(url: str) -> str:
    hook = flyte.ConditionWebhook(
        url=url,
        payload={"text": "approve at {callback_uri}", "links": ["{callback_uri}"], "n": 1},
    )
    cond = await flyte.new_condition.aio("hooked", data_type=str, webhook=hook)
    return str(await cond.wait.aio())


def _condition(run_name: str, name: str, timeout: float = 20.0) -> Any:
    """The condition ``name`` of the run once it waits (created and RUNNING)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        cond = flyte.remote.Condition.get(name, run_name=run_name)
        if cond is not None and cond.phase == "ACTION_PHASE_RUNNING":
            return cond
        time.sleep(0.02)
    raise AssertionError(f"condition {name} of {run_name} never started waiting")


def test_a_task_waits_for_approval_signalled_through_remote_condition() -> None:
    run = flyte.run(approval, 250, wait=False)
    cond = _condition(run.name, "approve_payment")
    assert cond.expected_type is bool and cond.prompt == "Pay 250?"
    assert cond.description == "payments over 100 need a human" and cond.value is None
    assert cond.action_name.endswith("/cond-approve_payment")
    cond.signal(True)
    run.wait()
    assert run.outputs() == "paid 250"
    done = flyte.remote.Condition.get("approve_payment", run_name=run.name)
    assert done.phase == "ACTION_PHASE_SUCCEEDED" and done.value is True
    actions = {a.action_id: a for a in run.actions()}
    recorded = actions[cond.action_name]
    assert (recorded.kind, recorded.name, recorded.phase, recorded.parent) == (
        "condition",
        "approve_payment",
        "SUCCEEDED",
        cond.parent,
    )
    assert actions[cond.parent].kind == "task"


def test_a_rejection_is_false_and_a_sync_task_waits_with_wait(engine: Engine) -> None:
    from flytelike.ui import _html, _model

    run = flyte.run(approval, 5, wait=False)
    cond = _condition(run.name, "approve_payment")
    detail = _model.run_detail(engine, run.name)  # the UI offers approve/reject buttons
    assert detail["gates"] == [
        {"action": cond.action_name, "name": "approve_payment", "kind": "condition", "type": "bool"}
    ]
    assert 'data-signal="approve_payment" data-value="false">reject' in _html.run_body(detail)
    run.signal("approve_payment", False)
    run.wait()
    assert run.outputs() == "declined"
    assert _model.run_detail(engine, run.name)["gates"] == []

    run = flyte.run(sync_count, wait=False)
    _condition(run.name, "how_many")
    run.signal("how_many", "21")  # text converts to the condition's int, as flyte converts it
    run.wait()
    assert run.outputs() == 42


@pytest.mark.parametrize(
    ("kind", "sent", "got"), [("float", 2, "float:2.0"), ("str", 42, "str:42")]
)
def test_values_convert_to_the_data_type(kind: str, sent: Any, got: str) -> None:
    run = flyte.run(typed, kind, wait=False)
    _condition(run.name, "value")
    run.signal("value", sent)
    run.wait()
    assert run.outputs() == got


def test_a_signal_that_does_not_convert_is_refused_and_the_condition_waits_on() -> None:
    run = flyte.run(sync_count, wait=False)
    _condition(run.name, "how_many")
    with pytest.raises(SignalError, match=r"condition 'how_many' .* waits for a int: 'many'"):
        run.signal("how_many", "many")
    run.signal("how_many", 2)
    run.wait()
    assert run.outputs() == 4
    with pytest.raises(SignalError, match="ended SUCCEEDED; it takes no more signals"):
        run.signal("how_many", 3)


def test_timeout_raises_condition_timedout_error() -> None:
    run = flyte.run(impatient)
    assert run.outputs() == "timed out: condition 'quick' of run " + run.name + (
        " was not signalled within 0.3 seconds"
    )
    [cond] = flyte.remote.Condition.listall(run.name)
    assert cond.phase == "ACTION_PHASE_TIMED_OUT"


def test_a_second_condition_of_the_same_name_raises() -> None:
    run = flyte.run(twice)
    assert run.outputs()[0].startswith(f"condition 'same' already exists in run {run.name}")
    [cond] = flyte.remote.Condition.listall(run.name)  # (the first; never waited for)
    assert cond.phase == "ACTION_PHASE_ABORTED"


def test_conditions_are_listed_per_run_and_async() -> None:
    run = flyte.run(approval, 1, wait=False)
    _condition(run.name, "approve_payment")

    async def listed() -> list[str]:
        return [c.name async for c in flyte.remote.Condition.listall.aio(run_name=run.name)]

    assert asyncio.run(listed()) == ["approve_payment"]
    assert asyncio.run(flyte.remote.Condition.get.aio("nope", run_name=run.name)) is None
    with pytest.raises(TypeError, match="payload must be bool, int, float, or str"):
        flyte.remote.Condition.get("approve_payment", run_name=run.name).signal([1])
    run.signal("approve_payment", "yes")
    run.wait()
    assert run.outputs() == "paid 1"


def test_an_aborted_run_aborts_its_waiting_condition(engine: Engine) -> None:
    run = flyte.run(waits_forever, wait=False)
    cond = _condition(run.name, "never")
    run.abort(reason="nobody answered")
    run.wait()
    assert run.phase == flyte.models.ActionPhase.ABORTED
    after = flyte.remote.Condition.get("never", run_name=run.name)
    assert after.phase == "ACTION_PHASE_ABORTED"
    assert [g[4] for g in engine.store.gates(run.name)] == ["ABORTED"]
    with pytest.raises(SignalError, match="ended ABORTED"):
        run.signal(cond.name, True)


def test_a_retry_reuses_the_value_its_condition_was_signalled_with() -> None:
    ATTEMPTS.clear()
    run = flyte.run(flaky_after_approval, wait=False)
    _condition(run.name, "go")
    run.signal("go", True)
    run.wait()
    assert run.outputs() == "go=True after 2 attempts"
    assert ATTEMPTS == [0, 1]


RECEIVED: list[tuple[str, dict[str, Any]]] = []  # (what the webhook server was POSTed)


class _Hook(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        RECEIVED.append((self.headers["Content-Type"], json.loads(body)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def hook_url() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    RECEIVED.clear()
    yield f"http://127.0.0.1:{server.server_port}/hook"
    server.shutdown()
    server.server_close()


def test_the_webhook_gets_a_callback_uri_that_the_cli_signals(hook_url: str) -> None:
    run = flyte.run(with_webhook, hook_url, wait=False)
    _condition(run.name, "hooked")
    deadline = time.monotonic() + 10
    while not RECEIVED and time.monotonic() < deadline:
        time.sleep(0.02)
    [(content_type, payload)] = RECEIVED
    uri = f"flytelike://runs/{run.name}/conditions/hooked"
    assert content_type == "application/json"
    assert payload == {"text": f"approve at {uri}", "links": [uri], "n": 1}
    result = CliRunner().invoke(cli, ["runs", "signal", uri, "shipped"])
    assert result.exit_code == 0, result.output
    run.wait()
    assert run.outputs() == "shipped"


def test_outside_a_task_a_condition_is_only_an_object() -> None:
    cond = flyte.new_condition("offline", prompt="Go?", data_type=int, timeout=5)
    assert (cond.name, cond.prompt, cond.data_type, cond.timeout) == ("offline", "Go?", int, 5)
    with pytest.raises(flyte.errors.NotInTaskContextError, match="outside a running task"):
        cond.wait()
    with pytest.raises(TypeError, match="data_type must be bool, int, float or str"):
        flyte.new_condition("bad", data_type=list)
    with pytest.raises(ValueError, match="timeout must be positive"):
        flyte.new_condition("bad", timeout=0)
    with pytest.raises(ValueError, match="must be an http:// or https:// URL"):
        flyte.ConditionWebhook(url="ftp://example.com")
    with pytest.raises(ValueError, match="prompt_type must be 'text' or 'markdown'"):
        flyte.new_condition("bad", prompt_type="html")  # type: ignore[arg-type]
