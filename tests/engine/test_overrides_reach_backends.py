"""Node overrides (``with_overrides(...)``) reach the backend in the request's task template."""

from __future__ import annotations

from pathlib import Path

import flytelike as fl
from flytelike.backends import ActionOutcome, ActionRequest, get_backend
from flytelike.engine import Engine, EngineConfig
from flytelike.extras.accelerators import T4


class Seeing:
    """Runs actions locally and keeps every template it was given."""

    name = "seeing"

    def __init__(self) -> None:
        self.inner = get_backend("local")
        self.templates: list[object] = []

    async def run_action(self, request: ActionRequest) -> ActionOutcome:
        self.templates.append(request.task)
        return await self.inner.run_action(request)

    def close(self) -> None:
        self.inner.close()


@fl.task(requests=fl.Resources(cpu="1"), retries=1)
def inc(x: int) -> int:
    return x + 1


@fl.workflow
def both(x: int) -> int:
    y = inc(x=x)
    return inc(x=y).with_overrides(  # type: ignore[no-any-return]
        requests=fl.Resources(cpu="2", mem="1Gi"), accelerator=T4, timeout=30, retries=3
    )


def test_the_second_node_is_sent_with_its_overrides(tmp_path: Path) -> None:
    backend = Seeing()
    engine = Engine(EngineConfig.from_env(home=tmp_path / "home"), backend=backend)
    try:
        assert engine.run(both, x=1).outputs() == 3
    finally:
        engine.close()
    plain, overridden = backend.templates
    assert plain.resources.requests.cpu == "1" and plain.metadata.accelerator is None  # type: ignore[attr-defined]
    md = overridden.metadata  # type: ignore[attr-defined]
    assert overridden.resources.requests.cpu == "2"  # type: ignore[attr-defined]
    assert overridden.resources.requests.memory == "1Gi"  # type: ignore[attr-defined]
    assert (md.accelerator.device, md.timeout, md.retries) == ("nvidia-tesla-t4", 30.0, 3)
    assert overridden.id == plain.id  # type: ignore[attr-defined]
