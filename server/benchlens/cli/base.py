"""What `main` and every command share, kept light (no comparison or LSP imports): the
one-line message, the errors that mean exit 2, and how strictly config problems count.

Config problems are printed and their defaults used; with `--strict-config` — the
default when `CI` is set, so that a typo in CI cannot silently run with defaults —
they stop the command with exit 2 once all of them are printed.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType
from typing import TYPE_CHECKING

from benchlens.config import OutsideWorkspace
from benchlens.views.escape import visible

if TYPE_CHECKING:  # the runner is imported only by the commands that run Go
    from benchlens.runner.process import Cancellable

__all__ = [
    "INTERRUPTED",
    "ConfigError",
    "InputError",
    "OutsideWorkspace",
    "add_config_options",
    "ci_mode",
    "interrupted_code",
    "set_strict_config",
    "signals_as_interrupt",
    "signals_cancel",
    "strict_config",
    "warn",
    "without_cycle_collection",
]

#: Exit status for an interrupted command (128 + SIGINT), as shells report it.
INTERRUPTED = 130


class InputError(Exception):
    """Input the command cannot work with; printed as `benchlens: ...`, exit 2."""


class ConfigError(InputError):
    """Configuration problems while config problems are strict."""


def warn(message: str) -> None:
    """One line on stderr; control characters from untrusted input (names, lines of a
    results file) are shown escaped, never sent to the terminal."""
    print(f"benchlens: {visible(message)}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def without_cycle_collection() -> Iterator[None]:
    """No cyclic garbage collection while a one-shot command reads, compares and prints:
    it builds tens of thousands of objects that all live until it ends, which the
    collector would walk again and again (a tenth of `compare`'s time) to free nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def ci_mode() -> bool:
    """Whether we run in CI: `CI` set to anything but empty, `0`, `false` or `no`."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


_strict: bool | None = None


def set_strict_config(value: bool | None) -> None:
    """`--strict-config` (True), `--no-strict-config` (False) or neither (None: CI mode)."""
    global _strict
    _strict = value


def strict_config() -> bool:
    return ci_mode() if _strict is None else _strict


def add_config_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--strict-config",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="configuration problems stop the command (exit 2); the default when CI is set",
    )


# -- signals ------------------------------------------------------------------

_received: int | None = None


def interrupted_code() -> int:
    """The exit status of an interrupted command, as shells report a death by signal:
    128 + the signal received (SIGTERM 143, SIGHUP 129), 130 for Ctrl-C."""
    return 128 + (_received or signal.SIGINT)


def _note(signum: int) -> None:
    global _received
    _received = signum


@contextlib.contextmanager
def signals_as_interrupt() -> Iterator[None]:
    """SIGTERM and SIGHUP raise KeyboardInterrupt like Ctrl-C, so that `finally`
    blocks run: children are killed, temporary files and worktrees removed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        _note(signum)
        raise KeyboardInterrupt

    old = {s: signal.signal(s, handler) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


@contextlib.contextmanager
def signals_cancel(work: Cancellable) -> Iterator[None]:
    """SIGINT, SIGTERM and SIGHUP cancel `work` instead of raising KeyboardInterrupt.

    An exception raised at an arbitrary bytecode can leave the runner's locks held
    and its clean-up waiting on them forever; a cancel is the runner's own,
    orderly way out (children killed, the outcome marked cancelled). The cancel is
    made from a new thread, since the handler interrupts the main thread wherever
    it is, possibly holding the very lock `cancel()` takes.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        _note(signum)
        threading.Thread(target=work.cancel, name="benchlens-cancel", daemon=True).start()

    signals = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    old = {s: signal.signal(s, handler) for s in signals}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)
