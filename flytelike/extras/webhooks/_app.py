"""``WebhookAppEnvironment``: one app with a dashboard and a verified receiver at
``/webhook/<provider>`` for the providers it is given, served locally by ``flytelike.serve`` (a
FastAPI app under uvicorn, ``pip install 'flytelike[app]'``).

A delivery to ``POST <webhook_prefix>/<name>``: an unknown provider is ``404``; a provider's
``handshake`` is answered first; with ``require_signature`` (the default) the provider's secret
is read from the variable ``secret_env`` (else from the local secret store, ``flytelike secrets
create <secret_env>``; neither: ``503`` saying so), and a delivery its ``verify`` rejects is
``401``; ``parse`` failing is ``400``. The event is kept among the ``max_recent_events`` shown at
``/`` and ``/api/events``; one whose ``scope`` is not in ``scopes`` (when given) is acknowledged
and not dispatched; otherwise every handler registered with ``on_event`` whose pattern matches
(``""`` every event, a type, or ``type.action``) is awaited, and the answer lists what ran, their
results and errors. ``/api/status`` describes the app, ``/healthz`` answers ``healthy``.
"""

from __future__ import annotations

import collections
import html
import logging
import os
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from flytelike.app import Link
from flytelike.app.extras import FastAPIAppEnvironment
from flytelike.errors import DefinitionError
from flytelike.extras.webhooks._event import EventType, WebhookEvent
from flytelike.extras.webhooks._provider import Provider

EventHandler = Callable[[WebhookEvent], Awaitable[Any]]
_LOG = logging.getLogger("flytelike")


def _secret(name: str) -> str | None:
    value = os.environ.get(name)
    if value:
        return value
    from flytelike._settings.secret_store import SecretStore

    store = SecretStore()
    try:
        return store.get(name).decode() if store.exists(name) else None
    except Exception:  # (a name the store cannot hold is no secret of it)
        return None


class WebhookAppEnvironment(FastAPIAppEnvironment):
    """The webhook app (see the module docstring); other settings as ``AppEnvironment``'s."""

    def __init__(
        self,
        name: str,
        *,
        providers: Sequence[Provider] = (),
        scopes: Sequence[str] = (),
        webhook_prefix: str = "/webhook",
        require_signature: bool = True,
        max_recent_events: int = 200,
        event_handlers: Sequence[tuple[str, EventHandler]] = (),
        **settings: Any,
    ) -> None:
        if not providers:
            raise DefinitionError(
                f"WebhookAppEnvironment({name!r}): configure at least one provider "
                "(providers=[...], flytelike.extras.webhooks.Provider objects)"
            )
        bad = [p for p in providers if not isinstance(p, Provider)]
        if bad:
            raise DefinitionError(f"providers must be Provider objects, got {bad!r}")
        names = [p.name for p in providers]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise DefinitionError(f"more than one provider named {twice}; each name owns one route")
        self.providers = list(providers)
        self.scopes = list(scopes)
        self.webhook_prefix = webhook_prefix.rstrip("/")
        self.require_signature = bool(require_signature)
        self.max_recent_events = int(max_recent_events)
        self.event_handlers: list[tuple[str, EventHandler]] = list(event_handlers)
        self.recent_events: collections.deque[WebhookEvent] = collections.deque(
            maxlen=self.max_recent_events
        )
        secrets = list(settings.pop("secrets", None) or [])
        declared = {getattr(s, "key", s) for s in secrets}
        secrets += [p.secret_env for p in self.providers if p.secret_env not in declared]
        super().__init__(name, app=self._build_app(), secrets=secrets, **settings)
        self.links = [Link(path="/", title="Setup Dashboard", is_relative=True), *self.links]

    # ------------------------------------------------------------------ handlers
    def on_event(
        self, event_type: str | type[EventType] = "", *, action: str | None = None
    ) -> Callable[[EventHandler], EventHandler]:
        """Register an async handler for events of ``event_type`` (a constant, an
        ``EventType`` class for its ``ANY``, a string; ``""`` every event), narrowed to one
        ``action`` (a leading ``/`` is dropped)."""
        if isinstance(event_type, type) and issubclass(event_type, EventType):
            if "ANY" not in event_type.__members__:
                raise DefinitionError(
                    f"{event_type.__name__} has no ANY member; pass one of its constants instead"
                )
            pattern = event_type.__members__["ANY"].value
        else:
            pattern = str(event_type)
        if action is not None:
            if not pattern or "." in pattern:
                raise DefinitionError(
                    f"on_event(action={action!r}) qualifies a bare event type, got {pattern!r}"
                )
            pattern = f"{pattern}.{action.lstrip('/')}"

        def register(fn: EventHandler) -> EventHandler:
            self.event_handlers.append((pattern, fn))
            return fn

        return register

    @staticmethod
    def _matches(pattern: str, event: WebhookEvent) -> bool:
        return not pattern or pattern in (event.event_type, event.qualified_type)

    # ------------------------------------------------------------------ the app
    def _build_app(self) -> Any:
        from fastapi import FastAPI, Request
        from fastapi.responses import HTMLResponse

        app = FastAPI(title="webhooks")

        @app.get("/healthz")
        async def healthz() -> dict[str, str]:
            return {"status": "healthy"}

        @app.get("/api/status")
        async def status() -> dict[str, Any]:
            return self._status()

        @app.get("/api/events")
        async def events() -> list[dict[str, Any]]:
            return [
                e.model_dump(mode="json", exclude={"payload"}) for e in reversed(self.recent_events)
            ]

        async def dashboard(request: Request) -> str:
            return self._dashboard(str(request.base_url).rstrip("/"))

        async def receive(request: Request) -> Any:
            return await self._receive(request.path_params["provider"], request)

        # (this module's annotations are strings, which FastAPI cannot resolve in a closure)
        dashboard.__annotations__ = {"request": Request, "return": str}
        receive.__annotations__ = {"request": Request}
        app.add_api_route("/", dashboard, methods=["GET"], response_class=HTMLResponse)
        app.add_api_route(f"{self.webhook_prefix}/{{provider}}", receive, methods=["POST"])
        return app

    def _status(self) -> dict[str, Any]:
        return {
            "app": self.name,
            "require_signature": self.require_signature,
            "scopes": list(self.scopes),
            "handlers": [pattern or "*" for pattern, _ in self.event_handlers],
            "recent_event_count": len(self.recent_events),
            "providers": [
                {
                    "name": p.name,
                    "path": f"{self.webhook_prefix}/{p.name}",
                    "secret_env": p.secret_env,
                    "secret_mounted": _secret(p.secret_env) is not None,
                    "signed": p.signed,
                }
                for p in self.providers
            ],
        }

    async def _receive(self, name: str, request: Any) -> Any:
        from fastapi import HTTPException
        from fastapi.responses import JSONResponse

        provider = next((p for p in self.providers if p.name == name), None)
        if provider is None:
            raise HTTPException(
                404, f"provider {name!r} is not configured on this app; configured: "
                f"{sorted(p.name for p in self.providers)}",
            )  # fmt: skip
        body = await request.body()
        headers = dict(request.headers)
        if provider.handshake is not None:
            answer = provider.handshake(headers, body)
            if answer is not None:
                return JSONResponse(answer)
        if self.require_signature:
            secret = _secret(provider.secret_env)
            if not secret:
                raise HTTPException(
                    503, f"{provider.secret_env} is not set; refusing {provider.name} deliveries: "
                    f"set it, or store it (flytelike secrets create {provider.secret_env}), or "
                    "use require_signature=False for local development",
                )  # fmt: skip
            if not provider.verify(body, headers, secret):
                raise HTTPException(401, f"invalid {provider.name} signature")
        try:
            event = provider.parse(headers, body)
        except Exception as e:
            raise HTTPException(400, f"could not parse {provider.name} webhook: {e}") from e
        self.recent_events.append(event)
        if self.scopes and event.scope not in self.scopes:
            return JSONResponse({"ok": True, "skipped": f"scope {event.scope} not in allowlist"})
        results: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for pattern, handler in self.event_handlers:
            if not self._matches(pattern, event):
                continue
            label = getattr(handler, "__name__", repr(handler))
            try:
                results[label] = await handler(event)
            except Exception as e:  # (reported in the answer; the other handlers still run)
                _LOG.exception("webhook handler %s failed for %s", label, event.qualified_type)
                errors[label] = str(e)
        return JSONResponse(
            {
                "ok": not errors,
                "provider": event.provider,
                "event": event.qualified_type,
                "resource_id": event.resource_id,
                "handlers_run": list(results),
                "results": results,
                "errors": errors,
            }
        )

    def _dashboard(self, base_url: str) -> str:
        esc = html.escape
        rows = "".join(
            f"<tr><td>{esc(p.name)}</td><td><code>{esc(base_url + self.webhook_prefix)}/"
            f"{esc(p.name)}</code></td><td>{esc(p.secret_env)}: "
            f"{'set' if _secret(p.secret_env) else 'not set'}</td><td>{esc(p.setup_hint)}</td></tr>"
            for p in self.providers
        )
        events = "".join(
            f"<li>{esc(e.provider)} {esc(e.qualified_type)} {esc(e.title or e.resource_id or '')}"
            "</li>"
            for e in reversed(self.recent_events)
        )
        scopes = ", ".join(esc(s) for s in self.scopes) or "all scopes (no allowlist)"
        return (
            f"<!doctype html><html><head><title>{esc(self.name)}</title></head><body>"
            f"<h1>{esc(self.name)}</h1><h2>Providers</h2><table>{rows}</table>"
            f"<p>Scopes: {scopes}</p><h2>Recent events</h2><ul>{events or '<li>none yet</li>'}"
            "</ul></body></html>"
        )
