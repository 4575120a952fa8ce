"""What ``flytelike run`` tells about a file's entities, and shell completion of its arguments.

- ``listing``: the tasks, workflows and launch plans of ``FILE_OR_MODULE`` with the first line of
  their docstrings, shown when ``flytelike run FILE`` is given no ENTITY.
- ``entity_help``, ``bool_options``: per-entity help shows the docstring and ``--flag / --no-flag``
  for bools (each input's description, from the docstring read by docstring_parser in
  ``flytelike.compiler._interface``, and its ``[required]`` marker are in ``_run._help``).
- ``complete_file``, ``complete_entity``: FILE_OR_MODULE completes as a file, ENTITY with the
  entity names of that file (imported when completion asks, output silenced, any failure giving
  no candidates: completion never crashes); ``_run.RunCommand`` adds the entity's input flags.

What does not live here: parsing input values and running (``_run``), importing (``_load``).
"""

from __future__ import annotations

import contextlib
import inspect
import io
from typing import Any

import click
from click.shell_completion import CompletionItem

from flytelike.ir import Interface


def _docstring(obj: Any) -> str:
    """The cleaned docstring of a task or workflow, or of a launch plan's workflow."""
    from flytelike._entities.launch_plan import LaunchPlan

    target = obj.workflow if isinstance(obj, LaunchPlan) else obj
    doc = getattr(getattr(target, "python_interface", None), "docstring", "") or ""
    return inspect.cleandoc(doc) if doc else ""


def summary(obj: Any) -> str:
    """The first line of ``obj``'s docstring ("" without one)."""
    return _docstring(obj).partition("\n")[0].strip()


def entities(module: Any) -> list[tuple[str, str, str]]:
    """``(name, kind, summary)`` of each public task, workflow and launch plan in ``module``,
    sorted by name (what ``load_entity`` accepts as ENTITY)."""
    found = []
    for name, value in sorted(vars(module).items()):
        # (a class, such as an imported ``LaunchPlan``, has these attributes too: not an entity)
        if name.startswith("_") or isinstance(value, type) or not hasattr(value, "template"):
            continue
        if not isinstance(getattr(value, "kind_label", None), str):
            continue
        found.append((name, value.kind_label, summary(value)))
    return found


def listing(target: str, module: Any) -> str:
    """The text ``flytelike run FILE`` shows without an ENTITY."""
    rows = entities(module)
    if not rows:
        return f"missing ENTITY: {target} defines no task, workflow or launch plan"
    width = max(len(name) for name, _, _ in rows)
    lines = [f"missing ENTITY: one of the entities of {target}:", ""]
    for name, kind, text in rows:
        lines.append(f"  {name:<{width}}  {kind:<11}  {text}".rstrip())
    lines += ["", f"Inputs of one: flytelike run {target} ENTITY --help"]
    return "\n".join(lines)


class BoolOption(click.Option):
    """A bool input: ``--flag`` (or ``--flag true|false``), shown as ``--flag / --no-flag``; the
    ``--no-flag`` spelling is a hidden option of its own (``negated``) that ``merge_negated``
    folds in, since click's ``--a/--b`` form cannot also take a value."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        record = super().get_help_record(ctx)
        if record is None:
            return None
        names = [n for n in self.opts if n.startswith("--")]
        return " / ".join([*names, *(_negated(n) for n in names)]), record[1]


def _negated(flag: str) -> str:
    return "--no-" + flag[2:]


def negated(name: str) -> str:
    """The parameter name of a bool input's ``--no-`` option."""
    return f"no__{name}"


def merge_negated(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` with each ``--no-flag`` given turned into ``flag=False``."""
    out = {k: v for k, v in values.items() if not k.startswith("no__")}
    for k, v in values.items():
        if k.startswith("no__") and v:
            out[k[4:]] = False
    return out


def bool_options(names: list[str], name: str, help: str) -> list[click.Option]:
    """The two options of bool input ``name``: ``--flag [true|false]`` and hidden ``--no-flag``."""
    return [
        BoolOption(
            [*names, name], type=click.BOOL, default=None, is_flag=False, flag_value=True, help=help
        ),
        click.Option(
            [*(_negated(n) for n in names), negated(name)], is_flag=True, default=None, hidden=True
        ),
    ]


def entity_help(entity_name: str, obj: Any, iface: Interface) -> str:
    """The help text above the options of ``flytelike run FILE ENTITY --help``."""
    doc = _description(_docstring(obj)) if obj is not None else ""
    head = f"Run {getattr(obj, 'kind_label', 'entity')} {entity_name}."
    # (\b before each paragraph: click keeps the docstring's own line breaks, which numpy and
    # Google sections need, instead of rewrapping it)
    body = "".join("\n\n\b\n" + para for para in doc.split("\n\n") if para.strip())
    inputs = (
        " Inputs marked [required] have no default." if iface.inputs else " It takes no inputs."
    )
    return head + inputs + body


def _description(doc: str) -> str:
    """The docstring without its parameter, returns and raises sections (each input's
    description is shown with its option instead); read by docstring_parser, as the
    interface's input descriptions are."""
    import docstring_parser

    try:
        parsed = docstring_parser.parse(doc)
    except docstring_parser.ParseError:
        return doc
    if not parsed.meta:
        return doc
    parts = [parsed.short_description, parsed.long_description]
    return "\n\n".join(p.strip() for p in parts if p and p.strip())


@contextlib.contextmanager
def _quiet() -> Any:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        yield


def _import_quietly(target: str) -> Any:
    """``target``'s module, or ``None`` when it cannot be imported (anything it raises, even
    ``SystemExit``, is swallowed: a completion must never print a traceback)."""
    from flytelike.cli._load import load_module

    try:
        with _quiet():
            return load_module(target)
    except (Exception, SystemExit):
        return None


def complete_entity(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    module = _import_quietly(ctx.params.get("file_or_module") or "")
    if module is None:
        return []
    try:
        rows = entities(module)
    except Exception:
        return []
    return [
        CompletionItem(n, help=text or kind) for n, kind, text in rows if n.startswith(incomplete)
    ]


def complete_file(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    # ("file": the shell completes paths itself, as click's File and Path types do)
    return [CompletionItem(incomplete, type="file")]
