"""flyte 2's human-in-the-loop conditions: ``new_condition``, ``ConditionWebhook``, ``Condition``.

::

    cond = await flytelike.new_condition.aio("approve", prompt="Ship it?", data_type=bool)
    if await cond.wait.aio():      # or cond.wait() in a sync task
        ...

Contracts (the engine side is ``flytelike.engine._conditions``; read its docstring for how a
condition is recorded, named, signalled and timed):

- ``new_condition(name, /, prompt="Approve?", prompt_type="text", data_type=bool,
  description="", timeout=None, webhook=None)`` (also ``await new_condition.aio(...)``): inside a
  running task it creates the condition as a recorded child action of the task, waiting for a
  signal. Outside a task it only builds the object, as flyte does; waiting for it there raises
  ``NotInTaskContextError``. ``data_type`` is ``bool``, ``int``, ``float`` or ``str``
  (``InterfaceError``, a ``TypeError``, else); ``timeout`` is a ``timedelta``, seconds, or a
  duration string, and must be positive (``DefinitionError``, a ``ValueError``);
  ``prompt_type`` is ``"text"`` or ``"markdown"``; ``prompt``, ``prompt_type`` and
  ``description`` are the condition action's inputs (``flytelike runs get``, the UI, and
  ``flytelike.remote.Condition``). Names are unique in a run (``ConditionAlreadyExistsError``).
- ``cond.wait()`` / ``await cond.wait.aio()`` returns the signalled value as ``data_type``; raises
  ``ConditionTimedoutError`` past the timeout, ``ConditionFailedError`` when the value it was
  signalled with does not convert, ``ActionAbortedError`` when the condition's action is aborted.
- ``ConditionWebhook(url, payload=None)``: when the condition is created, ``payload`` is POSTed
  as JSON to ``url`` (http or https, stdlib ``urllib``, 10 s timeout) with every
  ``{callback_uri}`` in its strings (nested in dicts and lists too) replaced by the condition's
  URI ``flytelike://runs/<run>/conditions/<name>``, which ``flytelike runs signal URI VALUE``
  signals. A webhook that fails is logged on ``flytelike.system`` (a warning) and the condition
  waits on, as flyte's local run does; no body is sent when ``payload`` is ``None``.
"""

from __future__ import annotations

import asyncio
import datetime as _dt
import json
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, Literal

from flytelike.errors import DefinitionError, InterfaceError, NotInTaskContextError

PromptType = Literal["text", "markdown"]
WEBHOOK_TIMEOUT_SECONDS = 10.0
_DATA_TYPES = (bool, int, float, str)


@dataclass
class ConditionWebhook:
    """Where to POST when a condition is created; see the module docstring."""

    url: str
    payload: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.url, str) or not self.url.startswith(("http://", "https://")):
            raise DefinitionError(
                f"ConditionWebhook(url={self.url!r}): the url must be an http:// or https:// URL"
            )
        if self.payload is not None:
            if not isinstance(self.payload, dict):
                raise DefinitionError(
                    f"ConditionWebhook(payload=...): a dict of JSON values, got "
                    f"{type(self.payload).__name__}"
                )
            try:
                json.dumps(self.payload)
            except (TypeError, ValueError) as e:
                raise DefinitionError(
                    f"ConditionWebhook(payload=...): the payload must be JSON-serialisable: {e}"
                ) from None

    def body(self, callback_uri: str) -> bytes | None:
        """The request body: the payload as JSON with ``{callback_uri}`` replaced."""
        if self.payload is None:
            return None
        return json.dumps(_substitute(self.payload, callback_uri)).encode()


def _substitute(value: Any, uri: str) -> Any:
    if isinstance(value, str):
        return value.replace("{callback_uri}", uri)
    if isinstance(value, dict):
        return {k: _substitute(v, uri) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_substitute(v, uri) for v in value]
    return value


class _SyncAndAio:
    """A coroutine function callable both ways: ``f(...)`` blocks, ``await f.aio(...)``."""

    def __init__(self, fn: Callable[..., Coroutine[Any, Any, Any]]) -> None:
        self._fn = fn
        self.__doc__ = fn.__doc__
        self.__name__ = fn.__name__

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return _blocking(lambda: self._fn(*args, **kwargs))

    def aio(self, *args: Any, **kwargs: Any) -> Coroutine[Any, Any, Any]:
        return _on_run_loop(lambda: self._fn(*args, **kwargs))


def _blocking(make: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    from flytelike.engine import _conditions, call_blocking  # (not on the face: loads on first use)

    if _conditions.live():
        return call_blocking(make)
    return _run_here(make)


async def _on_run_loop(make: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    from flytelike.engine import (  # (not on the face: loads on first use)
        _conditions,
        call_blocking,
        can_child_call,
    )

    if can_child_call() or not _conditions.live():
        return await make()
    return await asyncio.to_thread(call_blocking, make)  # (another loop: use one of the run's)


def _run_here(make: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    """Outside a live run: run the coroutine to completion (there is nothing to wait on)."""
    coro = make()
    try:
        coro.send(None)
    except StopIteration as done:
        return done.value
    coro.close()
    raise RuntimeError("a condition outside a running task awaited something")  # (never)


@dataclass
class Condition:
    """A condition of a run (``new_condition`` makes it); ``wait()`` / ``await wait.aio()``."""

    name: str
    prompt: str = "Approve?"
    prompt_type: PromptType = "text"
    data_type: type = bool
    description: str = ""
    timeout: _dt.timedelta | int | float | str | None = None
    webhook: ConditionWebhook | None = None
    _opened: Any = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        where = f"new_condition({self.name!r})"
        if not isinstance(self.name, str) or not self.name or "/" in self.name:
            raise DefinitionError(
                f"new_condition(name={self.name!r}): the name must be a non-empty string "
                "without '/'"
            )
        if self.data_type not in _DATA_TYPES or not isinstance(self.data_type, type):
            raise InterfaceError(
                f"{where}: data_type must be bool, int, float or str, got {self.data_type!r}"
            )
        if self.prompt_type not in ("text", "markdown"):
            raise DefinitionError(
                f"{where}: prompt_type must be 'text' or 'markdown', got {self.prompt_type!r}"
            )
        for attr in ("prompt", "description"):
            if not isinstance(getattr(self, attr), str):
                raise DefinitionError(f"{where}: {attr} must be a string")
        if self.webhook is not None and not isinstance(self.webhook, ConditionWebhook):
            raise DefinitionError(
                f"{where}: webhook must be a ConditionWebhook(url=..., payload=...), "
                f"got {type(self.webhook).__name__}"
            )
        self._timeout_seconds: float | None = None
        if self.timeout is not None:
            from flytelike._settings.durations import to_seconds

            seconds = to_seconds(self.timeout, f"{where}: timeout")
            if seconds <= 0:
                raise DefinitionError(f"{where}: timeout must be positive, got {self.timeout!r}")
            self._timeout_seconds = seconds

    @property
    def wait(self) -> _SyncAndAio:
        """Wait for the signal: ``cond.wait()`` blocks, ``await cond.wait.aio()``."""
        return _SyncAndAio(self._wait)

    async def _wait(self) -> Any:
        from flytelike.engine import _conditions  # (not on the face: loads on first use)

        if self._opened is None:
            raise NotInTaskContextError(
                "NotInTaskContextError",
                f"condition {self.name!r} was created outside a running task, where a condition "
                "cannot be waited for; create and wait for it inside a task of a run "
                "(flytelike.run(task))",
            )
        return await _conditions.wait(self._opened)


async def _new_condition(
    name: str,
    /,
    prompt: str = "Approve?",
    prompt_type: PromptType = "text",
    data_type: type = bool,
    description: str = "",
    timeout: _dt.timedelta | int | float | str | None = None,
    webhook: ConditionWebhook | None = None,
) -> Condition:
    """Create condition ``name`` of the running task's run; see the module docstring."""
    from flytelike.engine import _conditions  # (not on the face: loads on first use)

    cond = Condition(name, prompt, prompt_type, data_type, description, timeout, webhook)
    if not _conditions.live():
        return cond  # (outside a task: only the object, as flyte)
    cond._opened = _conditions.create(
        name, prompt, prompt_type, description, data_type, cond._timeout_seconds
    )
    if webhook is not None and not cond._opened.signalled:
        uri = _conditions.callback_uri(cond._opened.run_name, name)
        await asyncio.to_thread(_post, webhook, uri, name)
    return cond


def _post(webhook: ConditionWebhook, uri: str, name: str) -> None:
    import urllib.request

    from flytelike.backends import system_logger

    body = webhook.body(uri)
    request = urllib.request.Request(
        webhook.url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "User-Agent": "flytelike"},
    )
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as resp:
            system_logger.info("webhook of condition %r: HTTP %s", name, resp.status)
    except Exception as e:  # (a webhook that fails never fails the task: the condition waits on)
        system_logger.warning("webhook of condition %r to %s failed: %s", name, webhook.url, e)


new_condition = _SyncAndAio(_new_condition)
