"""A flyte 2 program whose task leaves an input without a type annotation (flyte takes it as Any)
and maps over it."""

import flyte

env = flyte.TaskEnvironment(name="untyped_input")


@env.task
def cube(x) -> int:
    return x**3


@env.task
def main(n: int) -> list[int]:
    return list(flyte.map(cube, range(n)))


if __name__ == "__main__":
    flyte.init()
    assert flyte.run(main, n=4).outputs()[0] == [0, 1, 8, 27]
    print("OK")
