"""Tasks of the two-node Ray test: each says which Ray node ran it, and a File made on one node
is read on the other through the run's raw data prefix."""

from __future__ import annotations

from pathlib import Path

import flytelike as fl


def _node() -> str:
    import ray

    return str(ray.get_runtime_context().get_node_id())


@fl.task
def produce(text: str) -> fl.FlyteFile:
    path = Path(f"made-on-{_node()}.txt")
    path.write_text(f"{text}|{_node()}")
    return fl.FlyteFile(str(path))


@fl.task
def consume(f: fl.FlyteFile) -> str:
    with open(f) as fh:
        return f"{fh.read()}|{_node()}"


@fl.workflow
def across(text: str) -> str:
    return consume(f=produce(text=text))
