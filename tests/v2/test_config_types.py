"""Flyte v2 configuration objects (flytelike/_settings/v2config.py): RetryStrategy/Backoff, Timeout,
ReusePolicy, Link, Trigger/Cron/FixedRate, Device/GPU/TPU, SecretRequest and the v2 errors."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import time
from dataclasses import dataclass
from typing import Any

import pytest

import flytelike as flyte
from flytelike.errors import DefinitionError


# ---------------------------------------------------------------------------- a v2 program
@dataclass
class GrafanaLink(flyte.Link):
    dashboard_url: str
    name: str = "Grafana"

    def get_link(
        self,
        run_name: str,
        project: str,
        domain: str,
        context: dict[str, str],
        parent_action_name: str,
        action_name: str,
        pod_name: str,
        **kwargs: Any,
    ) -> str:
        return f"{self.dashboard_url}?var-pod={pod_name}"


api_key: flyte.SecretRequest = ["api-key"]
env = flyte.TaskEnvironment(
    "config_types",
    resources=flyte.Resources(cpu=1, memory="1Gi", gpu=flyte.GPU("A100", 2)),
    reusable=flyte.ReusePolicy(replicas=(1, 3), idle_ttl=dt.timedelta(minutes=5), scope="run"),
    secrets=api_key,
)

ATTEMPTS: list[float] = []
BACKOFF = flyte.Backoff(base=0.05, factor=2, cap=dt.timedelta(seconds=0.15))


@env.task(retries=flyte.RetryStrategy(count=3, backoff=BACKOFF))
async def flaky(x: int) -> int:
    ATTEMPTS.append(time.monotonic())
    if len(ATTEMPTS) < 4:
        raise flyte.FlyteRecoverableException(f"attempt {len(ATTEMPTS)} failed")
    return x + 1


timeout: flyte.TimeoutType = flyte.Timeout(
    max_runtime=0.3, max_queued_time=dt.timedelta(minutes=1), deadline=60
)


@env.task(timeout=timeout)
async def slow(delay: float) -> str:
    await asyncio.sleep(delay)
    return "done"


@env.task(
    triggers=(
        flyte.Trigger(
            "nightly",
            flyte.Cron("0 2 * * *", timezone="Europe/Paris"),
            inputs={"when": flyte.TriggerTime, "n": 3},
        ),
        flyte.Trigger("hourly", flyte.FixedRate(60), auto_activate=False),
        flyte.Trigger.daily("when"),
    ),
    links=(GrafanaLink("https://grafana.example.com/d/abc"),),
)
async def scheduled(when: dt.datetime, n: int = 1) -> int:
    return n * when.day


@env.task
async def main(x: int) -> str:
    a = await flaky(x)
    b = await slow(0.01)
    try:
        await slow(2.0)
        c = "no timeout"
    except flyte.errors.TaskTimeoutError as e:
        c = e.code
    d = await scheduled(dt.datetime(2024, 5, 7), 2)
    return f"{a}:{b}:{c}:{d}"


def _custom(t: Any) -> dict[str, Any]:
    return {k: json.loads(v) for k, v in t.template().custom}


def test_v2_program_runs() -> None:
    ATTEMPTS.clear()
    assert flyte.run(main, 41).outputs() == "42:done:TaskTimeoutError:14"
    assert len(ATTEMPTS) == 4


def test_backoff_spaces_the_attempts() -> None:
    ATTEMPTS.clear()
    assert flyte.run(flaky, 1).outputs() == 2
    gaps = [b - a for a, b in itertools.pairwise(ATTEMPTS)]
    # waits of 0.05, 0.1 and 0.15 s (0.2 capped to 0.15) before retries 0, 1 and 2
    for gap, wait in zip(gaps, (0.05, 0.1, 0.15), strict=True):
        assert wait - 0.01 <= gap < wait + 1.0
    assert [BACKOFF.compute_delay(n).total_seconds() for n in range(4)] == [0.05, 0.1, 0.15, 0.15]


def test_without_backoff_retries_do_not_wait() -> None:
    ATTEMPTS.clear()
    quick = flaky.override(retries=3)
    assert "v2.retry_backoff" not in {k for k, _ in quick.template().custom}
    assert flyte.run(quick, 1).outputs() == 2
    assert ATTEMPTS[-1] - ATTEMPTS[0] < 0.05 * 3


def test_timeout_enforces_max_runtime() -> None:
    with pytest.raises(flyte.errors.TaskTimeoutError) as info:
        flyte.run(slow, 2.0)
    assert info.value.code == "TaskTimeoutError" and info.value.phase == "TIMED_OUT"
    assert flyte.run(slow.override(timeout=dt.timedelta(seconds=5)), 0.01).outputs() == "done"


def test_settings_reach_the_ir() -> None:
    t = flaky.template()
    assert t.metadata.retries == 3
    assert _custom(flaky)["v2.retry_backoff"] == {"base_s": 0.05, "factor": 2.0, "cap_s": 0.15}
    assert slow.template().metadata.timeout == 0.3
    assert _custom(slow)["v2.timeout"] == {
        "max_runtime_s": 0.3,
        "max_queued_time_s": 60.0,
        "deadline_s": 60.0,
    }
    assert t.resources.requests.gpu == "2" and t.metadata.accelerator.device == "A100"
    assert _custom(flaky)["v2.reusable"] == {
        "replicas": [1, 3],
        "idle_ttl": 300.0,
        "concurrency": 1,
        "scaledown_ttl": 30.0,
        "scope": "run",
    }
    custom = _custom(scheduled)
    assert custom["v2.links"] == [
        {"dashboard_url": "https://grafana.example.com/d/abc", "name": "Grafana"}
    ]
    nightly, hourly, daily = custom["v2.triggers"]
    assert nightly["automation"] == {"expression": "0 2 * * *", "timezone": "Europe/Paris"}
    assert nightly["inputs"] == {"when": "TriggerTime", "n": 3}
    assert hourly["automation"]["duration"] == 3600.0 and hourly["auto_activate"] is False
    assert daily["name"] == "daily" and daily["inputs"] == {"when": "TriggerTime"}
    link = GrafanaLink("https://g/d")
    assert link.get_link("r", "p", "d", {}, "a0", "a1", "pod-1") == "https://g/d?var-pod=pod-1"


def test_devices() -> None:
    assert flyte.GPU("H100", 8) == flyte.Device("H100", 8)
    assert flyte.TPU("V5P", "2x2x1") == flyte.Device("V5P", 1, "2x2x1", device_class="TPU")
    mig = flyte.TaskEnvironment(
        "mig", resources=flyte.Resources(gpu=flyte.GPU("A100", 1, partition="1g.5gb"))
    )
    t = mig.task(_plain).template()
    assert t.metadata.accelerator.device == "A100"
    assert t.metadata.accelerator.partition == "1g.5gb"
    assert t.resources.limits.gpu == "1"


def _plain(x: int) -> int:
    return x


def test_v2_errors_are_runtime_user_errors() -> None:
    for cls in (
        flyte.errors.TaskTimeoutError,
        flyte.errors.RetriesExhaustedError,
        flyte.errors.InlineIOMaxBytesBreached,
        flyte.errors.OnlyAsyncIOSupportedError,
        flyte.errors.NonRecoverableError,
        flyte.errors.TaskInterruptedError,
    ):
        assert issubclass(cls, flyte.errors.RuntimeUserError)
        assert cls("boom").code == cls.__name__
    assert flyte.errors.RuntimeUnknownError("E", "m").kind == "unknown"


# ---------------------------------------------------------------------------- validation
@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: flyte.Backoff(base=1, factor=0.5), r"Backoff.factor: expected a number >= 1"),
        (lambda: flyte.Backoff(base=-1), r"Backoff.base: must be >= 0"),
        (lambda: flyte.Backoff(base=5, cap=1), r"cap .* is below base"),
        (lambda: flyte.RetryStrategy(count=-1), r"RetryStrategy.count: expected an int >= 0"),
        (lambda: flyte.RetryStrategy(3, backoff=1.0), r"expected a Backoff\(base="),  # type: ignore[arg-type]
        (lambda: flyte.Timeout(max_runtime=0), r"Timeout.max_runtime: must be positive"),
        (lambda: flyte.Timeout("soon"), r"Timeout.max_runtime: expected a datetime.timedelta"),
        (lambda: flyte.Timeout(60, deadline=30), r"deadline .* is shorter than max_runtime"),
        (lambda: flyte.ReusePolicy(replicas=(3, 1)), r"min > max"),
        (lambda: flyte.ReusePolicy(replicas=0), r"ReusePolicy.replicas: expected an int >= 1"),
        (lambda: flyte.ReusePolicy(concurrency=0), r"ReusePolicy.concurrency"),
        (lambda: flyte.ReusePolicy(scope="cluster"), r"scope: expected 'global' or 'run'"),  # type: ignore[arg-type]
        (lambda: flyte.Cron("0 25 * * *"), r"invalid hour field"),
        (lambda: flyte.Cron("@daily", timezone="Mars/Olympus"), r"unknown timezone"),
        (lambda: flyte.Trigger("t", "0 * * * *"), r"automation must be Cron"),  # type: ignore[arg-type]
        (lambda: flyte.Trigger("", flyte.Cron("@hourly")), r"name must be a non-empty string"),
        (lambda: flyte.FixedRate(interval_minutes=0), r"Granularity"),
        (lambda: flyte.GPU("A100", 0), r"Device\('A100'\).quantity"),
        (lambda: flyte.Device(""), r"device must be a name"),
        (lambda: flyte.TaskEnvironment("r", reusable=5), r"reusable must be a ReusePolicy"),
    ],
)
def test_objects_validate_when_built(build: Any, message: str) -> None:
    with pytest.raises(DefinitionError, match=message):
        build()


def test_task_settings_validate_at_definition() -> None:
    with pytest.raises(DefinitionError, match=r"retries must be an int >= 0 or a RetryStrategy"):
        env.task(retries="3")(_plain)
    with pytest.raises(DefinitionError, match=r"test_config_types.py:\d+.*links takes Link"):
        env.task(links=(object(),))(_plain)
    with pytest.raises(DefinitionError, match=r"sets input\(s\) y .* its inputs are: x"):
        env.task(triggers=flyte.Trigger("t", flyte.Cron("@daily"), inputs={"y": 1}))(_plain)
    with pytest.raises(DefinitionError, match=r"triggers takes Trigger"):
        env.task(triggers=[flyte.Cron("@daily")])(_plain)
    with pytest.raises(DefinitionError, match=r"timeout"):
        flaky.override(timeout="soon")
