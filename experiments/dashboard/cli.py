"""``graduasi-dashboard``: serve the dashboard with solara, on 127.0.0.1 unless told otherwise.

Usage::

    graduasi-dashboard [--host 127.0.0.1] [--port 8765]

Then open http://127.0.0.1:8765 in a browser; Ctrl-C stops the server. ``--host 0.0.0.0``
serves other machines too (anyone who reaches the port can run models on this machine).
"""

from __future__ import annotations

import argparse
import os

__all__ = ["main", "server_args"]

APP = "experiments.dashboard.app"


def server_args(host: str, port: int) -> list[str]:
    """Arguments of ``solara run`` that serve the dashboard on ``host:port``.

    Production mode (no reloading of changed files), no browser opened, and no version check
    (it would ask PyPI, and wait when offline).
    """
    return ["run", APP, "--host", host, "--port", str(port), "--production", "--no-open",
            "--no-check-version"]  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and run the solara server until interrupted."""
    parser = argparse.ArgumentParser(
        prog="graduasi-dashboard",
        description="Serve the Graduasi dashboard (Mesa SolaraViz): two scenarios side by side "
        "on one seed, with controls for budgets, collaboration levers and shocks.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on "
                        "(default 127.0.0.1: this machine only)")  # fmt: skip
    parser.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    args = parser.parse_args(argv)
    # no usage statistics sent to solara's telemetry service, unless the user asks for them
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    from solara.__main__ import cli  # imported only to serve, after the setting above

    print(f"Graduasi dashboard on http://{args.host}:{args.port} (Ctrl-C stops it)", flush=True)
    cli.main(args=server_args(args.host, args.port), prog_name="graduasi-dashboard")


if __name__ == "__main__":
    main()
