"""A flyte 2 program whose environment's image installs the SDK from local wheels (flyte's
private flyte._image names), passing pydantic models with enums, optional and nested fields."""

from enum import Enum
from typing import Optional

import flyte
from flyte._image import DIST_FOLDER, PythonWheels
from pydantic import BaseModel

env = flyte.TaskEnvironment(
    name="pydantic_wheels",
    image=flyte.Image.from_debian_base().clone(
        addl_layer=PythonWheels(wheel_dir=DIST_FOLDER, package_name="flyte"),
        name="pydantic-wheels-image",
    ),
)


class Mode(str, Enum):
    FAST = "fast"
    SAFE = "safe"


class Limits(BaseModel):
    retries: int = 2
    timeout_s: Optional[float] = None


class Job(BaseModel):
    name: str
    mode: Mode
    limits: Limits = Limits()
    tags: dict[str, str] = {}
    parent: Optional["Job"] = None


@env.task
async def tighten(job: Job) -> Job:
    return job.model_copy(update={"limits": Limits(retries=0, timeout_s=5.0), "mode": Mode.SAFE})


@env.task
async def describe(job: Optional[Job] = None) -> str:
    if job is None:
        return "none"
    return f"{job.name}:{job.mode.value}:{job.limits.retries}:{job.limits.timeout_s}:{job.parent.name if job.parent else '-'}"


@env.task
async def main() -> list[str]:
    base = Job(name="train", mode=Mode.FAST, tags={"team": "ml"})
    child = Job(name="eval", mode=Mode.FAST, parent=base)
    return [await describe(await tighten(base)), await describe(child), await describe()]


if __name__ == "__main__":
    flyte.init()
    assert flyte.run(main).outputs()[0] == ["train:safe:0:5.0:-", "eval:fast:2:None:train", "none"]
    print("OK")
