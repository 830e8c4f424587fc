"""Baseline and history storage: atomic writes, archived baselines, commit lookup.

Every results file is written to a temporary file in the same directory and
renamed over the target (`os.replace`), so an interrupted run — Ctrl-C, SIGTERM,
SIGKILL, a full disk — leaves the previous file whole. The history directory
keeps one archived copy per saved baseline, `<UTC timestamp>-<short commit>.txt`,
and never overwrites one: a clash gets a `-2`, `-3`... suffix.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from benchlens.results.model import ResultSet
from benchlens.results.reader import load_results
from benchlens.results.writer import merge_results, write_results

#: Configuration keys that the baseline header sets; stale copies are dropped.
HEADER_KEYS = ("commit", "date", "ref", "note")
_TIMESTAMP = "%Y%m%dT%H%M%SZ"
_HISTORY_NAME = re.compile(r"^(\d{8}T\d{6}Z)-([^.]+?)(?:-(\d+))?\.txt$")


def _fsync_dir(directory: Path) -> None:
    """Make a rename durable; best effort (not every platform can open a directory)."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def _naming(path: Path) -> Iterator[None]:
    """An OSError while writing `path` (a full disk: ENOSPC, EDQUOT, EFBIG) names the
    file and says that it was left as it was: a write to an open file does not."""
    try:
        yield
    except OSError as exc:
        if exc.filename is not None or exc.errno is None:
            raise
        kept = "left unchanged" if path.exists() else "not written"
        raise OSError(exc.errno, f"{exc.strerror or exc}; {kept}", str(path)) from exc


@contextlib.contextmanager
def _temp_beside(path: Path) -> Iterator[tuple[TextIO, Path]]:
    """A temporary text file in `path`'s directory (same file system, so renames are
    atomic), removed again unless the caller moved it away."""
    with _naming(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        tmp = Path(name)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
                yield f, tmp
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()


def _finish_temp(f: TextIO, tmp: Path, like: Path) -> None:
    f.flush()
    os.fsync(f.fileno())
    try:
        mode = like.stat().st_mode & 0o777
    except OSError:
        mode = 0o644
    os.chmod(tmp, mode)


@contextlib.contextmanager
def atomic_writer(path: Path) -> Iterator[TextIO]:
    """Write `path` all or nothing: the new content replaces the old only when the
    block ends without an exception."""
    with _temp_beside(path) as (f, tmp):
        yield f
        _finish_temp(f, tmp, path)
        f.close()
        os.replace(tmp, path)
    _fsync_dir(path.parent)


def atomic_write_text(path: Path, text: str) -> None:
    with atomic_writer(path) as f:
        f.write(text)


def write_results_atomic(
    path: Path, results: ResultSet, header: Mapping[str, str] | None = None
) -> None:
    """A `ResultSet` as a Go benchmark text file, atomically."""
    with atomic_writer(path) as f:
        write_results(results, f, header)


def merge_into_file(path: Path, fresh: ResultSet) -> ResultSet:
    """Replace in the results file at `path` the benchmarks that `fresh` has, keep the
    others, atomically (a re-run of one benchmark from the editor). Raises
    ResultsFileError if the existing file cannot be read."""
    merged = fresh
    if path.exists():
        merged = merge_results(load_results(path), fresh, str(path))
    write_results_atomic(path, merged)
    return merged


def write_new(directory: Path, stem: str, text: str, suffix: str = ".txt") -> Path:
    """Create `directory/stem.txt` (or `stem-2.txt`, ...) with `text`, atomically and
    never over an existing file: a hard link from a temporary file fails if the name
    is taken, so two concurrent saves cannot clobber each other."""
    with _naming(directory / f"{stem}{suffix}"):
        directory.mkdir(parents=True, exist_ok=True)
    with _temp_beside(directory / f"{stem}{suffix}") as (f, tmp):
        f.write(text)
        _finish_temp(f, tmp, Path("/nonexistent"))
        f.close()
        return _link_new(tmp, directory, stem, suffix, text)


def _link_new(tmp: Path, directory: Path, stem: str, suffix: str, text: str) -> Path:
    """Give the finished temporary file `tmp` the first free name `stem[-N]suffix`."""
    for n in range(1, 10_000):
        target = directory / (f"{stem}{suffix}" if n == 1 else f"{stem}-{n}{suffix}")
        try:
            os.link(tmp, target)
        except FileExistsError:
            continue
        except OSError:
            # No hard links (some network or FAT file systems): exclusive create.
            try:
                with _naming(target), open(target, "x", encoding="utf-8", newline="\n") as out:
                    out.write(text)
            except FileExistsError:
                continue
        _fsync_dir(directory)
        return target
    raise FileExistsError(f"{directory}: no free name for {stem}{suffix}")


@dataclass(frozen=True)
class GitInfo:
    commit: str

    @property
    def short(self) -> str:
        return self.commit[:7]


def git(
    root: Path, *args: str, input: str | None = None, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`git -C root ARGS` with captured text output, `input` on its stdin (else nothing:
    git never waits for a terminal) and `env` as its whole environment when given;
    raises OSError without git."""
    return subprocess.run(
        ["git", "-C", str(root), *args],
        capture_output=True,
        text=True,
        check=False,
        input=input,
        stdin=None if input is not None else subprocess.DEVNULL,
        env=dict(env) if env is not None else None,
    )


def git_commit(root: Path, ref: str = "HEAD") -> str | None:
    """The full commit hash of `ref` in the repository around `root`, or None when
    there is no git, no repository or no such commit."""
    try:
        proc = git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except OSError:
        return None
    sha = proc.stdout.strip()
    return sha if proc.returncode == 0 and re.fullmatch(r"[0-9a-f]{7,64}", sha) else None


#: Untracked files that change what `go test` builds (results and reports do not).
_BUILD_INPUT = re.compile(r"(^|/)(go\.mod|go\.sum|go\.work|[^/]*\.go)$")


def tree_commit(root: Path) -> str | None:
    """Where the code in the working tree at `root` comes from: HEAD's commit, with
    ` (modified)` when tracked files under `root` differ from it or untracked Go
    files exist there. None without git, a repository or a commit."""
    commit = git_commit(root)
    if commit is None:
        return None
    try:
        proc = git(root, "status", "--porcelain", "-z", "--untracked-files=all", "--", ".")
    except OSError:
        return commit
    entries = proc.stdout.split("\0")
    modified = any(
        e[:2] != "??" or _BUILD_INPUT.search(e[3:]) for e in entries if len(e) > 3 and e[2] == " "
    )
    return f"{commit} (modified)" if modified else commit


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def baseline_header(
    commit: str | None, when: datetime, ref: str | None = None, note: str | None = None
) -> dict[str, str]:
    """The configuration lines a saved baseline starts with."""
    header = {"commit": commit or "unknown", "date": when.strftime("%Y-%m-%dT%H:%M:%SZ")}
    if ref:
        header["ref"] = ref
    if note:
        header["note"] = note
    return header


def _strip_header_keys(text: str) -> str:
    """Drop `commit:`/`date:`/`ref:`/`note:` lines, which a new header supersedes."""
    return _strip_header_keys_except(text, "")


def _strip_header_keys_except(text: str, keep_key: str) -> str:
    keep = []
    for line in text.splitlines(keepends=True):
        key = line.split(":", 1)[0]
        drop = key in HEADER_KEYS and key != keep_key
        if ":" in line and drop and line[len(key) + 1 : len(key) + 2] in " \t\r\n":
            continue
        keep.append(line)
    return "".join(keep)


def with_header(text: str, header: Mapping[str, str]) -> str:
    lines = [f"{k}: {' '.join(v.split())}\n" for k, v in header.items()]
    body = _strip_header_keys(text)
    return "".join(lines) + ("\n" if body and not body.startswith("\n") else "") + body


@dataclass(frozen=True)
class SavedBaseline:
    baseline: Path
    #: The history entry: new, or the earlier one holding the same results.
    archived: Path
    commit: str | None
    #: The same results were archived before: no second history entry was made.
    duplicate: bool = False


def archive_name(when: datetime, commit: str | None) -> str:
    return f"{when.strftime(_TIMESTAMP)}-{commit[:7] if commit else 'nocommit'}"


_COMMIT_LINE = re.compile(r"^commit:[ \t]+(\S.*?)\s*$", re.MULTILINE)


def recorded_commit(text: str) -> str | None:
    """The first `commit:` configuration line of results text (`abc123 (modified)`)."""
    m = _COMMIT_LINE.search(text)
    return m.group(1) if m else None


def _without_date(text: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if not line.startswith("date:"))


def same_results_archived(history: Path, content: str) -> Path | None:
    """An entry of `history` holding `content` apart from its `date:` line (the same
    results saved again), or None. Only files of the same size are read."""
    size = len(content.encode("utf-8"))
    for entry in reversed(list_history(history)):
        try:
            if entry.path.stat().st_size != size:
                continue
            if _without_date(entry.path.read_text(encoding="utf-8")) == _without_date(content):
                return entry.path
        except (OSError, UnicodeDecodeError):
            continue
    return None


def save_baseline_text(
    text: str,
    baseline: Path,
    history: Path,
    *,
    commit: str | None,
    when: datetime | None = None,
    ref: str | None = None,
    note: str | None = None,
) -> SavedBaseline:
    """Write `text` (results) as the baseline with a date header, atomically, and
    archive the same content in `history` — unless the same results are archived
    already, so that saving twice does not count twice in trends.

    The commit the results were run at, when `text` records one (`benchlens run`
    does), is kept; `commit` (HEAD, or the ref benchmarked) is written only when it
    does not. Both files are written in full before either is put in place, so a
    full disk changes neither."""
    when = when or utc_now()
    recorded = recorded_commit(text) if ref is None else None
    header = baseline_header(recorded or commit, when, ref, note)
    if recorded is not None:
        del header["commit"]  # the run's own commit lines stay where they are
        body = _strip_header_keys_except(text, "commit")
        content = "".join(f"{k}: {' '.join(v.split())}\n" for k, v in header.items())
        content += ("\n" if body and not body.startswith("\n") else "") + body
        commit = recorded
    else:
        content = with_header(text, header)
    duplicate = same_results_archived(history, content)
    stem = archive_name(when, commit)
    with contextlib.ExitStack() as stack:
        new_baseline, tmp_baseline = stack.enter_context(_temp_beside(baseline))
        new_baseline.write(content)
        _finish_temp(new_baseline, tmp_baseline, baseline)
        new_baseline.close()
        archived = duplicate
        if archived is None:
            with _naming(history / f"{stem}.txt"):
                history.mkdir(parents=True, exist_ok=True)
            new_entry, tmp_entry = stack.enter_context(_temp_beside(history / f"{stem}.txt"))
            new_entry.write(content)
            _finish_temp(new_entry, tmp_entry, Path("/nonexistent"))
            new_entry.close()
            archived = _link_new(tmp_entry, history, stem, ".txt", content)
        with _naming(baseline):
            os.replace(tmp_baseline, baseline)
    _fsync_dir(baseline.parent)
    return SavedBaseline(baseline, archived, commit, duplicate=duplicate is not None)


@dataclass(frozen=True)
class HistoryEntry:
    """An archived baseline; `when` and `commit` come from its file name."""

    path: Path
    when: datetime
    commit: str
    #: 1, or the `-N` suffix of a second save within the same second.
    sequence: int = 1


def list_history(history: Path) -> list[HistoryEntry]:
    """Archived baselines, oldest first (for trends: the report, hovers)."""
    entries: list[HistoryEntry] = []
    try:
        names = os.listdir(history)
    except OSError:
        return []
    for name in names:
        m = _HISTORY_NAME.match(name)
        if not m:
            continue
        when = datetime.strptime(m.group(1), _TIMESTAMP).replace(tzinfo=UTC)
        entries.append(HistoryEntry(history / name, when, m.group(2), int(m.group(3) or 1)))
    entries.sort(key=lambda e: (e.when, e.sequence, e.path.name))
    return entries
