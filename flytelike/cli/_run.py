"""``flytelike run FILE_OR_MODULE ENTITY --input value ...`` and ``flytelike resume RUN``.

The input flags are generated from the entity's interface (``--snake_case`` and
``--kebab-case``): int, float and str as such; bool as ``--flag``, ``--no-flag`` or ``--flag
false``; enums as choices; datetime as ISO 8601, ``now`` or ``today`` (UTC); durations as
``typesystem``'s parser reads them (``90``, ``1:30``, ``1h30m``, ``PT1.5H``); lists, dicts,
dataclasses (everything structured) as JSON, or the path of a JSON/YAML file; File/Dir as local
paths; DataFrames as a parquet or CSV path. ``--inputs-file`` gives inputs as a JSON/YAML object
(flags win). Outputs print as JSON on stdout; the run's name and phase go to stderr. Without
ENTITY it lists the file's entities (``_entities``).

Errors print as a few lines, exit status 1: an error of the user's code (at import, or compiling
the entity) as its message and ``file:line``; a failed run as its failing node, task, error and
the traceback of the user's frames, with the commands that show more (``flytelike runs get``,
``flytelike runs logs``). ``-v``/``--traceback`` prints full tracebacks instead.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import importlib
import json
import os
import sys
from pathlib import Path
from typing import Any

import click
from click.shell_completion import CompletionItem

import typesystem
from flytelike.cli._entities import (
    _import_quietly,
    _quiet,
    bool_options,
    complete_entity,
    complete_file,
    entity_help,
    listing,
    merge_negated,
)
from flytelike.cli._errors import UserCodeError, verbose_option
from flytelike.errors import FlytelikeError
from flytelike.ir import Interface, LaunchPlanTemplate
from typesystem import (
    BlobType,
    EnumType,
    Literal,
    LiteralType,
    SimpleKind,
    SimpleType,
    TableType,
    _limits,  # (MAX_DEPTH: typesystem keeps its limits off its face)
)

# (typesystem's limit on nesting, which its decoders enforce; not exported by its face)
_TOO_DEEP = f"nested too deeply to parse (values nest at most {_limits.MAX_DEPTH} levels)"


def _load_data_file(path: str) -> Any:
    """The JSON (else YAML) data in file ``path``; ``click.BadParameter`` naming the file when it
    cannot be read or parsed."""
    try:
        text = Path(path).read_text()
    except (OSError, UnicodeDecodeError) as e:
        raise click.BadParameter(f"cannot read {path}: {e}") from e
    if not path.endswith((".yaml", ".yml")):
        try:
            return _json_loads(text, path)
        except json.JSONDecodeError:
            pass
    return _yaml_loads(text, path)


def _json_loads(text: str, where: str) -> Any:
    """``json.loads``; ``JSONDecodeError`` for text that is not JSON (callers fall back)."""
    try:
        return json.loads(text)
    except RecursionError as e:
        raise click.BadParameter(f"{where}: JSON {_TOO_DEEP}") from e
    except json.JSONDecodeError:
        raise
    except ValueError as e:  # a number of more than 4300 digits
        raise click.BadParameter(f"{where}: {e}") from e


def _yaml_loads(text: str, where: str) -> Any:
    try:
        yaml = importlib.import_module("yaml")
    except ImportError as e:
        raise click.BadParameter(f"{where} is not JSON; to read YAML, pip install pyyaml") from e
    try:
        return yaml.safe_load(text)
    except RecursionError as e:
        raise click.BadParameter(f"{where}: YAML {_TOO_DEEP}") from e
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as e:  # (2024-02-30: ValueError)
        raise click.BadParameter(f"{where} is neither JSON nor YAML: {e}") from e


def _structured(text: str) -> Any:
    """JSON text, a JSON/YAML file path, or (failing both) the text itself."""
    if os.path.isfile(text) and text.endswith((".json", ".yaml", ".yml")):
        return _load_data_file(text)
    try:
        return _json_loads(text, "the value")
    except json.JSONDecodeError:
        return text


def _is_simple(lt: LiteralType, *kinds: SimpleKind) -> bool:
    return isinstance(lt, SimpleType) and lt.kind in kinds


def to_literal(name: str, value: Any, lt: LiteralType, py: Any) -> Literal:
    """A flag's (or inputs file's) value as a literal of type ``lt``; ``click.BadParameter``
    naming the input for any value that does not fit (``typesystem.literal_from_json`` checks
    int64, durations, nesting)."""
    try:
        if isinstance(lt, BlobType | TableType) and isinstance(value, str):
            local = "://" not in value
            path = os.path.abspath(value) if local else value
            if local and not os.path.exists(path):
                raise click.BadParameter(f"no such file or directory: {value}")
            if isinstance(lt, TableType) and value.endswith((".csv", ".tsv")) and py is not None:
                return typesystem.default_registry().to_literal(_read_csv(path), py)
            return typesystem.literal_from_json(path, lt)
        if isinstance(value, str) and not _is_simple(lt, SimpleKind.STRING):
            if not isinstance(lt, EnumType | SimpleType):
                value = _structured(value)
            elif _is_simple(lt, SimpleKind.DURATION):
                with contextlib.suppress(ValueError):
                    value = float(value)
            elif _is_simple(lt, SimpleKind.DATETIME, SimpleKind.DATE):
                value = datetime_word(value, lt)
        return typesystem.literal_from_json(value, lt)
    except (typesystem.TypeSystemError, click.BadParameter) as e:
        detail = e.message if isinstance(e, click.BadParameter) else str(e)
        if _is_simple(lt, SimpleKind.DATETIME, SimpleKind.DATE):
            detail += "; write ISO 8601 (2024-01-02 or 2024-01-02T03:04:05+00:00), now or today"
        raise click.BadParameter(
            f"input `{name}` ({typesystem.render_type(lt)}): {detail}", param_hint=f"--{name}"
        ) from e


def datetime_word(value: str, lt: LiteralType) -> str:
    """``now`` and ``today`` (any case) as ISO 8601 text, in UTC (timezone-aware) so that a run's
    inputs do not depend on the machine's time zone: ``now`` is the current time, ``today`` is
    midnight UTC of the current UTC date (for a ``date`` input: that date). Other text is
    returned as given."""
    word = value.strip().lower()
    if word not in ("now", "today"):
        return value
    now = _dt.datetime.now(_dt.UTC)
    if _is_simple(lt, SimpleKind.DATE):
        return now.date().isoformat()
    if word == "today":
        now = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return now.isoformat()


def _read_csv(path: str) -> Any:
    try:
        pd = importlib.import_module("pandas")
        return pd.read_csv(path, sep="\t" if path.endswith(".tsv") else ",")
    except ImportError as e:
        raise click.BadParameter("reading CSV needs pandas: pip install 'flytelike[pandas]'") from e
    except (OSError, ValueError) as e:  # (pandas' ParserError and EmptyDataError: ValueError)
        raise click.BadParameter(f"cannot read {path} as CSV: {e}") from e


def _option_type(lt: LiteralType) -> Any:
    if isinstance(lt, EnumType):
        return click.Choice([str(v) for v in lt.values])
    if _is_simple(lt, SimpleKind.INTEGER):
        return click.INT
    if _is_simple(lt, SimpleKind.FLOAT):
        return click.FLOAT
    if _is_simple(lt, SimpleKind.BOOLEAN):
        return click.BOOL
    return click.STRING


def _help(lt: LiteralType, default: Literal | None, description: str = "") -> str:
    """An input option's help: its description, type, accepted forms, default or ``[required]``."""
    text = f"{description.rstrip('.')}: " if description else ""
    text += typesystem.render_type(lt)
    if isinstance(lt, BlobType):
        text += " (a local path or URI)"
    elif isinstance(lt, TableType):
        text += " (a parquet or CSV path)"
    elif not isinstance(lt, SimpleType | EnumType):
        text += " (JSON, or a JSON/YAML file path)"
    elif _is_simple(lt, SimpleKind.DURATION):
        text += " (90, 1:30, 1h30m, PT1.5H, P1W)"
    elif _is_simple(lt, SimpleKind.DATETIME, SimpleKind.DATE):
        text += " (ISO 8601, now or today: UTC)"
    if default is not None:
        try:
            text += f"  [default: {json.dumps(typesystem.literal_to_json(default, lt))}]"
        except Exception:
            text += "  [has a default]"
    else:  # (not click's required=: an --inputs-file may give it)
        text += "  [required]"
    return text


def input_command(
    entity_name: str, iface: Interface, fixed: set[str], obj: Any = None
) -> click.Command:
    """A click command whose options are ``iface``'s inputs (``fixed`` ones left out); its help
    shows ``obj``'s docstring, each input's description and ``[required]`` markers."""
    params: list[click.Parameter] = []
    for v in iface.inputs:
        if v.name in fixed:
            continue
        names = [f"--{v.name}"]
        kebab = v.name.replace("_", "-")
        if kebab != v.name:
            names.append(f"--{kebab}")
        text = _help(v.type, v.default, v.description)
        if _is_simple(v.type, SimpleKind.BOOLEAN):
            params += bool_options(names, v.name, text)
            continue
        params.append(
            click.Option([*names, v.name], type=_option_type(v.type), default=None, help=text)
        )
    taken = {p.name for p in params}
    for opt in _RUN_OPTIONS:
        if opt.name not in taken:
            params.append(opt)
    return click.Command(
        entity_name,
        params=params,
        callback=lambda **kw: merge_negated(kw),
        help=entity_help(entity_name, obj, iface),
        context_settings={"help_option_names": ["-h", "--help"]},
    )


_RUN_OPTIONS = [
    click.Option(["--inputs-file", "inputs_file"], default=None, help="inputs as JSON/YAML"),
    click.Option(["--backend", "backend"], default=None, help="backend name"),
    click.Option(["--backend-option", "backend_option"], multiple=True, help="NAME=VALUE"),
    click.Option(["--executor", "executor"], default=None, help="HOST:PORT of a gRPC executor"),
    click.Option(["--overwrite-cache", "overwrite_cache"], is_flag=True, default=None),
    click.Option(["--local", "local"], is_flag=True, default=None, help="run in this process"),
    click.Option(["--raw-data-path", "raw_data_path"], default=None, help="fsspec URL"),
    click.Option(["--run-name", "run_name"], default=None, help="the run's name"),
    click.Option(["--project", "project"], default=None, help="the run's project"),
    click.Option(["--domain", "domain"], default=None, help="the run's domain"),
    click.Option(["-v", "--verbose", "--traceback", "verbose"], is_flag=True, default=None),
]
_RUN_OPTION_NAMES = {o.name for o in _RUN_OPTIONS}


def _input_flags(target: str, entity: str) -> list[tuple[str, str]]:
    """``(flag, help)`` of every input option of ENTITY (``[]`` when it cannot be loaded)."""
    obj: Any = _import_quietly(target)
    for part in entity.split("."):
        obj = getattr(obj, part, None)
    if obj is None or not hasattr(obj, "python_interface"):
        return []
    with _quiet():
        cmd = input_command(entity, obj.python_interface.to_ir(), set(), obj)
    flags = []
    for param in cmd.params:
        if isinstance(param, click.Option) and param.name not in _RUN_OPTION_NAMES:
            text = param.help or ""
            flags += [(opt, text) for opt in param.opts if opt.startswith("--")]
    return flags


class RunCommand(click.Command):
    """``flytelike run``: completes the input flags of FILE_OR_MODULE ENTITY too."""

    def shell_complete(self, ctx: click.Context, incomplete: str) -> list[CompletionItem]:
        items = super().shell_complete(ctx, incomplete)
        target, entity = ctx.params.get("file_or_module"), ctx.params.get("entity")
        if not (target and entity and incomplete.startswith("-")):
            return items
        try:
            flags = _input_flags(target, entity)
        except Exception:
            return items
        inputs = [CompletionItem(f, help=h) for f, h in flags if f.startswith(incomplete)]
        return inputs + items


def build_inputs(
    entity: Any, iface: Interface, lp: LaunchPlanTemplate | None, given: dict[str, Any]
) -> dict[str, Literal]:
    py_types = dict(getattr(getattr(entity, "python_interface", None), "inputs", {}) or {})
    fixed = dict(lp.fixed_inputs) if lp is not None else {}
    known = {v.name for v in iface.inputs}
    for k in given:
        if k not in known:
            raise click.UsageError(
                f"{iface_name(entity)} has no input {k!r}; inputs: {', '.join(sorted(known))}"
            )
        if k in fixed:
            raise click.UsageError(f"input {k!r} is fixed by the launch plan")
    out: dict[str, Literal] = {}
    missing = []
    for v in iface.inputs:
        if v.name in given:
            out[v.name] = to_literal(v.name, given[v.name], v.type, py_types.get(v.name))
        elif v.default is not None:
            out[v.name] = v.default
        elif v.name not in fixed:
            missing.append(f"--{v.name} ({typesystem.render_type(v.type)})")
    if missing:
        raise click.UsageError("missing inputs: " + ", ".join(missing))
    out.update(fixed)
    return out


def iface_name(entity: Any) -> str:
    return str(getattr(entity, "name", entity))


def outputs_json(lits: dict[str, Literal], iface: Interface) -> str:
    types = {v.name: v.type for v in iface.outputs}
    data = {k: typesystem.literal_to_json(v, types.get(k)) for k, v in lits.items()}
    return json.dumps(data, indent=2, default=str)


def executor_options(
    executor: str | None, backend: str | None, options: tuple[str, ...]
) -> tuple[str | None, tuple[str, ...]]:
    """``--executor HOST:PORT``: the ``grpc`` backend with its ``address`` option (the one
    mechanism of ``--backend-option``)."""
    if executor is None:
        return backend, options
    if backend not in (None, "grpc"):
        raise click.UsageError(
            f"--executor {executor} runs the actions on a gRPC executor (the grpc backend), "
            f"but --backend {backend} was given too: drop one of them"
        )
    if any(o.split("=", 1)[0].strip() == "address" for o in options):
        raise click.UsageError(
            "--executor and --backend-option address=... both give the executor's address: "
            "give it once"
        )
    return "grpc", (*options, f"address={executor}")


def make_engine(backend: str | None, options: tuple[str, ...] = ()) -> Any:
    """The engine of a run: the default one, or one on ``backend`` (default: the configured
    one) with ``options`` (``--backend-option NAME=VALUE``) over ``FLYTELIKE_BACKEND_OPTIONS``."""
    from flytelike import engine as eng

    if backend is None and not options:
        return eng.default_engine()
    from flytelike.backends import (
        BackendLoadError,
        BackendNotFoundError,
        get_backend,
        parse_options,
    )

    try:
        config = eng.EngineConfig.from_env()
        given = {**dict(config.backend_options), **parse_options(options, "--backend-option")}
        b = get_backend(backend or config.backend, **given)
    except (BackendNotFoundError, BackendLoadError, FlytelikeError) as err:  # (bad settings too)
        raise click.ClickException(str(err)) from err
    engine = eng.Engine(config, backend=b)
    eng.set_default_engine(engine)  # direct calls made inside tasks use it too
    return engine


def finish(run: Any, iface: Interface, verbose: bool = False) -> None:
    """Print the outputs (exit 0) or where and why the run failed (exit 1)."""
    from flytelike.cli._errors import failed_run_text

    run.wait()
    phase = run.phase.value
    click.echo(f"run {run.name}: {phase}", err=True)
    # Where the decks and reports the tasks wrote are (one page per action, tabs inside).
    for action, uri in dict.fromkeys((a, u) for a, _, u in run.decks()):
        click.echo(f"deck of {action}: {uri.removeprefix('file://')}", err=True)
    if phase != "SUCCEEDED":
        click.echo(f"Error: {failed_run_text(run, verbose)}", err=True)
        sys.exit(1)
    click.echo(outputs_json(run.output_literals(), iface))


_RUN_HELP = """Run ENTITY (a task, workflow or launch plan) of FILE_OR_MODULE locally.

Inputs are options generated from ENTITY's interface; see `flytelike run FILE ENTITY --help`
(`flytelike run FILE` lists the entities of FILE).
Run options go before FILE_OR_MODULE (after ENTITY too, unless an input has the same name).
"""


@click.command(
    "run",
    cls=RunCommand,
    help=_RUN_HELP,
    add_help_option=False,
    context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False},
)
@click.argument("file_or_module", required=False, shell_complete=complete_file)
@click.argument("entity", required=False, shell_complete=complete_entity)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
@click.option("--inputs-file", type=click.Path(exists=True, dir_okay=False), default=None)
@click.option("--backend", default=None, help="backend name (default: local / FLYTELIKE_BACKEND)")
@click.option(
    "--backend-option",
    "backend_option",
    multiple=True,
    metavar="NAME=VALUE",
    help="an option of the backend (repeatable; over FLYTELIKE_BACKEND_OPTIONS), e.g. "
    "--backend-option address=ray://head:10001",
)
@click.option(
    "--executor",
    default=None,
    metavar="HOST:PORT",
    help="run the actions on the gRPC executor at HOST:PORT (`flytelike serve executor`): "
    "the same as --backend grpc --backend-option address=HOST:PORT",
)
@click.option("--overwrite-cache", is_flag=True, default=False, help="ignore cached results")
@click.option(
    "--local",
    "local",
    is_flag=True,
    default=False,
    help="run in this process (as `flyte run --local`); the default without --backend/--executor",
)
@click.option("--raw-data-path", default=None, help="where offloaded data goes (fsspec URL)")
@click.option("--run-name", "run_name", default=None, help="the run's name (default: generated)")
@click.option("--project", default=None, help="the run's project (default: FLYTELIKE_PROJECT)")
@click.option("--domain", default=None, help="the run's domain (default: FLYTELIKE_DOMAIN)")
@verbose_option()
@click.option("-h", "--help", "show_help", is_flag=True, default=False)
@click.pass_context
def run_command(
    ctx: click.Context,
    file_or_module: str | None,
    entity: str | None,
    args: tuple[str, ...],
    inputs_file: str | None,
    backend: str | None,
    backend_option: tuple[str, ...],
    executor: str | None,
    overwrite_cache: bool,
    local: bool,
    raw_data_path: str | None,
    run_name: str | None,
    project: str | None,
    domain: str | None,
    verbose: bool,
    show_help: bool,
) -> None:
    if file_or_module is None or entity is None:
        if show_help or file_or_module is None:
            click.echo(ctx.get_help())
            return
        from flytelike.cli._load import load_module

        raise click.UsageError(listing(file_or_module, load_module(file_or_module, verbose)))
    from flytelike.cli._load import load_entity
    from flytelike.engine import ClosureIndex, to_closure

    obj = load_entity(file_or_module, entity, verbose)
    try:
        closure = to_closure(obj)
    except Exception as e:  # a compile error, or the user's workflow body raised
        raise UserCodeError(e, f"compiling {entity}", verbose) from e
    primary = ClosureIndex(closure).primary()
    iface = primary.interface
    lp = primary if isinstance(primary, LaunchPlanTemplate) else None
    fixed = {k for k, _ in lp.fixed_inputs} if lp is not None else set()
    cmd = input_command(entity, iface, fixed, obj)
    if show_help or "--help" in args or "-h" in args:
        with click.Context(cmd, info_name=f"flytelike run {file_or_module} {entity}") as sub:
            click.echo(cmd.get_help(sub))
        return
    parsed = cmd.main(list(args), prog_name=f"flytelike run {entity}", standalone_mode=False)
    parsed = dict(parsed or {})
    input_names = {v.name for v in iface.inputs}
    late = {k: parsed.pop(k) for k in list(parsed) if k in _RUN_OPTION_NAMES - input_names}
    inputs_file = late.get("inputs_file") or inputs_file
    backend = late.get("backend") or backend
    backend_option = (*backend_option, *(late.get("backend_option") or ()))
    backend, backend_option = executor_options(
        late.get("executor") or executor, backend, backend_option
    )
    if (bool(late.get("local")) or local) and backend not in (None, "local"):
        raise click.UsageError("--local runs in this process: give it without --backend/--executor")
    overwrite_cache = bool(late.get("overwrite_cache")) or overwrite_cache
    raw_data_path = late.get("raw_data_path") or raw_data_path
    run_name = late.get("run_name") or run_name
    project = late.get("project") or project
    domain = late.get("domain") or domain
    verbose = bool(late.get("verbose")) or verbose
    given: dict[str, Any] = {}
    if inputs_file is not None:
        if not os.path.isfile(inputs_file):
            raise click.BadParameter(f"no such file: {inputs_file}", param_hint="--inputs-file")
        data = _load_data_file(inputs_file)
        if not isinstance(data, dict):
            raise click.BadParameter("must hold an object of inputs", param_hint="--inputs-file")
        given.update(data)
    given.update({k: v for k, v in parsed.items() if v is not None})
    literals = build_inputs(obj, iface, lp, given)
    eng = make_engine(backend, backend_option)
    from flytelike.cli._interrupt import Interrupts
    from flytelike.cli._progress import Progress
    from flytelike.engine import new_run_name

    run_name = run_name or new_run_name()  # (known before it starts: Ctrl-C aborts it by name)
    with Progress(run_name) as progress, Interrupts(run_name) as interrupts:
        try:
            run = eng.run_literals(
                closure,
                literals,
                name=run_name,
                overwrite_cache=overwrite_cache or None,
                raw_data_path=raw_data_path,
                on_event=progress.callback,
                py_iface=getattr(obj, "python_interface", None),
                project=project,
                domain=domain,
            )
        except FlytelikeError as e:
            raise click.ClickException(str(e)) from e
    interrupts.exit_if_aborted(run, eng)
    finish(run, iface, verbose)


@click.command("resume")
@click.argument("run_name")
@verbose_option()
def resume_command(run_name: str, verbose: bool) -> None:
    """Run failed or interrupted run RUN_NAME again, reusing every action that succeeded."""
    from flytelike import engine as eng
    from flytelike.cli._interrupt import Interrupts
    from flytelike.cli._progress import Progress
    from flytelike.engine import EngineError

    e = eng.default_engine()
    with Progress(run_name) as progress, Interrupts(run_name) as interrupts:
        try:
            run = e.resume(run_name, on_event=progress.callback)
        except EngineError as err:
            raise click.ClickException(str(err)) from err
    interrupts.exit_if_aborted(run, e)
    finish(run, run._interface(), verbose)
