"""flyte 2 constructors and helpers with their local meaning (spec/v2-api.md §6, §17, §18, §21):
``Resources(shm=)``, ``Timeout(max_queued_time=, deadline=)``, ``Trigger`` shortcuts,
``Cache(max_age=)`` and policies, ``flyte.io.HashFunction``, ``current_project``/
``current_domain``, ``flyte.ctx().checkpoint``, ``flyte.notify``, devices, ``env_vars``."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import pathlib
import time
from datetime import timedelta
from typing import Any

import pytest

import flytelike as flyte
from flytelike import errors, notify
from flytelike._v2 import init as _init
from flytelike.models import ActionPhase
from typesystem import PickleFallbackWarning

env = flyte.TaskEnvironment(
    "ctor",
    resources=flyte.Resources(cpu=1, memory="1Gi", shm="2Gi"),
    env_vars={"CTOR_MODE": "local"},
)


def _custom(task: Any) -> dict[str, Any]:
    return {k: json.loads(v) for k, v in task.template().custom}


@env.task
def mode() -> str:
    return os.environ.get("CTOR_MODE", "<unset>")


def test_resources_shm_is_validated_and_carried() -> None:
    assert _custom(mode)["v2.shm"] == "2Gi"
    assert flyte.Resources(shm="auto").shm == "auto"
    with pytest.raises(errors.ResourceError, match="shm"):
        flyte.Resources(shm="lots")


def test_env_vars_apply_to_runs_not_direct_calls() -> None:
    assert flyte.run(mode).outputs() == "local"
    assert mode() == "<unset>" and "CTOR_MODE" not in os.environ


def test_timeout_without_max_runtime() -> None:
    t = flyte.Timeout(max_queued_time=30, deadline=timedelta(minutes=5))
    assert t.max_runtime is None and t.deadline == timedelta(minutes=5)

    @env.task(timeout=t)
    def queued() -> int:
        return 1

    assert _custom(queued)["v2.timeout"] == {
        "max_runtime_s": None,
        "max_queued_time_s": 30.0,
        "deadline_s": 300.0,
    }
    assert queued.template().metadata.timeout in (None, 0, 0.0)
    assert flyte.run(queued).outputs() == 1
    # flyte 2 takes Timeout() (it bounds nothing); it was refused here
    unbounded = flyte.Timeout()
    assert (unbounded.max_runtime, unbounded.max_queued_time, unbounded.deadline) == (None,) * 3

    @env.task(timeout=unbounded)
    def unbounded_task() -> int:
        return 2

    assert flyte.run(unbounded_task).outputs() == 2


def test_trigger_shortcuts_take_a_name() -> None:
    m = flyte.Trigger.minutely(name="every-minute")
    assert m.name == "every-minute" and m.automation.expression == "* * * * *"
    assert m.description == "A trigger that runs every minute"
    h = flyte.Trigger.hourly("when", name="top-of-hour", max_action_concurrency=2)
    assert h.inputs == {"when": flyte.TriggerTime} and h.max_action_concurrency == 2
    assert flyte.Trigger.daily().name == "daily"
    art = flyte.Trigger(
        "on-model",
        flyte.OnArtifact("customer_model", region="us"),
        inputs={"model": flyte.TriggeredArtifact, "day": flyte.TriggeredPartition("date")},
    )
    assert art.automation.partitions == {"region": "us"}
    with pytest.raises(errors.DefinitionError, match="partition"):
        flyte.OnArtifact("m", region=3)  # type: ignore[arg-type]


def test_notifications_are_validated_and_carried_with_their_trigger() -> None:
    email = notify.Email(on_phase=ActionPhase.FAILED, recipients=("ops@example.com",))
    slack = notify.Slack(
        on_phase=(ActionPhase.SUCCEEDED, ActionPhase.FAILED), webhook_url="https://hooks/x"
    )
    teams = notify.Teams(on_phase=ActionPhase.TIMED_OUT, webhook_url="https://teams/x")
    hook = notify.Webhook(on_phase=ActionPhase.ABORTED, url="https://example.com/h", method="PUT")
    trigger = flyte.Trigger.hourly(name="nightly", notifications=(email, slack, teams, hook))

    @env.task(triggers=[trigger])
    def scheduled() -> int:
        return 1

    (carried,) = _custom(scheduled)["v2.triggers"]
    kinds = [(n["kind"], n["on_phase"]) for n in carried["notifications"]]
    assert kinds == [
        ("Email", ["failed"]),
        ("Slack", ["succeeded", "failed"]),
        ("Teams", ["timed_out"]),
        ("Webhook", ["aborted"]),
    ]
    assert carried["notifications"][0]["recipients"] == ["ops@example.com"]
    with pytest.raises(errors.DefinitionError, match="ActionPhase"):
        notify.Email(on_phase="exploded", recipients=("a@b.c",))  # type: ignore[arg-type]
    with pytest.raises(errors.DefinitionError, match="http"):
        notify.Slack(on_phase=ActionPhase.FAILED, webhook_url="not-a-url")
    with pytest.raises(errors.DefinitionError, match="notifications"):
        flyte.Trigger.daily(notifications="email me")
    flyte.with_runcontext(notifications=email)  # accepted: nothing is sent locally
    with pytest.raises(errors.DefinitionError, match="with_runcontext: notifications"):
        flyte.with_runcontext(notifications=["email me"])


CALLS: list[int] = []


@env.task(cache=flyte.Cache("auto", max_age=timedelta(seconds=0.3)))
def cached(x: int) -> int:
    CALLS.append(x)
    return len(CALLS)


def test_cache_max_age_is_honoured() -> None:
    CALLS.clear()
    assert _custom(cached)["v2.cache_max_age"] == 0.3
    assert flyte.run(cached, 1).outputs() == 1
    assert flyte.run(cached, 1).outputs() == 1  # a hit
    time.sleep(0.4)
    assert flyte.run(cached, 1).outputs() == 2  # too old: the task ran again
    assert flyte.run(cached, 1).outputs() == 2
    assert flyte.Cache(max_age="1h").max_age == timedelta(hours=1)
    with pytest.raises(errors.DefinitionError, match="max_age"):
        flyte.Cache(max_age=-1)


def test_cache_takes_flytes_positional_order() -> None:
    # flyte-sdk's data_processing examples write Cache("auto", "1.2")
    c = flyte.Cache("auto", "1.2")
    assert (c.behavior, c.version_override, c.version, c.serialize) == ("auto", "1.2", "1.2", False)
    c = flyte.Cache("override", "v3", True)
    assert (c.behavior, c.version, c.serialize, c.ignored_inputs) == ("override", "v3", True, ())
    with pytest.raises(errors.DefinitionError, match="serialize"):
        flyte.Cache("v1", "x")  # (flytekit's order: a version, then serialize)


def test_cache_policies() -> None:
    class Fixed:
        def get_version(self, salt: str, params: flyte.VersionParameters) -> str:
            return "fixed" + salt

    a = flyte.Cache("auto", policies=[Fixed()], salt="s")
    b = flyte.Cache("auto", policies=flyte.FunctionBodyPolicy())
    params = flyte.VersionParameters(func=mode)
    assert a.get_version(params) == hashlib.sha256(b"fixeds").hexdigest()
    assert b.get_version(params) != a.get_version(params)
    assert flyte.FunctionBodyPolicy is flyte.CacheFunctionBody


def test_hash_function(tmp_path: pathlib.Path) -> None:
    p = tmp_path / "data.txt"
    p.write_bytes(b"hello")
    fn = flyte.io.HashFunction.from_fn(lambda b: hashlib.md5(b).hexdigest())
    f = flyte.io.File.from_local_sync(str(p), hash_method=fn)
    assert f.hash == hashlib.md5(b"hello").hexdigest()
    fn.update(b"x")
    assert fn.result() == hashlib.md5(b"x").hexdigest()
    with pytest.raises(TypeError):
        flyte.io.HashFunction("not callable")  # type: ignore[arg-type]


@pytest.fixture
def no_init(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_init, "_CONFIG", [])


@env.task
def where() -> str:
    return f"{flyte.current_project()}/{flyte.current_domain()}"


def test_current_project_and_domain(no_init: None, tmp_path: pathlib.Path) -> None:
    with pytest.raises(errors.InitializationError, match="Project has not been initialized") as i:
        flyte.current_project()
    assert i.value.code == "ProjectNotInitializedError" and i.value.kind == "user"
    with pytest.raises(errors.InitializationError, match="Domain has not been initialized"):
        flyte.current_domain()
    flyte.init(project="ml", domain="development")
    assert (flyte.current_project(), flyte.current_domain()) == ("ml", "development")
    assert flyte.run(where).outputs() == "ml/development"
    config = tmp_path / "config.yaml"
    config.write_text("task:\n  project: from-file\n  domain: staging\n")
    flyte.init_from_config(str(config))
    assert (flyte.current_project(), flyte.current_domain()) == ("from-file", "staging")
    with pytest.raises(errors.InitializationError, match="no config file"):
        flyte.init_from_config(str(tmp_path / "missing.yaml"))
    assert flyte.init_passthrough(project="p", domain="d") == {
        "project": "p",
        "domain": "d",
        "org": None,
    }
    assert flyte.is_control_plane_available() is False


ATTEMPTS: list[int] = []


@env.task(retries=2)
def trains(steps: int) -> str:
    cp = flyte.ctx().checkpoint
    prev = cp.load_sync()
    start = int(prev.read_text()) if prev is not None else 0
    ATTEMPTS.append(start)
    for step in range(start, steps):
        cp.save_sync(str(step + 1).encode())
        if step == 1 and len(ATTEMPTS) == 1:
            raise RuntimeError("preempted")
    return f"resumed at {start}"


@env.task
async def saves_a_directory() -> list[str]:
    cp = flyte.ctx().checkpoint
    if await cp.load() is None:
        src = pathlib.Path(flyte.current_context().working_directory) / "state"
        src.mkdir()
        (src / "weights.bin").write_bytes(b"w1")
        await cp.save(src)
        raise RuntimeError("first attempt fails after saving")
    restored = await cp.load()
    assert restored == cp.path
    return sorted(p.name for p in restored.iterdir())


saves_a_directory_retried = saves_a_directory.override(retries=1)


def test_checkpoint_survives_retries() -> None:
    ATTEMPTS.clear()
    assert flyte.run(trains, 4).outputs() == "resumed at 2"
    assert ATTEMPTS == [0, 2]
    assert flyte.run(saves_a_directory_retried).outputs() == ["weights.bin"]
    assert flyte.ctx().checkpoint is None  # outside a task


def test_checkpoint_by_hand_and_latest(tmp_path: pathlib.Path) -> None:
    cp = flyte.Checkpoint(str(tmp_path / "ckpt"))
    assert not cp.prev_exists() and cp.load_sync() is None
    f = tmp_path / "model.pt"
    f.write_bytes(b"m")
    asyncio.run(cp.save(f))
    again = flyte.Checkpoint(str(tmp_path / "ckpt"))
    assert again.prev_exists() and again.load_sync() == again.path / "payload"
    assert (again.path / "payload").read_bytes() == b"m"
    with pytest.raises(FileNotFoundError):
        cp.save_sync(tmp_path / "missing")
    for i, name in enumerate(("a", "b")):
        d = tmp_path / "runs" / name
        d.mkdir(parents=True)
        (d / "last.ckpt").write_text(name)
        os.utime(d / "last.ckpt", (1000 + i, 1000 + i))
    assert flyte.latest_checkpoint(tmp_path / "runs") == tmp_path / "runs" / "b" / "last.ckpt"
    assert flyte.latest_checkpoint(tmp_path / "none") is None


def test_devices_carry_their_class() -> None:
    assert flyte.AMD_GPU("MI300X").device_class == "AMD_GPU"
    assert flyte.Neuron("Trn1").device_class == "NEURON"
    assert flyte.HABANA_GAUDI("Gaudi1").device == "Gaudi1"
    assert flyte.APPLE_SILICON().device_class == "APPLE_SILICON"
    amd = flyte.TaskEnvironment("amd", resources=flyte.Resources(gpu=flyte.AMD_GPU("MI300X")))

    @amd.task
    def on_amd() -> int:
        return 1

    assert _custom(on_amd)["v2.device_class"] == "AMD_GPU"
    assert on_amd.template().metadata.accelerator.device == "MI300X"
    with pytest.raises(errors.DefinitionError, match="device_class"):
        flyte.Device("X", device_class="FPGA")


def test_deprecated_gpu_names_are_accepted_with_a_warning() -> None:
    with pytest.warns(FutureWarning, match="'A100 80G' is deprecated, use 'A100_80G'"):
        r = flyte.Resources(gpu="A100 80G:8")
    with pytest.warns(FutureWarning):
        env = flyte.TaskEnvironment(name="old_gpu_names", resources=r)
    with pytest.warns(FutureWarning):

        @env.task
        def on_gpus(x: int) -> int:
            return x

    assert on_gpus.template().resources.requests.gpu == "8"


def test_pod_template_termination_grace_period() -> None:
    from datetime import timedelta as td

    base = flyte.PodTemplate(primary_container_name="main", labels={"a": "b"})
    pt = base.with_termination_grace_period(td(minutes=10))
    assert pt.pod_spec == {"containers": [{"name": "main"}], "terminationGracePeriodSeconds": 600}
    assert base.pod_spec is None and pt.labels == {"a": "b"}  # a copy
    env = flyte.TaskEnvironment(name="graceful", pod_template=pt.with_termination_grace_period(30))

    @env.task
    def graceful(x: int) -> int:
        return x

    assert '"terminationGracePeriodSeconds":30' in graceful.template().pod_template.json
    with pytest.raises(TypeError, match="not negative"):
        base.with_termination_grace_period(-1)


def test_an_input_without_annotation_is_any_as_in_flyte() -> None:
    # flyte-sdk's deploy_patterns/full_build/main.py: def square(x) -> int
    untyped_env = flyte.TaskEnvironment("untyped_inputs")
    with pytest.warns(PickleFallbackWarning, match=r"input\(s\) `x` have no type annotation"):

        @untyped_env.task
        def square(x, k: int = 2) -> int:  # type: ignore[no-untyped-def]
            return int(x**k)

    assert flyte.run(square, x=3).outputs() == 9
    with pytest.raises(errors.InterfaceError, match="has no type annotation"):

        @flyte.task  # (a flytekit task still needs them)
        def kit_square(x) -> int:  # type: ignore[no-untyped-def]
            return int(x * x)
