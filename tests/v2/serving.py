"""Serve-and-fetch helpers for the app tests (``test_app*.py``, ``test_remote_app.py``,
``test_extras_webhooks.py``): a free local port, a JSON GET, whether a URL refuses connections,
and an in-process app server whose GET answers JSON (``json_server``, ``params_app``)."""

from __future__ import annotations

import json
import socket
import threading
import urllib.request
from collections.abc import Callable
from typing import Any

from flytelike import app


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (just now)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get_json(url: str) -> Any:
    """The JSON body of a GET of ``url`` (an HTTP error raises)."""
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read())


def refused(url: str) -> bool:
    """Whether a GET of ``url`` fails to connect (the app has stopped)."""
    try:
        urllib.request.urlopen(url, timeout=2)
    except OSError:
        return True
    return False


def json_server(env: app.AppEnvironment, answer: Callable[[str], Any]) -> threading.Event:
    """Make ``env``'s ``@env.server`` an HTTP server on its port whose GET of a path answers
    ``answer(path)`` as JSON; ``answer`` runs on the server's thread, inside the served app (so
    ``app.get_parameter`` and ``app.ctx()`` work there). Set the returned event to end it."""
    port = env.get_port().port
    stop = threading.Event()

    @env.server
    def run() -> None:
        from http.server import BaseHTTPRequestHandler, HTTPServer

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = json.dumps(answer(self.path)).encode()
                self.send_response(200)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        with HTTPServer(("127.0.0.1", port), Handler) as server:
            server.timeout = 0.05
            while not stop.is_set():
                server.handle_request()

    return stop


def params_app(
    name: str, parameters: list[app.Parameter]
) -> tuple[app.AppEnvironment, threading.Event]:
    """An app on a free port whose GET answers its parameters' values by name, and the event
    that ends it."""
    served = app.AppEnvironment(name=name, port=free_port(), parameters=parameters)
    stop = json_server(
        served, lambda _path: {p.name: app.get_parameter(p.name) for p in parameters}
    )
    return served, stop
