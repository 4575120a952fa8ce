"""The UI's HTTP server (stdlib ``ThreadingHTTPServer``): pages, a JSON API and three actions.

Routes (stable URLs)::

    GET  /                                  runs (filters: phase, entity, project, domain, since
                                            seconds)
    GET  /runs/<run>                        a run: graph coloured by phase, timeline, buttons
    GET  /runs/<run>/actions/<action>       an action: attempts, error, inputs, outputs, logs
    GET  /api/runs[?phase=&entity=&project=&domain=&since=&limit=]   the runs list as JSON
    GET  /api/runs/<run>                    a run as JSON
    GET  /api/runs/<run>/actions/<action>   an action as JSON
    GET  /api/runs/<run>/report             the run's self-contained HTML report
    POST /api/runs/<run>/abort | resume | signal   (JSON body; signal: {"name", "value"})

The server writes nothing itself: abort, resume and signal call the engine's API
(``Engine.abort``/``resume``/``signal``), as the CLI does. It binds to loopback unless told
otherwise, and any other address needs a token, sent as ``Authorization: Bearer <token>``, a
``flytelike_token`` cookie, or once as ``?token=`` (which sets the cookie). POSTs also need the
``X-Flytelike`` header, which a cross-site form cannot send.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from flytelike.engine import Engine
from flytelike.errors import ConfigurationError, FlytelikeError
from flytelike.ui import _html, _model
from flytelike.ui._report import render_report

LOOPBACK_NAMES = ("localhost",)


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class _Handler(BaseHTTPRequestHandler):
    server: UIServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet unless asked
        if self.server.verbose:
            super().log_message(format, *args)

    # ---------------------------------------------------------------- plumbing
    def _send(
        self, status: int, body: str | bytes, ctype: str, headers: dict[str, str] | None = None
    ) -> None:
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _json(self, status: int, value: Any) -> None:
        self._send(status, json.dumps(value, default=str), "application/json")

    def _html(self, status: int, page: str) -> None:
        self._send(status, page, "text/html; charset=utf-8")

    def _authorised(self, query: dict[str, list[str]]) -> bool:
        token = self.server.token
        if not token:
            return True
        offered = ""
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Bearer "):
            offered = auth[7:]
        for part in self.headers.get("Cookie", "").split(";"):
            k, _, v = part.strip().partition("=")
            if k == "flytelike_token":
                offered = offered or v
        offered = offered or (query.get("token") or [""])[0]
        return hmac.compare_digest(offered.encode(), token.encode())

    def _route(self) -> tuple[list[str], dict[str, list[str]]] | None:
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        if not self._authorised(query):
            self._json(HTTPStatus.UNAUTHORIZED, {"error": "a token is required (?token=...)"})
            return None
        if self.server.token and "token" in query and self.command == "GET":
            # Trade the query token for a cookie so later links and polls carry it.
            cookie = f"flytelike_token={self.server.token}; HttpOnly; SameSite=Strict; Path=/"
            self._send(
                HTTPStatus.SEE_OTHER, "", "text/plain", {"Location": url.path, "Set-Cookie": cookie}
            )
            return None
        parts = [unquote(p) for p in url.path.split("/") if p]
        return parts, query

    # ---------------------------------------------------------------- GET
    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        routed = self._route()
        if routed is None:
            return
        parts, query = routed
        try:
            self._get(parts, query)
        except _model.NotFound as e:
            if parts[:1] == ["api"]:
                self._json(HTTPStatus.NOT_FOUND, {"error": str(e)})
            else:
                self._html(HTTPStatus.NOT_FOUND, _html.not_found(str(e)))

    def _filters(self, query: dict[str, list[str]]) -> dict[str, str]:
        keys = ("phase", "entity", "project", "domain", "since")
        return {k: (query.get(k) or [""])[0] for k in keys}

    def _runs(self, query: dict[str, list[str]]) -> list[dict[str, Any]]:
        f = self._filters(query)
        since = time.time() - float(f["since"]) if f["since"].isdigit() else None
        limit = (
            int((query.get("limit") or ["100"])[0])
            if (query.get("limit") or [""])[0].isdigit()
            else 100
        )
        return _model.list_runs(
            self.server.engine,
            phase=f["phase"],
            entity=f["entity"],
            project=f["project"],
            domain=f["domain"],
            since=since,
            limit=min(limit, 1000),
        )

    def _get(self, parts: list[str], query: dict[str, list[str]]) -> None:
        engine = self.server.engine
        if not parts:
            self._html(HTTPStatus.OK, _html.runs_page(self._runs(query), self._filters(query)))
        elif parts[0] == "static" and len(parts) == 2 and parts[1] in ("ui.css", "ui.js"):
            ctype = "text/css" if parts[1].endswith(".css") else "text/javascript"
            self._send(HTTPStatus.OK, _html.asset(parts[1]), f"{ctype}; charset=utf-8")
        elif parts[0] == "runs" and len(parts) == 2:
            self._html(HTTPStatus.OK, _html.run_page(_model.run_detail(engine, parts[1])))
        elif (
            parts[0] == "runs" and len(parts) == 5 and parts[2] == "actions" and parts[4] == "deck"
        ):
            # The task's own HTML, shown in a sandboxed frame: no script, no same-origin access.
            page = _model.deck_html(engine, parts[1], parts[3])
            csp = {
                "Content-Security-Policy": "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"
            }
            self._send(HTTPStatus.OK, page, "text/html; charset=utf-8", csp)
        elif parts[0] == "runs" and len(parts) == 4 and parts[2] == "actions":
            detail = _model.action_detail(engine, parts[1], parts[3])
            self._html(HTTPStatus.OK, _html.action_page(detail))
        elif parts[:2] == ["api", "runs"] and len(parts) == 2:
            runs = self._runs(query)
            if (query.get("format") or [""])[0] == "rows":
                self._html(HTTPStatus.OK, _html.runs_rows(runs))
            else:
                self._json(HTTPStatus.OK, runs)
        elif parts[:2] == ["api", "runs"] and len(parts) == 3:
            self._json(HTTPStatus.OK, _model.run_detail(engine, parts[2]))
        elif parts[:2] == ["api", "runs"] and len(parts) == 4 and parts[3] == "report":
            self._html(HTTPStatus.OK, render_report(engine, parts[2]))
        elif parts[:2] == ["api", "runs"] and len(parts) == 5 and parts[3] == "actions":
            self._json(HTTPStatus.OK, _model.action_detail(engine, parts[2], parts[4]))
        else:
            raise _model.NotFound(f"no page at {self.path!r}; the runs list is at /")

    # ---------------------------------------------------------------- POST
    def do_POST(self) -> None:
        routed = self._route()
        if routed is None:
            return
        parts, _ = routed
        if self.headers.get("X-Flytelike") != "1":
            self._json(
                HTTPStatus.FORBIDDEN, {"error": "POST requests need the X-Flytelike: 1 header"}
            )
            return
        if (
            parts[:2] != ["api", "runs"]
            or len(parts) != 4
            or parts[3] not in ("abort", "resume", "signal")
        ):
            self._json(HTTPStatus.NOT_FOUND, {"error": f"no action at {self.path!r}"})
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > 1_000_000:
            self._json(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {"error": "request body over 1 MB"})
            return
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
            if not isinstance(body, dict):
                raise ValueError("the body must be a JSON object")
        except ValueError as e:
            self._json(HTTPStatus.BAD_REQUEST, {"error": f"bad JSON body: {e}"})
            return
        name, verb = parts[2], parts[3]
        engine = self.server.engine
        try:
            if verb == "abort":
                engine.abort(name, body.get("action") or None, reason="aborted from the UI")
                message = f"run {name} aborted"
            elif verb == "resume":
                engine.resume(name, wait=False)
                message = f"run {name} resumed"
            else:
                if "name" not in body or "value" not in body:
                    raise ValueError('a signal needs {"name": ..., "value": ...}')
                engine.signal(name, str(body["name"]), body["value"])
                message = f"signal {body['name']} sent to run {name}"
        except (FlytelikeError, LookupError, ValueError) as e:
            status = HTTPStatus.NOT_FOUND if isinstance(e, LookupError) else HTTPStatus.CONFLICT
            self._json(status, {"error": str(e)})
            return
        self._json(HTTPStatus.OK, {"message": message})


class UIServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self, engine: Engine, host: str, port: int, token: str = "", verbose: bool = False
    ):
        if not is_loopback(host) and not token:
            raise ConfigurationError(
                f"the UI would listen on {host!r}, which is not a loopback address, without a "
                "token; pass --token (or set FLYTELIKE_UI_TOKEN), or use --host 127.0.0.1"
            )
        self.engine = engine
        self.token = token
        self.verbose = verbose
        super().__init__((host, port), _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        shown = host.decode() if isinstance(host, bytes) else host
        return f"http://{shown}:{port}/"

    def start(self) -> threading.Thread:
        """Serve in a daemon thread (tests, notebooks); ``shutdown()`` stops it."""
        t = threading.Thread(target=self.serve_forever, name="flytelike-ui", daemon=True)
        t.start()
        return t
