"""The `benchlens` command line: one module per subcommand, each registering itself.

Exit codes: 0 success, 1 a regression when asked to fail on one (or a failed
benchmark run), 2 bad input or usage.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from benchlens import __version__

#: Subcommand modules, in the order `--help` lists them. Each defines
#: `register(subparsers) -> None`, which sets `func(args) -> int` as a default.
COMMANDS = (
    "compare",
    "check",
    "run",
    "save_baseline",
    "regression",
    "ab",
    "report",
    "profile",
    "baseline",
    "merge",
    "explain",
    "serve",
)


def command_modules(argv: Sequence[str] | None) -> tuple[str, ...]:
    """The subcommand modules to import for `argv`: only the one it names, so that a
    broken sibling cannot break `benchlens serve`; all of them for `--help`, no
    command or an unknown one (argparse lists every command then)."""
    if argv is None:
        return COMMANDS
    for arg in argv:
        if arg == "--" or (len(arg) > 2 and "--help".startswith(arg)) or arg == "-h":
            return COMMANDS
        if arg.startswith("-"):
            continue  # the top-level options take no value
        module = arg.replace("-", "_")
        return (module,) if module in COMMANDS else COMMANDS
    return COMMANDS


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser for `argv` (None: every command)."""
    parser = argparse.ArgumentParser(
        prog="benchlens",
        description="Go benchmark results compared against a baseline, in the editor and in CI.",
    )
    parser.add_argument("--version", action="version", version=f"benchlens {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in command_modules(argv):
        try:
            module = importlib.import_module(f"benchlens.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"benchlens.cli.{name}":
                raise
            continue
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(func(args))
    except KeyboardInterrupt:
        print("benchlens: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
