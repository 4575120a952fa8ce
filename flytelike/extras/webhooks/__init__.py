"""flyte 2.12's webhook machinery (``flyte.extras.webhooks``), locally: ``WebhookAppEnvironment``
(a dashboard and a verified receiver per ``Provider``, served by ``flytelike.serve``; handlers
registered with ``on_event``), ``WebhookEvent`` (a delivery, normalised; ``dedupe_key()``),
``EventType`` (event constants), the verification helpers (``constant_time_equals``,
``hex_hmac_sha256``, ``lower_headers``, ``json_body``) and ``run_once``/``blocking_run`` (one
run per event key, deduplicated through a ledger in the run store's home). The app needs
``fastapi`` and ``uvicorn`` (``pip install 'flytelike[app]'``); importing this package does
not."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flytelike.extras.webhooks._event import (
    EventType,
    SignatureError,
    WebhookEvent,
    WebhookPluginError,
)
from flytelike.extras.webhooks._provider import (
    HandshakeFn,
    ParseFn,
    Provider,
    VerifyFn,
    constant_time_equals,
    hex_hmac_sha256,
    json_body,
    lower_headers,
)
from flytelike.extras.webhooks._run_once import (
    DUPE_LABEL_KEY,
    RunOnceResult,
    blocking_run,
    run_once,
)

if TYPE_CHECKING:
    from flytelike.extras.webhooks._app import EventHandler, WebhookAppEnvironment

__all__ = [
    "DUPE_LABEL_KEY",
    "EventHandler",
    "EventType",
    "HandshakeFn",
    "ParseFn",
    "Provider",
    "RunOnceResult",
    "SignatureError",
    "VerifyFn",
    "WebhookAppEnvironment",
    "WebhookEvent",
    "WebhookPluginError",
    "blocking_run",
    "constant_time_equals",
    "hex_hmac_sha256",
    "json_body",
    "lower_headers",
    "run_once",
]


def __getattr__(name: str) -> Any:
    if name in ("WebhookAppEnvironment", "EventHandler"):  # (the app needs fastapi)
        from flytelike.extras.webhooks import _app

        return getattr(_app, name)
    raise AttributeError(f"module 'flytelike.extras.webhooks' has no attribute {name!r}")
