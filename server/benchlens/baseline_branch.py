"""The baseline kept on a dedicated git branch, where CI stores it and anyone fetches it.

CI benchmarks every push to main and stores the results as the baseline; the next
pull request, the scheduled check and every developer's editor compare against it.
Why a branch rather than a workflow artifact: an artifact expires (90 days at
most), downloading one needs a GitHub token even for a public repository plus the
id of the run that made it, and there is no history across runs. A branch is
fetched with plain git by anyone who can clone, offline afterwards; its commits
are the history of the baseline; and it never touches the code branches.

The branch (default `benchlens-baseline`) holds only the baseline file and the
history directory, at the same paths as in the repository, so several modules of
one repository can share it. Publishing builds the commit with git plumbing in a
temporary index (the work tree and the real index are never touched) and pushes
it without force: a concurrent publisher makes the push fail, and we retry on top
of theirs. Fetching writes the baseline atomically and adds the history files
that are missing locally; a local history file is never overwritten.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from benchlens.config import Config
from benchlens.history import atomic_write_text, git, write_new
from benchlens.results.reader import ResultsFileError, load_results

DEFAULT_BRANCH = "benchlens-baseline"
DEFAULT_REMOTE = "origin"
#: Attempts at a push that a concurrent publisher made non-fast-forward.
PUSH_ATTEMPTS = 3


class BaselineBranchError(Exception):
    """git could not do what was asked; the message says what and quotes git."""


@dataclass(frozen=True)
class Layout:
    """Where the baseline and the history live, relative to the repository's top."""

    top: Path
    baseline: PurePosixPath
    history: PurePosixPath


@dataclass
class Fetched:
    """What `fetch_baseline` did. `commit` is None when the branch does not exist yet."""

    commit: str | None
    baseline_written: bool = False
    history_added: list[str] = field(default_factory=list)
    #: Local history files that differ from the branch's copy; kept as they are.
    history_kept: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Published:
    """What `publish_baseline` did. `commit` is None when the branch already held it all."""

    commit: str | None
    files: int
    created: bool


def _git(
    top: Path,
    *args: str,
    env: Mapping[str, str] | None = None,
    stdin: str | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    try:
        proc = git(top, *args, input=stdin, env=env)
    except OSError as exc:
        raise BaselineBranchError(f"git is not available: {exc}") from exc
    if check and proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip() or f"exit status {proc.returncode}"
        raise BaselineBranchError(f"git {args[0]} failed: {detail}")
    return proc


def _git_bytes(top: Path, *args: str) -> bytes:
    try:
        proc = subprocess.run(
            ["git", "-C", str(top), *args],
            capture_output=True,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except OSError as exc:
        raise BaselineBranchError(f"git is not available: {exc}") from exc
    if proc.returncode != 0:
        detail = proc.stderr.decode(errors="replace").strip()
        raise BaselineBranchError(f"git {args[0]} failed: {detail}")
    return proc.stdout


def layout(config: Config) -> Layout:
    """The repository around the workspace and the configured paths inside it."""
    proc = _git(config.root, "rev-parse", "--show-toplevel", check=False)
    if proc.returncode != 0:
        raise BaselineBranchError(f"{config.root} is not in a git repository")
    top = Path(proc.stdout.strip()).resolve()
    paths = []
    for path in (config.baseline, config.history):
        try:
            paths.append(PurePosixPath(path.resolve().relative_to(top).as_posix()))
        except ValueError as exc:
            raise BaselineBranchError(f"{path} is outside the repository {top}") from exc
    return Layout(top, paths[0], paths[1])


def remote_tip(top: Path, remote: str, branch: str) -> str | None:
    """The commit `branch` points to on `remote`, or None when it has no such branch."""
    proc = _git(top, "ls-remote", "--exit-code", remote, f"refs/heads/{branch}", check=False)
    if proc.returncode == 2:
        return None
    if proc.returncode != 0:
        detail = proc.stderr.strip() or f"exit status {proc.returncode}"
        raise BaselineBranchError(f"cannot read the branches of {remote!r}: {detail}")
    return proc.stdout.split()[0] if proc.stdout.split() else None


def _fetch(top: Path, remote: str, branch: str) -> str | None:
    tip = remote_tip(top, remote, branch)
    if tip is not None:
        _git(top, "fetch", "--quiet", "--no-tags", remote, f"refs/heads/{branch}")
    return tip


def _files_on(top: Path, commit: str, where: Sequence[PurePosixPath]) -> list[str]:
    out = _git(top, "ls-tree", "-r", "-z", "--name-only", commit, "--", *map(str, where)).stdout
    return [name for name in out.split("\0") if name]


def fetch_baseline(
    config: Config, remote: str = DEFAULT_REMOTE, branch: str = DEFAULT_BRANCH
) -> Fetched:
    """Bring the stored baseline and history into the workspace (see the module doc)."""
    where = layout(config)
    tip = _fetch(where.top, remote, branch)
    fetched = Fetched(tip)
    if tip is None:
        return fetched
    history_prefix = f"{where.history}/"
    local_history = _contents(where.top / where.history)
    for name in _files_on(where.top, tip, [where.baseline, where.history]):
        data = _git_bytes(where.top, "cat-file", "blob", f"{tip}:{name}")
        text = data.decode("utf-8", errors="replace")
        target = where.top / name
        if name == str(where.baseline):
            if not target.is_file() or target.read_bytes() != data:
                atomic_write_text(target, text)
            fetched.baseline_written = True
        elif name.startswith(history_prefix) and "/" not in name[len(history_prefix) :]:
            if data in local_history:
                continue  # the same entry, saved here under another name
            if not target.exists():
                path = PurePosixPath(name)
                write_new(target.parent, path.stem, text, path.suffix)
                fetched.history_added.append(name)
            elif target.read_bytes() != data:
                fetched.history_kept.append(name)
    return fetched


def _contents(directory: Path) -> set[bytes]:
    """The contents of the files in a history directory (a few small text files)."""
    if not directory.is_dir():
        return set()
    return {entry.read_bytes() for entry in directory.iterdir() if entry.is_file()}


def _local_files(where: Layout) -> list[PurePosixPath]:
    files = [where.baseline]
    history = where.top / where.history
    if history.is_dir():
        files += sorted(
            where.history / entry.name
            for entry in history.iterdir()
            if entry.is_file() and not entry.name.startswith(".")
        )
    return files


def _commit_message(config: Config, where: Layout) -> str:
    try:
        commit = load_results(config.baseline).config.get("commit", "")
    except ResultsFileError:
        commit = ""
    of = f" of {commit[:12]}" if commit and commit != "unknown" else ""
    return f"benchlens: baseline{of} ({where.baseline})"


def publish_baseline(
    config: Config, remote: str = DEFAULT_REMOTE, branch: str = DEFAULT_BRANCH
) -> Published:
    """Commit the workspace's baseline and history onto `branch` and push it (module doc)."""
    where = layout(config)
    if not config.baseline.is_file():
        raise BaselineBranchError(
            f"{config.baseline}: no baseline to publish; save one with `benchlens save-baseline`"
        )
    files = _local_files(where)
    message = _commit_message(config, where)
    for _attempt in range(PUSH_ATTEMPTS):
        parent = _fetch(where.top, remote, branch)
        commit = _commit_files(where, files, parent, message)
        if commit is None:
            return Published(None, len(files), created=False)
        refspec = f"{commit}:refs/heads/{branch}"
        push = _git(where.top, "push", "--quiet", remote, refspec, check=False)
        if push.returncode == 0:
            return Published(commit, len(files), created=parent is None)
        rejected = "rejected" in push.stderr or "fetch first" in push.stderr
        if not rejected:
            raise BaselineBranchError(f"git push to {remote} failed: {push.stderr.strip()}")
    raise BaselineBranchError(
        f"git push to {remote} was rejected {PUSH_ATTEMPTS} times (others publishing at once?)"
    )


def _commit_files(
    where: Layout, files: Sequence[PurePosixPath], parent: str | None, message: str
) -> str | None:
    """A commit of `parent`'s tree with `files` added (the baseline replaced), or None
    when that changes nothing. A history file whose name the branch already uses for
    other content (two machines saving in the same second) gets a free `-N` name:
    history is never overwritten. Built in a temporary index: the real one is never
    touched."""
    on_branch = _blobs_on(where.top, parent, where.history) if parent is not None else {}
    paths = "".join(f"{where.top / f}\n" for f in files)
    blobs = _git(where.top, "hash-object", "-w", "--stdin-paths", stdin=paths).stdout.split()
    if len(blobs) != len(files):
        raise BaselineBranchError("git hash-object did not hash every file")
    entries = []
    for blob, path in zip(blobs, files, strict=True):
        if path != where.baseline:
            if blob in on_branch.values():
                continue  # already there, under this name or another
            if path in on_branch:
                path = _free_name(path, on_branch)
            on_branch[path] = blob
        entries.append(f"100644 {blob}\t{path}\n")
    with tempfile.TemporaryDirectory(prefix="benchlens-index-") as tmp:
        env = {**os.environ, "GIT_INDEX_FILE": str(Path(tmp) / "index")}
        if parent is None:
            _git(where.top, "read-tree", "--empty", env=env)
        else:
            _git(where.top, "read-tree", parent, env=env)
        _git(where.top, "update-index", "--add", "--index-info", env=env, stdin="".join(entries))
        tree = _git(where.top, "write-tree", env=env).stdout.strip()
    if parent is not None:
        if _git(where.top, "rev-parse", f"{parent}^{{tree}}").stdout.strip() == tree:
            return None
        return _git(where.top, "commit-tree", tree, "-p", parent, "-m", message).stdout.strip()
    return _git(where.top, "commit-tree", tree, "-m", message).stdout.strip()


def _blobs_on(top: Path, commit: str, directory: PurePosixPath) -> dict[PurePosixPath, str]:
    """Path → blob of the files directly in `directory` at `commit`."""
    out = _git(top, "ls-tree", "-z", commit, "--", f"{directory}/").stdout
    blobs: dict[PurePosixPath, str] = {}
    for entry in out.split("\0"):
        meta, _, name = entry.partition("\t")
        parts = meta.split()
        if len(parts) == 3 and parts[1] == "blob":
            blobs[PurePosixPath(name)] = parts[2]
    return blobs


def _free_name(path: PurePosixPath, taken: Mapping[PurePosixPath, str]) -> PurePosixPath:
    for n in range(2, 10_000):
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        if candidate not in taken:
            return candidate
    raise BaselineBranchError(f"{path}: no free name on the baseline branch")
