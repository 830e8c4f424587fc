"""A results file as the server shows it: the last good parse, and whether a newer
version on disk is ready to replace it.

Results files are written while the server watches them: atomically by `benchlens
run`, but also progressively by `go test -bench . > current.txt`, by hand, or
deleted and re-created. A version that looks unfinished keeps the previous one on
screen. Why it looks unfinished is a `Reason`, so the decisions below never depend
on the wording of a message. No pygls types here.
"""

from __future__ import annotations

import enum
import logging
import os
import re
import stat
import time
from dataclasses import dataclass
from pathlib import Path

from benchlens.results.model import ResultSet
from benchlens.results.reader import ResultsFileError, load_results

log = logging.getLogger(__name__)

#: How many times a results file that looks unfinished is read again before it is taken as is.
MAX_ATTEMPTS = 4
#: A file written in place without its final `ok`/`PASS` line is taken as it is once it
#: has not changed for this long (the writer died, or it is a hand-edited file).
SETTLE_SECONDS = 30.0
#: How much of the end of a file is looked at for its last line.
TAIL_BYTES = 4096

# The last line of a finished `go test` run of a package, text or `-json`.
_FINAL_TEXT = re.compile(rb"^(PASS|FAIL|ok\s|\?\s)")
_FINAL_JSON = re.compile(rb'"Action"\s*:\s*"(pass|fail|skip)"')


@dataclass(frozen=True)
class Stamp:
    """What identifies a version of a file on disk (the inode changes on an atomic rename)."""

    mtime_ns: int
    size: int
    inode: int = 0
    regular: bool = True

    @property
    def mtime(self) -> float:
        return self.mtime_ns / 1e9


def stamp_of(path: Path) -> Stamp | None:
    try:
        st = path.stat()
    except (OSError, ValueError):
        return None
    return Stamp(st.st_mtime_ns, st.st_size, st.st_ino, stat.S_ISREG(st.st_mode))


@dataclass(frozen=True)
class Parse:
    """One attempt at reading a results file."""

    path: Path
    results: ResultSet | None  # None: no file, or unreadable (see `error`)
    stamp: Stamp | None
    error: str | None = None
    ends_with_newline: bool = True
    #: Whether the file ends as a finished `go test` run does (`ok`, `PASS`, `FAIL`).
    finished: bool = True
    changed_while_reading: bool = False


def _tail(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(fh.tell() - TAIL_BYTES, 0))
            return fh.read(TAIL_BYTES)
    except OSError:
        return b""


def ends_finished(tail: bytes) -> bool:
    """Whether the last line of the file is the last line `go test` prints for a package."""
    lines = [line for line in tail.splitlines() if line.strip()]
    if not lines:
        return False
    last = lines[-1].strip()
    if last.startswith(b"{"):
        return bool(_FINAL_JSON.search(last)) and b'"Test"' not in last
    return bool(_FINAL_TEXT.match(last))


def parse_results(path: Path) -> Parse:
    """Read a results file, noting what would betray a file caught mid-write. Blocking."""
    before = stamp_of(path)
    if before is None:
        return Parse(path, None, None)
    if not before.regular:
        return Parse(path, None, before, error=f"{path}: not a regular file; not read")
    try:
        results = load_results(path)
    except ResultsFileError as exc:
        return Parse(path, None, before, error=str(exc))
    except Exception as exc:  # whatever the reader trips on, the server goes on
        log.exception("reading %s failed", path)
        return Parse(path, None, before, error=f"{path}: cannot read results: {exc!r}")
    after = stamp_of(path)
    tail = _tail(path) if after is not None and after.size > 0 else b""
    return Parse(
        path,
        results,
        after,
        ends_with_newline=not tail or tail.endswith(b"\n"),
        finished=ends_finished(tail),
        changed_while_reading=before != after,
    )


class Reason(enum.Enum):
    """Why a version of a results file looks unfinished."""

    GONE = "it holds no benchmark: the file is gone (being replaced?)"
    BEING_WRITTEN = "results being written"
    CHANGED_WHILE_READING = "the file changed while it was read"
    LINE_NOT_FINISHED = "the last line is not finished"
    LAST_LINE_UNREADABLE = "the last line cannot be read (yet)"
    EMPTY = "it holds no benchmark"
    SHRANK = "it holds fewer benchmarks than before"


@dataclass(frozen=True)
class Suspicion:
    """A reason to keep the previous version, with the numbers that explain it."""

    reason: Reason
    #: Benchmarks in the new version; for SHRANK also before; for LAST_LINE_UNREADABLE the line.
    count: int = 0
    before: int = 0
    line: int = 0

    @property
    def shrank(self) -> bool:
        """A complete file with fewer benchmarks: maybe a real, smaller run."""
        return self.reason in (Reason.EMPTY, Reason.SHRANK)

    def __str__(self) -> str:
        if self.reason is Reason.BEING_WRITTEN:
            return f"results being written: {self.count} benchmarks so far"
        if self.reason is Reason.LAST_LINE_UNREADABLE:
            return f"line {self.line} cannot be read (yet)"
        if self.reason is Reason.SHRANK:
            return f"it holds {self.count} benchmarks, {self.before} before"
        return str(self.reason.value)


def _line_count(path: Path) -> int:
    try:
        with path.open("rb") as fh:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b"")) + 1
    except OSError:
        return 0


def suspicion_of(
    new: Parse, previous: ResultSet | None, seen: Stamp | None, writing: bool, now: float
) -> Suspicion | None:
    """Why `new` looks like a file caught mid-write, if it does.

    `seen` is the version found at the previous look (None: there was no file), and
    `writing` whether it was being written. A file that changed in place since (same
    inode: an atomic rename makes a new one), or that was being written and has not
    changed since, and that does not end as a finished `go test` run (or, once seen
    being written, holds fewer benchmarks than before: the next package has not
    started yet), is being written as long as it changed in the last `SETTLE_SECONDS`,
    however long the run takes.
    """
    had = previous is not None and len(previous) > 0
    results, stamp = new.results, new.stamp
    if results is None or stamp is None:
        gone = new.error is None and stamp is None
        return Suspicion(Reason.GONE) if gone and had else None
    changed_in_place = seen is None or (seen.inode == stamp.inode and seen != stamp)
    growing = changed_in_place or (writing and seen == stamp)
    # Between two packages of `go test ./...` the file ends as a finished run does; a
    # file already seen being written that holds fewer benchmarks than before is not done.
    run_open = not new.finished or (
        writing and previous is not None and len(results) < len(previous)
    )
    if had and growing and run_open and now - stamp.mtime < SETTLE_SECONDS:
        return Suspicion(Reason.BEING_WRITTEN, count=len(results))
    if new.changed_while_reading:
        return Suspicion(Reason.CHANGED_WHILE_READING)
    if not new.ends_with_newline:
        return Suspicion(Reason.LINE_NOT_FINISHED)
    if results.issues:
        last = max(i.location.line for i in results.issues)
        if last >= _line_count(new.path) - 1:
            return Suspicion(Reason.LAST_LINE_UNREADABLE, line=last)
    if previous is not None and had:
        if len(results) == 0:
            return Suspicion(Reason.EMPTY)
        if len(results) < len(previous) // 2:
            return Suspicion(Reason.SHRANK, count=len(results), before=len(previous))
    return None


@dataclass
class ResultsFile:
    """A results file as the server shows it: the last good parse, and the newest attempt."""

    path: Path
    results: ResultSet | None = None
    stamp: Stamp | None = None
    error: str | None = None
    #: Consecutive suspicious reads of the newest version (see `suspicion_of`).
    attempts: int = 0
    last_attempt: Stamp | None = None
    #: The version found at the last look, taken or not.
    seen: Stamp | None = None
    #: Whether the newest version is being written (the previous one is shown meanwhile).
    writing: bool = False

    def unchanged_on_disk(self) -> bool:
        """The file is still the version last taken (so it need not be read again)."""
        fresh = self.attempts == 0 and not self.writing and self.error is None
        return fresh and stamp_of(self.path) == self.stamp

    def accept(self, parse: Parse) -> None:
        """Take `parse`; one that could not be read says so but keeps the last good results
        on screen (a FIFO, a device or an unreadable file is not a new set of results)."""
        if parse.error is None or self.results is None:
            self.results = parse.results
        self.stamp, self.error, self.seen = parse.stamp, parse.error, parse.stamp
        self.attempts, self.last_attempt, self.writing = 0, None, False

    def offer(self, parse: Parse, now: float | None = None) -> Suspicion | None:
        """Take `parse` unless it looks unfinished; returns why not, if so.

        A file being written is waited for as long as it keeps changing; one that
        looks unfinished otherwise is retried up to `MAX_ATTEMPTS` times; one that
        merely shrank is taken once it has stopped changing (a real, smaller run).
        """
        seen, self.seen = self.seen, parse.stamp
        if parse.stamp is not None and parse.stamp == self.stamp and parse.error is None:
            self.attempts, self.writing = 0, False
            return None
        now = time.time() if now is None else now
        suspicion = suspicion_of(parse, self.results, seen, self.writing, now)
        if suspicion is not None and suspicion.reason is Reason.BEING_WRITTEN:
            self.writing, self.attempts, self.last_attempt = True, 0, parse.stamp
            return suspicion
        if suspicion is not None:
            settled = parse.stamp is not None and parse.stamp == self.last_attempt
            if self.attempts + 1 < MAX_ATTEMPTS and not (suspicion.shrank and settled):
                self.attempts += 1
                self.last_attempt = parse.stamp
                self.writing = False
                return suspicion
        self.accept(parse)
        return None

    def would_wait(self, parse: Parse) -> bool:
        """Whether `offer(parse)` would keep the previous version (without changing anything)."""
        now = time.time()
        return suspicion_of(parse, self.results, self.seen, self.writing, now) is not None

    def retry_in(self, suspicion: Suspicion, debounce: float, now: float | None = None) -> float:
        """When to look again: after the debounce, or once a file being written has had
        `SETTLE_SECONDS` to change (a later change brings a look of its own)."""
        if suspicion.reason is Reason.BEING_WRITTEN and self.seen is not None:
            now = time.time() if now is None else now
            return max(self.seen.mtime + SETTLE_SECONDS - now + 0.05, debounce)
        return debounce

    def worth_preparing(self) -> bool:
        """Whether the newest version could be taken now, by a cheap look (stat and the
        last line): a file being written in place is not read on every change."""
        stamp = stamp_of(self.path)
        if stamp is None or stamp == self.stamp:
            return False
        in_place = self.seen is not None and self.seen.inode == stamp.inode
        return not (in_place and self.results and not ends_finished(_tail(self.path)))
