"""One benchmark run: list packages, build each test binary once, run the set N times.

Why N separate processes, round-robin, instead of `go test -count=N`: back-to-back
samples in one process share heap state, caches, CPU frequency and scheduler luck,
so they are correlated; measured here they flag ~5–10 % of unchanged benchmarks
as changed, against ~0–1 % for independent processes. Each binary runs in its
package directory, as `go test` runs it. `fast_count` keeps the one-process way
for when time matters more than trust.

The run is driven by `BenchmarkSession.run(on_event)` in one thread; `cancel()` may
be called from any other thread and kills the current child's process group.
"""

from __future__ import annotations

import os
import queue
import re
import threading
import time
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchlens import __version__
from benchlens.config import Config, find_go_module
from benchlens.history import tree_commit
from benchlens.results.grammar import (
    announced_name,
    is_benchmark_output,
    looks_like_result,
    parse_config_line,
    split_procs,
)
from benchlens.results.model import Result, ResultSet
from benchlens.results.reader import load_results, read_lines
from benchlens.runner.builddir import build_dir
from benchlens.runner.eta import EtaTracker, prior_seconds
from benchlens.runner.events import (
    BenchmarkFinished,
    BenchmarkStarted,
    BuildFinished,
    BuildStarted,
    GoPackage,
    Output,
    PackageFailed,
    PackageFailure,
    PackageFinished,
    PackagesListed,
    PackageStarted,
    RunEvent,
    RunFinished,
    RunOutcome,
    Stage,
)
from benchlens.runner.goargs import (
    binary_args,
    build_test_binary_args,
    go_test_args,
    names_pattern,
    split_flags,
)
from benchlens.runner.gotool import (
    GoListError,
    benchmark_functions,
    has_benchmarks,
    list_packages,
    resolve_go,
)
from benchlens.runner.process import CancellableWork, Cancelled
from benchlens.runner.shard import Shard, package_weights, select

EventCallback = Callable[[RunEvent], None]

#: Lines of Go output kept in a failure message (the end of it, where the error is).
MAX_ERROR_LINES = 80

#: Keys of Go's crash output that look like configuration lines but are not.
_NOT_CONFIG = frozenset({"panic", "fatal", "signal", "error", "warning"})
_GO_TEST_OK = re.compile(r"^ok\s+(\S+)")
_GO_TEST_FAIL = re.compile(r"^FAIL\s+(\S+)")
_GO_TEST_NOTESTS = re.compile(r"^\?\s+(\S+)\s+\[no test files\]")


@dataclass(frozen=True)
class RunRequest:
    """What to run. `bench` is a Go regexp passed to `-bench` as one argument;
    `names` (exact benchmark names, `BenchmarkX/size=64`) replaces it when given."""

    root: Path
    packages: tuple[str, ...] = ("./...",)
    bench: str = "."
    names: tuple[str, ...] = ()
    benchtime: str = "1s"
    count: int = 1
    flags: tuple[str, ...] = ()
    timeout: str | None = "60m"
    go: str = "go"
    fast_count: bool = False
    env: Mapping[str, str] | None = None
    #: Earlier results of these benchmarks, most recent first: the time estimate
    #: before a package has run once (see `benchlens.runner.eta`).
    previous: tuple[Path, ...] = ()
    #: Run only this group of the packages with benchmarks (CI sharding), balanced
    #: by `shard_results`: results per package in the saved results (see `shard`).
    shard: Shard | None = None
    shard_results: Mapping[str, int] = field(default_factory=dict)
    #: Record where the results come from (`commit:`, `goversion:`, `benchlens:`
    #: configuration lines): asks git and go, which only trusted workspaces run.
    provenance: bool = True

    @property
    def pattern(self) -> str:
        return names_pattern(self.names) if self.names else self.bench

    @classmethod
    def from_config(
        cls,
        config: Config,
        *,
        mode: str = "default",
        benchtime: str | None = None,
        count: int | None = None,
        bench: str | None = None,
        names: Sequence[str] = (),
        packages: Sequence[str] = (),
        fast_count: bool = False,
        root: Path | None = None,
        shard: Shard | None = None,
        shard_results: Mapping[str, int] | None = None,
    ) -> RunRequest:
        """A request with the workspace's run settings; explicit arguments win.
        `root` runs the same settings elsewhere (a git worktree of another ref)."""
        run = config.run
        return cls(
            root=root or config.root,
            packages=tuple(packages) or config.packages,
            bench=bench or ".",
            names=tuple(names),
            benchtime=benchtime or run.benchtime.get(mode, "5s"),
            count=count if count is not None else run.count,
            flags=tuple(run.flags),
            timeout=run.timeout,
            go=run.go,
            fast_count=fast_count,
            previous=(config.current, config.baseline),
            shard=shard,
            shard_results=dict(shard_results or {}),
        )


@dataclass
class _RunState:
    package: str = ""
    run: int = 0
    side: str = ""
    errors: list[str] = field(default_factory=list)


def _previous_results(paths: Sequence[Path]) -> Iterator[ResultSet]:
    """The readable regular files among `paths`, read; anything wrong is skipped (an
    estimate is not worth an error)."""
    for path in paths:
        try:
            results = load_results(path) if path.is_file() else None
        except Exception:  # a time estimate never fails a run
            continue
        if results is not None:
            yield results


def _binary_name(index: int, import_path: str) -> str:
    return f"{index:03d}-{re.sub(r'[^A-Za-z0-9._-]+', '_', import_path)}.test"


def error_tail(lines: Sequence[str]) -> str:
    """The end of a child's output, where Go puts the error: at most MAX_ERROR_LINES lines."""
    kept = list(lines[-MAX_ERROR_LINES:])
    if len(lines) > MAX_ERROR_LINES:
        kept.insert(0, f"... ({len(lines) - MAX_ERROR_LINES} lines before)")
    return "\n".join(kept).strip("\n")


class _StartWatcher:
    """Announces each benchmark once, as early as its output shows it.

    Go prints a benchmark's name, runs it, then prints the numbers on the same
    line, so the incomplete line (`partial`) is the earliest sign. When name and
    numbers arrive in one read there is no such moment, and the complete result
    line (`complete`) announces it instead.
    """

    def __init__(self, announce: Callable[[str, int], None]) -> None:
        self._announce = announce
        self._pending: str | None = None  # announced from a partial line, result not yet seen

    def partial(self, text: str) -> None:
        name = announced_name(text)
        if name is not None and self._pending != name:
            self._pending = name
            self._announce(*split_procs(name))

    def complete(self, line: str) -> None:
        if not looks_like_result(line):
            return
        raw = line.split(None, 1)[0]
        if self._pending != raw:
            self._announce(*split_procs(raw))
        self._pending = None


def module_problem(root: Path) -> str | None:
    """Why `go test` cannot run in `root` — no `go.mod` (or `go.work`) there or above,
    said plainly instead of Go's error — or None. GOPATH mode (GO111MODULE=off) needs
    no module."""
    if os.environ.get("GO111MODULE") == "off" or find_go_module(root) is not None:
        return None
    return f"no Go module here: no go.mod in {root} or any parent directory"


class BinaryRuns(CancellableWork):
    """The steps of a run, for a plain run (`BenchmarkSession`) and an A/B run
    (`runner.ab.ABSession`) alike: list the packages with benchmarks, build each
    package's test binary once, run a binary once with its output routed to the
    parser. Events go to `_emit`; `side` names the side of an A/B run."""

    def __init__(self, request: RunRequest) -> None:
        super().__init__(request.env)
        self.request = request
        self._state = _RunState()
        self._emit: EventCallback = lambda _event: None
        self._failures: list[PackageFailure] = []

    def _tracked(self, on_event: EventCallback | None) -> EventCallback:
        """`on_event`, each event followed by the `RunProgress` it makes (elapsed, ETA)."""
        req = self.request
        tracker = EtaTracker(
            time.monotonic,
            prior_seconds(_previous_results(req.previous), req.pattern, req.benchtime),
            builds=not req.fast_count,
            per_process=req.count if req.fast_count else 1,
        )
        return tracker.wrap(on_event or (lambda _event: None))

    def _fail(self, package: str, stage: Stage, message: str, run: int = 0) -> None:
        failure = PackageFailure(package, stage, message, run, self._state.side)
        self._failures.append(failure)
        self._emit(PackageFailed(failure))

    def _list(self, go: str, root: Path) -> tuple[list[GoPackage], tuple[str, ...]]:
        """The packages under `root` with (the selected) benchmarks, and the others."""
        req = self.request
        problem = module_problem(root)
        if problem is not None:
            self._fail(" ".join(req.packages), "list", problem)
            return [], ()
        build_flags = split_flags(req.flags).list  # go list takes build flags only
        slot = self._slot
        try:
            with slot.adopting() as on_start:
                packages = list_packages(go, root, req.packages, build_flags, slot.env, on_start)
        except GoListError as exc:
            self._fail(" ".join(req.packages), "list", str(exc))
            return [], ()
        slot.check()
        for pkg in packages:
            if pkg.error and not pkg.test_files:
                # go list -e reports what it could not load (a missing directory, a
                # syntax error) in the package instead of failing: so does `go test`.
                self._fail(pkg.import_path, "list", pkg.error)
        functions = {n.split("/", 1)[0] for n in req.names} or None
        selected = [p for p in packages if has_benchmarks(p, functions)]
        skipped = tuple(p.import_path for p in packages if p not in selected)
        return selected, skipped

    def _build(
        self, go: str, packages: Sequence[GoPackage], bindir: Path, root: Path
    ) -> list[tuple[GoPackage, Path]]:
        """Each package's test binary, built once into `bindir` (`go test -c` in `root`);
        the packages that fail to build are reported and left out."""
        build_flags = split_flags(self.request.flags).build
        side = self._state.side
        binaries: list[tuple[GoPackage, Path]] = []
        for index, pkg in enumerate(packages):
            binary = bindir / _binary_name(index, pkg.import_path)
            self._emit(BuildStarted(pkg.import_path, side))
            t0 = time.monotonic()
            code, out = self._slot.capture(
                [go, *build_test_binary_args(pkg.import_path, str(binary), build_flags)], root
            )
            ok = code == 0 and binary.exists()
            self._emit(BuildFinished(pkg.import_path, ok, time.monotonic() - t0, side))
            if ok:
                binaries.append((pkg, binary))
            else:
                self._fail(pkg.import_path, "build", out.strip() or f"exit status {code}")
        return binaries

    def _binary_args(self) -> list[str]:
        """One run of a test binary: the selected benchmarks once (`-test.count=1`)."""
        req = self.request
        return binary_args(
            bench=req.pattern,
            benchtime=req.benchtime,
            count=1,
            timeout=req.timeout,
            flags=split_flags(req.flags).test,
        )

    def _run_binary(
        self, pkg: GoPackage, binary: Path, args: Sequence[str], run: int
    ) -> Generator[str, None, bool]:
        side = self._state.side
        state = self._state = _RunState(pkg.import_path, run, side)
        self._emit(PackageStarted(pkg.import_path, run, self.request.count, side))
        t0 = time.monotonic()
        # A binary run directly may not print `pkg:`: say it ourselves before its output.
        yield f"pkg: {pkg.import_path}"
        # `-exec PROG` in the flags runs the binary as `PROG BINARY ARGS`, as go test does.
        runner = split_flags(self.request.flags).exec
        proc = self._slot.start([*runner, str(binary), *args], pkg.dir)
        starts = self._start_watcher(state)
        try:
            for line in proc.lines(starts.partial):
                starts.complete(line)
                yield from self._route(state, line)
        finally:
            code = self._slot.finish(proc)
        self._slot.check()
        ok = code == 0
        if not ok:
            text = error_tail(state.errors) or "(no output)"
            self._fail(pkg.import_path, "test", f"{text}\nexit status {code}", run)
        self._emit(PackageFinished(pkg.import_path, run, ok, time.monotonic() - t0, side))
        return ok

    def _start_watcher(self, state: _RunState) -> _StartWatcher:
        return _StartWatcher(
            lambda name, procs: self._emit(
                BenchmarkStarted(state.package, name, procs, state.run, state.side)
            )
        )

    def _route(self, state: _RunState, line: str) -> Iterator[str]:
        """Pass result, configuration and Unit lines to the parser; everything else is
        kept as the error text of the run (`BenchmarkX  --- FAIL` is output, not a
        malformed result; `panic: ...` is not a configuration line)."""
        self._emit(Output(state.package, line))
        if line.startswith("Benchmark"):
            if is_benchmark_output(line):
                state.errors.append(line)
                return
        elif line.startswith("Unit "):
            pass
        else:
            config = parse_config_line(line)
            if config is None or config[0] in _NOT_CONFIG:
                if line not in ("PASS", ""):
                    state.errors.append(line)
                return
        yield line


class BenchmarkSession(BinaryRuns):
    """Runs one `RunRequest`. Not reusable: one session, one run. `cancel()` may be
    called from any thread; `run()` then returns with `cancelled=True`."""

    def __init__(self, request: RunRequest) -> None:
        super().__init__(request)
        self._packages: tuple[GoPackage, ...] = ()

    # -- control -----------------------------------------------------------

    def run(self, on_event: EventCallback | None = None) -> RunOutcome:
        """Run everything, calling `on_event` for each event in order (in this thread).
        Returns what completed; failures and cancellation are in the outcome, not raised
        (only a missing Go toolchain raises `GoNotFound`)."""
        req = self.request
        self._emit = self._tracked(on_event)
        go = resolve_go(req.go)
        started = time.monotonic()
        results = ResultSet("go test")
        lines = self._fast_stream(go) if self.request.fast_count else self._stream(go)
        try:
            for record in read_lines(lines, "go test"):
                results.add(record)
                if isinstance(record, Result):
                    self._emit(BenchmarkFinished(record.key.package, record, self._state.run or 1))
        except Cancelled:
            pass
        finally:
            lines.close()  # a failing callback must not leave a child running
        outcome = RunOutcome(
            results=results,
            failures=list(self._failures),
            cancelled=self.cancelled,
            elapsed=time.monotonic() - started,
            packages=self._packages,
        )
        self._emit(RunFinished(outcome))
        return outcome

    def events(self) -> Iterator[RunEvent]:
        """The same events as an iterator (the run happens in a worker thread). Closing
        the iterator early cancels the run."""
        q: queue.Queue[RunEvent | BaseException | None] = queue.Queue()

        def work() -> None:
            try:
                self.run(q.put)
            except BaseException as exc:
                q.put(exc)
            finally:
                q.put(None)

        worker = threading.Thread(target=work, name="benchlens-run", daemon=True)
        worker.start()
        try:
            while (item := q.get()) is not None:
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            if worker.is_alive():
                self.cancel()
            worker.join()

    # -- independent runs --------------------------------------------------

    def _listed(self, go: str) -> list[GoPackage]:
        """The packages to run, announced (`PackagesListed`)."""
        req = self.request
        selected, skipped = self._list(go, req.root)
        if req.shard is not None:
            selected = list(shard_of(selected, req.shard, req.shard_results))
        self._packages = tuple(selected)
        runs = 1 if self.request.fast_count else self.request.count
        self._emit(PackagesListed(self._packages, skipped, runs))
        return selected

    def _provenance(self, go: str) -> Iterator[str]:
        """Configuration lines saying where the results come from, in force for every
        result: `commit` (with ` (modified)` when the working tree differs from it),
        `goversion` (of the toolchain that builds, as `go env GOVERSION` says) and
        `benchlens`. What cannot be found is left out."""
        if not self.request.provenance:
            return
        commit = tree_commit(self.request.root)
        if commit:
            yield f"commit: {commit}"
        code, out = self._slot.capture([go, "env", "GOVERSION"], self.request.root)
        version = out.strip().splitlines()[-1].strip() if out.strip() else ""
        if code == 0 and re.fullmatch(r"go\S+", version):
            yield f"goversion: {version}"
        yield f"benchlens: {__version__}"

    def _stream(self, go: str) -> Generator[str, None, None]:
        """The output of every binary run, as one Go benchmark stream; each block is
        preceded by its own `pkg:` line."""
        req = self.request
        packages = self._listed(go)
        if not packages:
            return
        yield from self._provenance(go)
        with build_dir() as bindir:
            binaries = self._build(go, packages, Path(bindir), req.root)
            args = self._binary_args()
            failed: set[str] = set()
            for run in range(1, req.count + 1):
                for pkg, binary in binaries:
                    if pkg.import_path in failed:
                        continue
                    ok = yield from self._run_binary(pkg, binary, args, run)
                    if not ok:
                        failed.add(pkg.import_path)

    # -- one `go test` process (fast_count) ---------------------------------

    def _fast_stream(self, go: str) -> Generator[str, None, None]:
        req = self.request
        packages = self._listed(go)
        if not packages:
            return
        yield from self._provenance(go)
        argv = [
            go,
            *go_test_args(
                bench=req.pattern,
                benchtime=req.benchtime,
                packages=[p.import_path for p in packages],
                count=req.count,
                timeout=req.timeout,
                flags=req.flags,
            ),
        ]
        state = self._state = _RunState("", 1)
        proc = self._slot.start(argv, req.root)
        started: dict[str, float] = {}
        # Compile errors come as `# pkg [pkg.test]` blocks, possibly long before that
        # package's `FAIL pkg [build failed]` line.
        build_errors: dict[str, list[str]] = {}
        owner: str | None = None
        starts = self._start_watcher(state)
        seen_fail = False
        try:
            for line in proc.lines(starts.partial):
                starts.complete(line)
                done = _go_test_done(line)
                if line.startswith("# "):
                    owner = line[2:].split(" ", 1)[0]
                    build_errors.setdefault(owner, []).append(line)
                    self._emit(Output(owner, line))
                    continue
                if owner is not None and done is None and parse_config_line(line) is None:
                    build_errors[owner].append(line)
                    self._emit(Output(owner, line))
                    continue
                owner = None
                if line.startswith("pkg: "):
                    pkg = line[5:].strip()
                    if pkg != state.package:
                        state.package = pkg
                        started[pkg] = time.monotonic()
                        self._emit(PackageStarted(pkg, 1, 1))
                if done is not None:
                    pkg, ok = done
                    self._emit(Output(pkg, line))
                    if not ok:
                        seen_fail = True
                        if "[build failed]" in line:
                            text = build_errors.get(pkg) or ["(see the build errors above)"]
                            self._fail(pkg, "build", error_tail(text), 1)
                        else:
                            self._fail(pkg, "test", error_tail(state.errors), 1)
                    elapsed = time.monotonic() - started.pop(pkg, time.monotonic())
                    self._emit(PackageFinished(pkg, 1, ok, elapsed))
                    state.errors = []
                    continue
                yield from self._route(state, line)
        finally:
            code = self._slot.finish(proc)
        self._slot.check()
        if code != 0 and not seen_fail:
            message = error_tail(state.errors) or f"exit status {code}"
            self._fail(" ".join(req.packages), "test", message, 1)


def shard_of(
    packages: Sequence[GoPackage], shard: Shard, known: Mapping[str, int]
) -> tuple[GoPackage, ...]:
    """The packages of one shard (see `benchlens.runner.shard`)."""
    by_path = {p.import_path: p for p in packages}
    weights = package_weights(by_path, known, lambda path: len(benchmark_functions(by_path[path])))
    mine = set(select(list(by_path), shard, weights))
    return tuple(p for p in packages if p.import_path in mine)


def _go_test_done(line: str) -> tuple[str, bool] | None:
    """`ok  pkg 1.2s` / `?  pkg [no test files]` → (pkg, True); `FAIL pkg ...` → (pkg, False)."""
    for pattern, ok in ((_GO_TEST_OK, True), (_GO_TEST_NOTESTS, True), (_GO_TEST_FAIL, False)):
        m = pattern.match(line)
        if m:
            return m.group(1), ok
    return None
