"""flyte 2 modules flytelike does not provide: importing one raises ``NotProvidedError``.

A program written for flyte 2 imports ``flyte.ai``, ``flyte.clustered``, ``flyte.sandbox`` or
``flyte.migrate``; with its import changed it imports ``flytelike.ai`` and so on. These are
services of a Flyte cluster or need one (multi-node training, container sandboxes, agents and
apps built on the cluster's API), so flytelike has no module for them; rather than Python's bare
``ModuleNotFoundError``, ``install()`` puts a finder at the end of ``sys.meta_path`` that answers
these paths (and so every module under them) with ``NotProvidedError``: what the module is in
flyte 2 and what to use instead. docs/guides/v2.md lists them.
"""

from __future__ import annotations

import sys
from typing import Any

#: flytelike path -> (what the flyte 2 module is, what to use instead)
ABSENT: dict[str, tuple[str, str]] = {
    "flytelike.ai": (
        "flyte 2's AI helpers: flyte.ai.agents (Agent, an LLM tool-calling loop whose tools "
        "may be tasks, with memory kept in a Dir and human approval through conditions), "
        "flyte.ai.chat (AgentChatAppEnvironment, a chat web app for an agent) and flyte.ai.mcp "
        "(MCPAppEnvironment, FlyteMCPAppEnvironment: MCP servers as apps, the latter exposing "
        "a Flyte cluster's API as tools)",
        "write the agent loop in a task with the LLM client you use, calling tasks as tools, "
        "and serve a chat or MCP server with flytelike.app (AppEnvironment, "
        "FastAPIAppEnvironment)",
    ),
    "flytelike.clustered": (
        "flyte 2's multi-node task environments (ClusteredTaskEnvironment with the TorchRun "
        "and JaxRun runtimes: one task runs on several pods of a cluster, with torchrun or "
        "jax.distributed set up across them)",
        "run the training in an ordinary task on this machine (torch.distributed or JAX on "
        "its processes and devices), or distribute it with Ray through the flytelike-ray "
        "backend",
    ),
    "flytelike.sandbox": (
        "flyte 2's sandboxes: orchestration code run in the restricted Monty interpreter "
        "(env.sandbox.orchestrator, orchestrator_from_str, orchestrate_local) and code or "
        "commands run in a throwaway container built on demand (sandbox.create)",
        "call the tasks from an ordinary task or workflow instead of an orchestrator, and "
        "run code in a container with ContainerTask",
    ),
    "flytelike.migrate": (
        "a flyte-sdk module (newer than flyte 2.12) that, once imported, lets flyte.run run "
        "flytekit tasks and workflows",
        "remove the import: flytelike runs flytekit tasks and workflows with flytelike.run "
        "(flyte.run) as they are",
    ),
}


class _AbsentFinder:
    """A meta path finder (duck-typed) that refuses the paths of ``ABSENT``; last on
    ``sys.meta_path``, so it is asked only when no module exists at the path."""

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> None:
        found = ABSENT.get(fullname)  # (a module under one: its parent's import raises first)
        if found is None:
            return None
        from flytelike.errors import NotProvidedError

        what, instead = found
        flyte = "flyte" + fullname.removeprefix("flytelike")
        raise NotProvidedError(
            f"flytelike does not provide {fullname}, flyte 2's {flyte}: {flyte} is {what}; "
            f"instead, {instead}",
            module=fullname,
        )


_FINDER = _AbsentFinder()


def install() -> None:
    """Answer the paths of ``ABSENT`` with ``NotProvidedError`` (idempotent)."""
    if _FINDER not in sys.meta_path:
        sys.meta_path.append(_FINDER)
