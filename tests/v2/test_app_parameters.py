"""flyte 2's ``app.Parameter``, ``app.get_parameter`` and ``app.ctx`` for a served app: the
parameters reach the app (a JSON file ``get_parameter`` reads, and ``env_var``), with
``with_servecontext(parameter_values=...)`` over their values and ``File``s copied to ``mount``."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest

import flytelike as flyte
from flytelike import app
from flytelike.errors import DefinitionError

from .serving import free_port, get_json, json_server


def test_an_in_process_app_reads_its_parameters_and_context(tmp_path: Path) -> None:
    weights = tmp_path / "weights.bin"
    weights.write_text("w")
    port = free_port()
    env = app.AppEnvironment(
        name="params-app",
        port=port,
        parameters=[
            app.Parameter("greeting", "hello", env_var="GREETING"),
            app.Parameter("model", flyte.io.File(str(weights)), mount=str(tmp_path / "mnt")),
        ],
    )

    def answer(_path: str) -> dict[str, Any]:
        c = app.ctx()
        return {
            "greeting": app.get_parameter("greeting"),
            "model": app.get_parameter("model"),
            "env": os.environ.get("GREETING"),
            "ctx": [c.mode, c.project, c.domain],
        }

    stop = json_server(env, answer)
    context = flyte.with_servecontext(
        parameter_values={"params-app": {"greeting": "bonjour"}}, project="ml", domain="dev"
    )
    with context.serve(env) as handle:
        got = get_json(handle.url + "/")
        stop.set()
    mounted = str(tmp_path / "mnt" / "weights.bin")
    assert got == {"greeting": "bonjour", "model": mounted, "env": "bonjour",
                   "ctx": ["local", "ml", "dev"]}  # fmt: skip
    assert Path(mounted).read_text() == "w"
    assert "GREETING" not in os.environ  # (restored when the app stopped)
    assert app.ctx() == app.AppContext(mode="remote")
    with pytest.raises(ValueError, match="Parameters are not mounted"):
        app.get_parameter("greeting")


def _command_app(name: str, parameter: app.Parameter) -> app.AppEnvironment:
    """An app run as a command: its GET answers the parameter's value and ``$SIZE``."""
    port = free_port()
    script = (
        "import http.server, json, os\n"
        "from flytelike.app import get_parameter\n"
        "class H(http.server.BaseHTTPRequestHandler):\n"
        "    def do_GET(self):\n"
        "        self.send_response(200); self.end_headers()\n"
        f"        body = [get_parameter({parameter.name!r}), os.environ.get('SIZE')]\n"
        "        self.wfile.write(json.dumps(body).encode())\n"
        f"http.server.HTTPServer(('127.0.0.1', {port}), H).serve_forever()\n"
    )
    command = [sys.executable, "-c", script]
    return app.AppEnvironment(name=name, port=port, command=command, parameters=[parameter])


def test_a_command_app_gets_its_parameters() -> None:
    env = _command_app("params-cmd", app.Parameter("size", "3", env_var="SIZE"))
    with flyte.serve(env) as handle:
        assert get_json(handle.url + "/") == ["3", "3"]


def test_the_parameters_file_lives_as_long_as_the_app() -> None:
    from flytelike.app._parameter import PARAMETERS_FILE_ENV

    handle = flyte.serve(_command_app("params-file", app.Parameter("size", "4")))
    try:
        delivered = Path(handle._env_vars[PARAMETERS_FILE_ENV])
        assert delivered.exists()
        handle = handle.restart()  # (the new handle takes the file over)
        assert get_json(handle.url + "/") == ["4", None] and delivered.exists()
    finally:
        handle.stop()
    assert not delivered.exists()  # (stopping the app removes it)


def test_bad_parameters() -> None:
    with pytest.raises(ValueError, match="not a valid environment name"):
        app.Parameter("p", "v", env_var="1-bad")
    with pytest.raises(
        TypeError,
        match="expected a str, File, Dir, RunOutput, ArtifactValue or AppEndpoint value, got int",
    ):
        app.Parameter("p", 3)
    empty = app.AppEnvironment(name="no-value", port=free_port(), parameters=[app.Parameter("p")])
    with pytest.raises(DefinitionError, match="Parameter 'p' has no value"):
        flyte.serve(empty)
    with pytest.raises(DefinitionError, match="has no parameter"):
        flyte.with_servecontext(parameter_values={"no-value": {"q": "1"}}).serve(empty)
