"""Backend options: settings for the selected backend's factory, from any front end.

One rule for every backend: the options are the keyword parameters of the backend's factory
(``RayBackend(address=..., num_cpus=...)``, ``LocalBackend(mode=...)``). They come from

- the command line: ``flytelike run --backend-option NAME=VALUE`` (repeatable);
- the environment: ``FLYTELIKE_BACKEND_OPTIONS``, either options separated by spaces as a shell
  splits words (``address=ray://head:10001 num_cpus=4``; quote a value holding spaces) or a
  JSON object (``{"address": "ray://head:10001", "num_cpus": 4}``); ``backend_options`` in
  ``[tool.flytelike]`` of ``pyproject.toml`` takes a table;
- Python: ``flytelike.run(..., backend_options={...})``, ``with_runcontext(backend_options=...)``,
  ``EngineConfig(backend_options=...)``, ``get_backend(name, **options)``.

The command line wins over the environment, option by option. A written value (command line,
or the shell-word form of the variable) is an ``OptionText``: it stays text for a parameter
annotated ``str`` (``address=127.0.0.1:6379``), is a boolean for one annotated ``bool``
(``true``/``false``, ``1``/``0``, ``yes``/``no``, ``on``/``off``), and is otherwise read as
JSON when it is valid JSON (``4``, ``0.5``, ``null``, ``{"k": 1}``), else kept as text. An
option the factory does not take is a ``ConfigurationError`` naming it and the backend's known
options, raised before the backend is built.

What does not live here: finding the factory by name (``_discovery``).
"""

from __future__ import annotations

import inspect
import json
import shlex
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flytelike.errors import ConfigurationError

ENV = "FLYTELIKE_BACKEND_OPTIONS"
_HOW = (
    "set options with --backend-option NAME=VALUE, FLYTELIKE_BACKEND_OPTIONS or "
    "backend_options={...}"
)
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


class OptionText(str):
    """A backend option's value as written (command line, environment): converted against the
    factory's parameter when the backend is built (see the module docstring)."""

    __slots__ = ()


def parse_option(text: str, where: str) -> tuple[str, OptionText]:
    """``NAME=VALUE`` -> ``(NAME, OptionText(VALUE))``; ``where`` names the source in errors."""
    name, eq, value = text.partition("=")
    name = name.strip()
    if not eq or not name.isidentifier():
        raise ConfigurationError(
            f"{where}: {text!r} is not a backend option: expected NAME=VALUE with NAME a "
            "parameter of the backend (e.g. address=ray://head:10001 or num_cpus=4)"
        )
    return name, OptionText(value)


def parse_options(words: Iterable[str], where: str) -> dict[str, Any]:
    """Several ``NAME=VALUE`` options (a later one wins over an earlier one of the same name)."""
    return dict(parse_option(w, where) for w in words)


def options_from_env(value: str, var: str = ENV) -> dict[str, Any]:
    """The options held by environment variable ``var`` (either form, see the module docstring)."""
    text = value.strip()
    if not text:
        return {}
    where = f"environment variable {var}"
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError as e:
            raise ConfigurationError(
                f"{where}={value!r} is not valid: it starts with '{{' but is not a JSON object "
                f"({e}); write a JSON object or NAME=VALUE words separated by spaces"
            ) from None
        if not isinstance(data, dict):
            raise ConfigurationError(f"{where}={value!r} is not valid: expected a JSON object")
        return {str(k): v for k, v in data.items()}
    try:
        words = shlex.split(text)
    except ValueError as e:
        raise ConfigurationError(
            f"{where}={value!r} is not valid: {e}; quote values as in a shell "
            "(init_options='{\"k\": 1}')"
        ) from None
    return parse_options(words, where)


def _signature(factory: Callable[..., Any]) -> inspect.Signature | None:
    try:
        return inspect.signature(factory)
    except (TypeError, ValueError):  # a builtin or C callable: it checks its own arguments
        return None


def known_options(factory: Callable[..., Any]) -> list[str] | None:
    """The keyword parameters ``factory`` takes (sorted); ``None`` when it takes any keyword."""
    sig = _signature(factory)
    if sig is None:
        return None
    names = []
    for p in sig.parameters.values():
        if p.kind is p.VAR_KEYWORD:
            return None
        if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD):
            names.append(p.name)
    return sorted(names)


def _annotation_words(annotation: Any) -> set[str]:
    """The type names an annotation allows besides ``None`` (``"str | None"`` -> {"str"})."""
    if isinstance(annotation, str):
        text = annotation.replace("Optional[", "").replace("]", "")
        return {w.strip() for w in text.split("|")} - {"None", ""}
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return {getattr(a, "__name__", str(a)) for a in typing.get_args(annotation)} - {"NoneType"}
    return {getattr(annotation, "__name__", str(annotation))}


def _convert(name: str, text: OptionText, param: inspect.Parameter | None, backend: str) -> Any:
    raw = str(text)
    allowed = _annotation_words(param.annotation) if param is not None else set()
    if param is not None and param.annotation is not param.empty:
        if allowed == {"str"}:
            return raw
        if allowed == {"bool"}:
            word = raw.strip().lower()
            if word in _TRUE or word in _FALSE:
                return word in _TRUE
            raise ConfigurationError(
                f"backend {backend!r}: option {name}={raw!r} is not valid: expected a boolean "
                f"(one of {', '.join(_TRUE + _FALSE)})"
            )
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def bind_options(
    backend: str, factory: Callable[..., Any], options: Mapping[str, Any], what: str = ""
) -> dict[str, Any]:
    """``options`` checked against ``factory``'s parameters and converted (``OptionText``
    values); raises ``ConfigurationError`` naming an unknown option and the known ones.
    ``what`` describes the backend in messages (default: the factory's qualified name)."""
    if not options:
        return {}
    what = what or f"{getattr(factory, '__module__', '?')}.{getattr(factory, '__qualname__', '?')}"
    known = known_options(factory)
    if known is not None:
        unknown = sorted(set(options) - set(known))
        if unknown:
            listed = ", ".join(known) if known else "none"
            raise ConfigurationError(
                f"backend {backend!r} ({what}) has no option "
                f"{', '.join(repr(u) for u in unknown)}; its options are: {listed}; {_HOW}"
            )
    sig = _signature(factory)
    params = sig.parameters if sig is not None else {}
    return {
        k: _convert(k, v, params.get(k), backend) if isinstance(v, OptionText) else v
        for k, v in options.items()
    }
