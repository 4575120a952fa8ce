"""A flyte 2 program whose images name local files that live elsewhere (the repository it came
from: a uv project, a requirements file, a source file and folder, a Dockerfile) and a build
secret given as a path; running its tasks locally builds no image, so none of them is needed."""

import flyte

base = flyte.Image.from_debian_base(name="elsewhere")
project_image = base.with_uv_project("../services/api/pyproject.toml").with_source_folder(
    "../services/api/src", "/app"
)
tools_image = (
    base.with_requirements("requirements/tools.txt")
    .with_source_file("configs/tools.yaml", "/etc/tools")
    .with_pip_packages("private-lib", secret_mounts="/tmp/secret1")
)
custom = flyte.Image.from_dockerfile("docker/Dockerfile.gpu", registry="ghcr.io/me", name="gpu")

api_env = flyte.TaskEnvironment(name="api_env", image=project_image)
tools_env = flyte.TaskEnvironment(name="tools_env", image=tools_image)
gpu_env = flyte.TaskEnvironment(name="gpu_env", image=custom)
driver = flyte.TaskEnvironment(name="driver", image=base, depends_on=[api_env, tools_env, gpu_env])


@api_env.task
async def parse(text: str) -> list[str]:
    return text.split(",")


@tools_env.task
async def count(items: list[str]) -> int:
    return len(items)


@gpu_env.task
async def scale(n: int) -> int:
    return n * 10


@driver.task
async def main(text: str) -> int:
    return await scale(await count(await parse(text)))


if __name__ == "__main__":
    flyte.init()
    out = flyte.run(main, text="a,b,c").outputs()[0]
    assert out == 30, out
    print("OK")
