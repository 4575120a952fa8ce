"""``flytelike info``: what this installation is and how it is configured.

Prints the version, the Python running it, the state directory with the run store's size, the
backends and type plugins that can be loaded, and the engine configuration resolved from the
environment (a bad ``FLYTELIKE_*`` value fails here with the variable's name and expected form).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    total = 0
    for dirpath, _, files in os.walk(path):
        for f in files:
            p = os.path.join(dirpath, f)
            if not os.path.islink(p):
                total += os.path.getsize(p)
    return total


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def gather() -> dict[str, Any]:
    """The facts ``flytelike info`` prints, as plain data."""
    import typesystem
    from flytelike import __version__
    from flytelike.backends import available_backends
    from flytelike.engine import EngineConfig

    # (the file [tool.flytelike] came from: the pyproject reader is not on the engine's face)
    from flytelike.engine._pyproject import settings

    config = EngineConfig.from_env()
    project, pyproject = settings()
    home = config.home
    db = [home / n for n in ("runs.db", "runs.db-wal", "runs.db-shm")]
    registry = typesystem.default_registry()
    registry.load_plugins()
    return {
        "version": __version__,
        "python": f"{sys.version.split()[0]} ({sys.executable})",
        "home": str(home),
        "home_exists": home.is_dir(),
        "run_store_bytes": sum(_size(p) for p in db if p.exists()),
        "blob_store_bytes": _size(home / "data") if (home / "data").is_dir() else 0,
        "backends": available_backends(),
        "type_plugins": [
            {"name": p.name, "distribution": p.distribution, "error": p.error}
            for p in registry.plugins
        ],
        "config": {
            "raw_data_prefix": config.data_prefix,
            "backend": config.backend,
            "max_parallelism": config.max_parallelism or "unset (the backend's default)",
            "system_retries": config.system_retries,
            "cache_enabled": config.cache_enabled,
            "overwrite_cache": config.overwrite_cache,
            "inline_limit": config.inline_limit,
            "record_direct_calls": config.record_direct_calls,
            "backend_options": dict(config.backend_options),
            "project": config.project,
            "domain": config.domain,
        },
        "environment": {k: v for k, v in sorted(os.environ.items()) if k.startswith("FLYTELIKE_")},
        "pyproject": str(pyproject) if project else None,
    }


@click.command("info")
@click.option("--json", "as_json", is_flag=True, help="print the facts as one JSON document")
def info_command(as_json: bool) -> None:
    """Show the version, state directory, backends, type plugins and resolved configuration."""
    from flytelike.errors import ConfigurationError

    try:
        facts = gather()
    except ConfigurationError as e:
        raise click.ClickException(str(e)) from e
    if as_json:
        click.echo(json.dumps(facts, indent=2))
        return
    home = facts["home"] + ("" if facts["home_exists"] else " (not created yet)")
    lines = [
        f"flytelike {facts['version']}",
        f"python     {facts['python']}",
        f"home       {home}",
        f"run store  {_mb(facts['run_store_bytes'])}; blobs {_mb(facts['blob_store_bytes'])}",
        f"backends   {', '.join(facts['backends'])}",
    ]
    plugins = facts["type_plugins"]
    if plugins:
        for p in plugins:
            state = f"failed: {p['error']}" if p["error"] else "loaded"
            lines.append(f"plugin     {p['name']} ({p['distribution']}): {state}")
    else:
        lines.append("plugins    none installed")
    lines.append("config")
    lines += [f"  {k} = {v}" for k, v in facts["config"].items()]
    if facts["pyproject"]:
        lines.append(f"settings from [tool.flytelike] in {facts['pyproject']}")
    env = facts["environment"]
    if env:
        lines.append("set in the environment")
        lines += [f"  {k}={v}" for k, v in env.items()]
    click.echo("\n".join(lines))
