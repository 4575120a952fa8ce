"""``Provider``: what one product's webhooks need (its secret's variable, how to verify and
parse a delivery, an optional setup handshake), and the verification helpers."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from flytelike.extras.webhooks._event import SignatureError, WebhookEvent

VerifyFn = Callable[[bytes, Mapping[str, str], str], bool]
ParseFn = Callable[[Mapping[str, str], bytes], WebhookEvent]
HandshakeFn = Callable[[Mapping[str, str], bytes], "dict[str, Any] | None"]


@dataclasses.dataclass(frozen=True)
class Provider:
    """One product: ``name`` (its route ``/webhook/<name>``), ``secret_env`` (the variable
    holding its signing secret), ``verify(body, headers, secret)``, ``parse(headers, body)``,
    an optional ``handshake(headers, body)`` answered before verification, ``signed`` and a
    ``setup_hint`` for the dashboard."""

    default_secret_env: ClassVar[str] = ""

    name: str
    secret_env: str
    verify: VerifyFn
    parse: ParseFn
    handshake: HandshakeFn | None = None
    signed: bool = True
    setup_hint: str = ""


def constant_time_equals(a: str, b: str) -> bool:
    """``a == b`` in constant time (compared as UTF-8 bytes, never raising)."""
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def hex_hmac_sha256(secret: str, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``body`` with ``secret``."""
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def lower_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The headers with lower-case names."""
    return {k.lower(): v for k, v in headers.items()}


def json_body(body: bytes) -> dict[str, Any]:
    """A JSON body as a dict (a non-object as ``{"data": ...}``); ``SignatureError`` when it is
    not JSON."""
    try:
        data = json.loads(body.decode("utf-8")) if body else {}
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise SignatureError(f"invalid webhook body: {e}") from e
    return data if isinstance(data, dict) else {"data": data}
