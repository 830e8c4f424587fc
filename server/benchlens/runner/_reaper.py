"""Kills benchlens's child process groups if benchlens dies without cleaning up.

Run as a separate program (`python -I _reaper.py`), stdlib only. Each child of
the runner lives in its own process group, so a SIGKILL of benchlens (or a crash)
would leave `go` and the test binaries running. This program reads `+PGID` and
`-PGID` lines from a pipe whose write end only benchlens holds; end of file
means benchlens is gone, and every group still registered is killed.
"""

import contextlib
import os
import signal
import sys


def main() -> None:
    # A Ctrl-C in the terminal is for benchlens, which cancels its own children.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    watched: set[int] = set()
    for line in sys.stdin:
        line = line.strip()
        if len(line) < 2 or not line[1:].isdigit():
            continue
        pgid = int(line[1:])
        if line[0] == "+":
            watched.add(pgid)
        elif line[0] == "-":
            watched.discard(pgid)
    for pgid in watched:
        with contextlib.suppress(OSError):
            os.killpg(pgid, signal.SIGKILL)


if __name__ == "__main__":
    main()
