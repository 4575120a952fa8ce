"""``python -m flytelike.connectors --port P [--modules m1 m2 ...] [--worker N] [--timeout S]
[--prometheus_port Q]``: serve the connectors the modules register (``ConnectorService.run``)
on 127.0.0.1, until SIGTERM, Ctrl-C or ``--timeout`` seconds."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m flytelike.connectors")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--prometheus_port", type=int, default=None)
    parser.add_argument("--worker", type=int, default=10)
    parser.add_argument("--timeout", type=float, default=None)
    parser.add_argument("--modules", nargs="*", default=[])
    args = parser.parse_args(argv)
    from flytelike.connectors import ConnectorService

    ConnectorService.run(
        port=args.port,
        prometheus_port=args.prometheus_port,
        worker=args.worker,
        timeout=args.timeout,
        modules=args.modules,
    )
    sys.exit(0)


if __name__ == "__main__":
    main()
