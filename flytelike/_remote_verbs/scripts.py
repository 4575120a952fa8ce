"""flyte 2's ``run_python_script`` and ``load_plugin_config``, locally.

- ``run_python_script(script, *, cpu=4, memory="16Gi", gpu=0, gpu_type="T4", image=None,
  timeout=3600, extra_args=None, queue=None, wait=False, name=None, debug=False,
  output_dir=None, include_files=None, plugin_config=None, clustered=False, ...)`` runs a
  Python script as a recorded run (also ``await run_python_script.aio(...)``): as flyte does, it
  builds a ``TaskEnvironment`` ``python_script_<stem>`` (the image: ``Image.from_debian_base``,
  with ``image=["pkg", ...]`` as pip packages, or the ``Image`` given; ``Resources(cpu=,
  memory=, gpu="<gpu_type>:<gpu>")``; ``queue``; ``include_files`` as ``include``;
  ``plugin_config``: all carried into the task's IR) with one async task ``execute_script(args,
  task_timeout) -> PythonScriptOutput`` (short name ``name`` or the script's stem, ``timeout``
  seconds, enforced by the engine) and starts it with ``flytelike.run`` (run name ``name``). The
  task runs ``python -u <script> *extra_args`` with this interpreter in the script's directory,
  streaming its output (stdout and stderr, in order) to the task's log, and returns
  ``PythonScriptOutput(exit_code, stdout, output_dir)``: the last 80 lines, and ``output_dir``
  (relative to the script's directory) as a ``Dir``, ``EmptyDir()`` when not given. A script
  that exits non-zero fails the task (``RuntimeError`` naming the exit code and the last
  output); a task that times out or is aborted kills the script. Returns a
  ``flytelike.remote.Run`` (``wait=True``: once the run ended). ``debug=True`` (a code-server in
  a pod) and ``clustered=True`` (a JobSet under torchrun) need a cluster and raise
  ``NotSupportedLocallyError`` saying what to run instead; the argument checks are flyte's.
- ``load_plugin_config(path)``: a YAML file ``{plugin: <module.Class>, config: {...}}`` built
  into an instance of that dataclass, nested dataclasses (also in lists, dicts and
  ``Optional``s) from nested mappings. A file that is not such a mapping, a class that does not
  import or is not a dataclass, an unknown field raise ``ConfigurationError`` naming the file.
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import importlib
import pathlib
import re
import sys
import types
import typing
from datetime import timedelta
from typing import Any

from flytelike.errors import ConfigurationError
from typesystem.io import Dir

TAIL_LINES = 80


@dataclasses.dataclass
class PythonScriptOutput:
    """What ``execute_script`` returns: the exit code, the last lines the script printed, and
    its output directory (``EmptyDir()`` when none was asked for)."""

    exit_code: int
    stdout: str
    output_dir: Dir


def _not_local(what: str, instead: str) -> Exception:
    from flytelike.remote import NotSupportedLocallyError

    return NotSupportedLocallyError(
        f"run_python_script({what}) needs a cluster, and flytelike runs locally: {instead}"
    )


def _env_name(script: pathlib.Path) -> str:
    return "python_script_" + (re.sub(r"[^a-z0-9_-]+", "_", script.stem.lower()) or "script")


def _build_task(
    env: Any, script: pathlib.Path, timeout: int, short_name: str, output_dir: str | None
) -> Any:
    @env.task(timeout=timedelta(seconds=timeout), short_name=short_name)  # type: ignore[untyped-decorator]
    async def execute_script(args: list[str], task_timeout: int) -> PythonScriptOutput:
        """Run the script with this interpreter in its directory; see ``run_python_script``."""
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-u",
            script.name,
            *args,
            cwd=script.parent,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        tail: collections.deque[str] = collections.deque(maxlen=TAIL_LINES)
        assert proc.stdout is not None
        try:
            async for raw in proc.stdout:
                line = raw.decode(errors="replace")
                sys.stdout.write(line)
                sys.stdout.flush()
                tail.append(line)
            code = await proc.wait()
        except BaseException:  # (cancelled: a timeout or an abort; never leave it running)
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
            raise
        last = "".join(tail)
        if code != 0:
            raise RuntimeError(f"Script failed with exit code {code}, last output: {last}")
        from typesystem.io import EmptyDir

        out: Dir = EmptyDir()
        if output_dir:
            out = await Dir.from_local(str(script.parent / output_dir))
        return PythonScriptOutput(exit_code=code, stdout=last, output_dir=out)

    return execute_script


def _check(
    clustered: bool,
    plugin_config: Any,
    cluster_args: dict[str, Any],
) -> None:
    if clustered:
        if plugin_config is not None:
            raise ConfigurationError(
                "run_python_script: plugin_config cannot be combined with clustered=True (a "
                "clustered environment has its own plugin config)"
            )
        if cluster_args["replicas"] is None or cluster_args["nproc_per_node"] is None:
            raise ConfigurationError(
                "run_python_script: clustered=True requires both replicas and nproc_per_node"
            )
        raise _not_local(
            "clustered=True",
            "run the script under torchrun on this machine (`torchrun --nproc-per-node N "
            "script.py`), or without clustered=True",
        )
    given = sorted(k for k, v in cluster_args.items() if v is not None)
    if given:
        raise ConfigurationError(
            f"run_python_script: {', '.join(given)} only apply when clustered=True"
        )


async def _run_python_script(
    script: pathlib.Path | str,
    *,
    cpu: int = 4,
    memory: str = "16Gi",
    gpu: int = 0,
    gpu_type: str = "T4",
    image: Any = None,
    timeout: int = 3600,
    extra_args: list[str] | None = None,
    queue: str | None = None,
    wait: bool = False,
    name: str | None = None,
    debug: bool = False,
    output_dir: str | None = None,
    include_files: list[str] | None = None,
    plugin_config: Any = None,
    clustered: bool = False,
    replicas: int | None = None,
    nproc_per_node: int | None = None,
    runtime: Any = None,
    failure_policy: Any = None,
    ttl_seconds_after_finished: int | None = None,
) -> Any:
    """Run ``script`` as a recorded run; see the module docstring."""
    from flytelike._settings.image import Image
    from flytelike._settings.resources import Resources
    from flytelike._v2.env import TaskEnvironment
    from flytelike._v2.run import with_runcontext
    from flytelike.remote import Run as RemoteRun

    path = pathlib.Path(script).resolve()
    if not path.exists():
        raise FileNotFoundError(f"run_python_script: script not found: {path}")
    if path.suffix != ".py":
        raise ConfigurationError(f"run_python_script: the script must be a .py file, got {path}")
    _check(
        clustered,
        plugin_config,
        {
            "replicas": replicas,
            "nproc_per_node": nproc_per_node,
            "runtime": runtime,
            "failure_policy": failure_policy,
            "ttl_seconds_after_finished": ttl_seconds_after_finished,
        },
    )
    if debug:
        raise _not_local(
            "debug=True",
            f"debug it here with `{pathlib.Path(sys.executable).name} -m pdb {path}`",
        )
    if not isinstance(timeout, int) or isinstance(timeout, bool) or timeout <= 0:
        raise ConfigurationError(f"run_python_script(timeout={timeout!r}): positive seconds")
    if image is None:
        img: Any = Image.from_debian_base(name="python-script-runner")
    elif isinstance(image, list):
        base = Image.from_debian_base(name="python-script-runner")
        img = base.with_pip_packages(*image)
    else:
        img = image
    resources = {"cpu": cpu, "memory": memory}
    if gpu > 0:
        resources["gpu"] = f"{gpu_type}:{gpu}"
    env = TaskEnvironment(
        _env_name(path),
        image=img,
        resources=Resources(**resources),
        queue=queue,
        include=tuple(include_files or ()),
        plugin_config=plugin_config,
    )
    task = _build_task(env, path, timeout, name or path.stem, output_dir)
    runner = with_runcontext(name=name) if name else with_runcontext()
    run = await asyncio.to_thread(
        runner.run, task, args=list(extra_args or []), task_timeout=timeout, wait=False
    )
    if wait:
        await asyncio.to_thread(run.wait)
    return RemoteRun(run._engine.get_run(run.name))  # (flyte returns its remote Run)


class _SyncAndAio:
    def __init__(self, fn: Any) -> None:
        self._fn = fn
        self.__doc__ = fn.__doc__

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(self._fn(*args, **kwargs))
        # (called from async code, e.g. a notebook: run it to completion on a thread of its own)
        import concurrent.futures

        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, self._fn(*args, **kwargs)).result()

    def aio(self, *args: Any, **kwargs: Any) -> Any:
        return self._fn(*args, **kwargs)


run_python_script = _SyncAndAio(_run_python_script)


# ------------------------------------------------------------------ plugin configs
def load_plugin_config(path: str | pathlib.Path) -> Any:
    """The plugin config a YAML file describes; see the module docstring."""
    import yaml

    where = pathlib.Path(path)
    try:
        raw = yaml.safe_load(where.read_text()) or {}
    except OSError as e:
        raise ConfigurationError(f"load_plugin_config: cannot read {where}: {e}") from e
    except yaml.YAMLError as e:
        raise ConfigurationError(f"load_plugin_config: {where} is not YAML: {e}") from e
    if not isinstance(raw, dict) or "plugin" not in raw:
        raise ConfigurationError(
            f"load_plugin_config: {where} must be a YAML mapping with a top-level 'plugin' key "
            "naming the plugin config class, e.g.\n\nplugin: flyteplugins.ray.RayJobConfig\n"
            "config:\n  worker_node_config: [...]"
        )
    cls = _resolve(str(raw["plugin"]), where)
    config = raw.get("config") or {}
    if not isinstance(config, dict):
        raise ConfigurationError(
            f"load_plugin_config: {where}: 'config' must be a mapping, got {type(config).__name__}"
        )
    return _build(cls, config, where, "config")


def _resolve(qualified: str, where: pathlib.Path) -> type:
    module, _, attr = qualified.rpartition(".")
    try:
        if not module:
            raise ImportError("the name is not qualified")
        found = getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError) as e:
        raise ConfigurationError(
            f"load_plugin_config: {where}: cannot load plugin config class {qualified!r}: {e}. "
            "Install the plugin package and give the fully qualified name, e.g. "
            "'flyteplugins.ray.RayJobConfig'"
        ) from None
    if not (isinstance(found, type) and dataclasses.is_dataclass(found)):
        raise ConfigurationError(
            f"load_plugin_config: {where}: {qualified} is not a dataclass, so it cannot be "
            "built from the file's 'config'"
        )
    return found


def _build(cls: type, data: dict[str, Any], where: pathlib.Path, at: str) -> Any:
    hints = typing.get_type_hints(cls)
    fields = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - fields)
    if unknown:
        raise ConfigurationError(
            f"load_plugin_config: {where}: {at}: unknown field(s) {unknown} of "
            f"{cls.__module__}.{cls.__qualname__}; its fields are {sorted(fields)}"
        )
    kwargs = {k: _coerce(hints.get(k), v, where, f"{at}.{k}") for k, v in data.items()}
    try:
        return cls(**kwargs)
    except TypeError as e:
        raise ConfigurationError(f"load_plugin_config: {where}: {at}: {e}") from None


def _coerce(hint: Any, value: Any, where: pathlib.Path, at: str) -> Any:
    if value is None or hint is None:
        return value
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        for option in args:
            if option is type(None):
                continue
            try:
                return _coerce(option, value, where, at)
            except ConfigurationError:
                continue
        return value
    if origin is list and isinstance(value, list):
        item = args[0] if args else None
        return [_coerce(item, v, where, f"{at}[{i}]") for i, v in enumerate(value)]
    if origin is dict and isinstance(value, dict):
        item = args[1] if len(args) > 1 else None
        return {k: _coerce(item, v, where, f"{at}.{k}") for k, v in value.items()}
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        if not isinstance(value, dict):
            raise ConfigurationError(
                f"load_plugin_config: {where}: {at}: {hint.__name__} is given as a mapping, "
                f"got {type(value).__name__}"
            )
        return _build(hint, value, where, at)
    return value
