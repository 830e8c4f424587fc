"""`benchlens serve`: the language server on stdio (editors start it; see docs/editors.md)."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser(
        "serve",
        help="run the language server on stdio",
        description=__doc__,
    )
    p.add_argument("--stdio", action="store_true", help="accepted for editors that pass it")
    p.add_argument(
        "--log-file", type=Path, help="write the server's own log here (stdout is the protocol)"
    )
    p.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="debug logging: -v benchlens's own, -vv also every protocol message",
    )
    p.set_defaults(func=serve_command)


def serve_command(args: argparse.Namespace) -> int:
    # stdout carries the protocol: logging goes to a file or stderr, never to stdout.
    handler: logging.Handler = (
        logging.FileHandler(args.log_file, encoding="utf-8")
        if args.log_file
        else logging.StreamHandler(sys.stderr)
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    logging.getLogger("benchlens").setLevel(logging.DEBUG if args.verbose else logging.INFO)
    # pygls logs every message at INFO: only with -vv
    logging.getLogger("pygls").setLevel(logging.DEBUG if args.verbose > 1 else logging.WARNING)

    from benchlens.lsp.main import create_server

    create_server().start_io()
    return 0
