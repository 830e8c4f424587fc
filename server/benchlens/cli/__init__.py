"""The `benchlens` command line: one module per subcommand, each registering itself.

Exit codes: 0 success, 1 a regression when asked to fail on one (or a failed
benchmark run), 2 bad input or usage — one clear line, never a traceback (set
BENCHLENS_DEBUG=1 to see the traceback of an unexpected error), 130 Ctrl-C,
143 SIGTERM.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import importlib
import os
import sys
from collections.abc import Callable, Sequence

from benchlens import __version__
from benchlens.cli import base

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
    "init",
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
    for name, command in sub.choices.items():
        if name != "serve":
            base.add_config_options(command)
    return parser


def main(argv: Sequence[str] | None = None, *, program: bool = False) -> int:
    """Run the command of `argv` (default: the process's arguments); its exit status.

    With `program` (the `benchlens` executable and `python -m benchlens`), a command
    registered with `exit_fast` leaves the process here, its output flushed, without
    freeing the heap: a comparison of thousands of benchmarks leaves hundreds of
    thousands of objects that die with the process anyway, and freeing them one by one
    at exit took a tenth of `compare`'s time. Those commands only read and print: no
    file, thread or exit handler of theirs is pending by then."""
    _tolerant_output()
    if argv is None:
        argv = sys.argv[1:]
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help(sys.stderr)
        return 2
    base.set_strict_config(getattr(args, "strict_config", None))
    code = _guarded(func, args)
    try:
        sys.stdout.flush()  # a full disk shows here, not in Python's own flush at exit
    except BrokenPipeError:
        _silence_stdout()
    except ValueError:
        pass  # stdout closed (the server closes it when the client goes): nothing to write
    except OSError as exc:
        _silence_stdout()
        base.warn(_os_error_text(exc))
        return 2
    if program and getattr(args, "exit_fast", False):
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.flush()
        os._exit(code)
    return code


def run_program() -> int:
    """The `benchlens` executable: `main` of the process's arguments, as a program."""
    return main(program=True)


def _guarded(func: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run one command; whatever escapes it becomes one line on stderr and exit 2."""
    try:
        if args.command == "serve":  # the server handles its own signals
            return int(func(args))
        # SIGTERM/SIGHUP unwind like Ctrl-C: temporary files are removed on the way out.
        with base.signals_as_interrupt():
            return int(func(args))
    except KeyboardInterrupt:
        base.warn("interrupted")
        return base.interrupted_code()
    except BrokenPipeError:
        _silence_stdout()  # the reader went away (`| head`): not an error
        return 0
    except (base.InputError, base.OutsideWorkspace) as exc:
        base.warn(str(exc))
        return 2
    except OSError as exc:
        _flush_or_silence()
        base.warn(_os_error_text(exc))
        return 2
    except Exception as exc:
        debug = bool(os.environ.get("BENCHLENS_DEBUG"))
        if debug:
            import traceback  # only for the one who asked to see it

            traceback.print_exc()
        hint = "" if debug else " (BENCHLENS_DEBUG=1 shows where)"
        base.warn(f"unexpected error: {type(exc).__name__}: {_short(exc)}{hint}")
        return 2


def _tolerant_output() -> None:
    """Text that cannot be encoded (a lone surrogate in a benchmark name) is printed
    escaped (`\\ud800`) instead of stopping the command."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError, OSError):
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]


def _flush_or_silence() -> None:
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        _silence_stdout()


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that Python's own flush at exit cannot fail again
    (a full disk, a closed pipe) and print a traceback of its own."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


#: Errors of a write that did not happen: on stdout, the output is what failed.
_WRITE_ERRORS = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EPIPE)


def _os_error_text(exc: OSError) -> str:
    """One line: the file and the reason (the writers of results files name the file)."""
    reason = exc.strerror or _short(exc)
    if exc.filename is not None:
        return f"{exc.filename}: {reason}"
    if exc.errno in _WRITE_ERRORS:
        return f"cannot write the output: {reason}"
    return reason


def _short(exc: BaseException) -> str:
    try:
        text = " ".join(str(exc).split())
    except Exception:
        text = ""
    return text[:300] or "(no message)"
