"""CPU and memory profiles of one benchmark, the same way for every front end.

The package (given, or the one whose `_test.go` files declare `func BenchmarkX(`)
gets its test binary built (`go test -c`) into the profile directory and kept
there next to `cpu.prof` and `mem.prof`, so that `go tool pprof` can show symbols
and source. The binary runs the benchmark once (`-test.count=1`) with
`-test.cpuprofile`/`-test.memprofile`, in its package directory as `go test`
runs it, its output streamed line by line to a callback; then
`go tool pprof -top` summarises the CPU profile.

`Profiler.run()` works in one thread; `cancel()` may be called from any other and
kills the current child's process group (`go list`, the build, the benchmark or
pprof). Failures and cancellation are in the returned `ProfileOutcome`, not
raised (only a missing Go toolchain raises `GoNotFound`).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from benchlens.config import Config
from benchlens.runner.events import GoPackage
from benchlens.runner.goargs import binary_args, build_test_binary_args, name_pattern, split_flags
from benchlens.runner.gotool import GoListError, benchmark_functions, list_packages, resolve_go
from benchlens.runner.process import CancellableWork, Cancelled, StreamingProcess
from benchlens.runner.session import error_tail

#: Lines of `go tool pprof -top` kept.
TOP_LINES = 15

#: A step of profiling: `find` the package, `build` its test binary, `run` the
#: benchmark, read the CPU profile's `top`.
Step = Literal["find", "build", "run", "top"]

#: Where profiling failed: `list` (`go list` failed, or the given package is not
#: exactly one), `find` (no package or several declare the benchmark: name the
#: package), `build`, `run` (the benchmark failed), `match` (no benchmark of that
#: name ran).
FailureStage = Literal["list", "find", "build", "run", "match"]


def safe_dir_name(bench: str) -> str:
    """A directory name for a benchmark: `BenchmarkX/size=64` → `BenchmarkX_size=64`.
    Only letters, digits and `._=-` survive; never empty, `.` or `..`, never hidden."""
    name = re.sub(r"[^A-Za-z0-9._=-]+", "_", bench).strip("._") or "benchmark"
    return name[:120]


#: What `profiles/.gitignore` says: everything there is local to this machine.
GITIGNORE = """\
# Written by benchlens: profiles (*.prof) and the test binaries (*.test) they were
# taken from are large and machine-specific. Commit benchmark_results/baseline.txt
# and benchmark_results/history/ instead.
*
"""


def ignore_profiles(directory: Path) -> None:
    """Put a `.gitignore` into the profiles directory, so that `git add -A` does not
    commit megabytes of test binaries; one the user wrote is left as it is."""
    gitignore = directory / ".gitignore"
    try:
        with open(gitignore, "x", encoding="utf-8") as f:
            f.write(GITIGNORE)
    except FileExistsError:
        pass


class ProfileError(Exception):
    """The package to profile cannot be determined; `stage` is `list` or `find`."""

    def __init__(self, message: str, stage: FailureStage) -> None:
        super().__init__(message)
        self.stage: FailureStage = stage


def find_package(
    go: str,
    root: Path,
    bench: str,
    *,
    package: str | None = None,
    patterns: Sequence[str] = ("./...",),
    flags: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    on_start: Callable[[StreamingProcess], None] | None = None,
) -> GoPackage:
    """The package to profile: `package` (an import path or `./dir`, which must be
    exactly one package), else the one among `patterns` whose test files declare the
    benchmark's function. `flags` are build flags (`-tags`). Raises ProfileError."""
    env_dict = dict(env) if env is not None else None
    try:
        packages = list_packages(
            go, root, [package] if package else patterns, flags, env_dict, on_start
        )
    except GoListError as exc:
        raise ProfileError(str(exc), "list") from exc
    if package:
        if len(packages) != 1:
            n = len(packages)
            raise ProfileError(f"{package} matches {n} packages; give exactly one", "list")
        return packages[0]
    func = bench.split("/", 1)[0]
    found = [p for p in packages if func in benchmark_functions(p)]
    if not found:
        raise ProfileError(f"no package in {' '.join(patterns)} declares func {func}", "find")
    if len(found) > 1:
        names = ", ".join(p.import_path for p in found)
        raise ProfileError(f"{func} is declared in several packages ({names})", "find")
    return found[0]


@dataclass(frozen=True)
class ProfileRequest:
    """What to profile. `bench` names the benchmark (`BenchmarkX/size=64`: the profile
    directory and the messages); `pattern` is the `-test.bench` regexp (by default
    exactly `bench`); `package` is searched for in `packages` when not given."""

    root: Path
    bench: str
    out_dir: Path
    pattern: str
    package: str | None = None
    packages: tuple[str, ...] = ("./...",)
    benchtime: str = "5s"
    flags: tuple[str, ...] = ()
    timeout: str | None = "60m"
    go: str = "go"
    env: Mapping[str, str] | None = None

    @property
    def cpu(self) -> Path:
        return self.out_dir / "cpu.prof"

    @property
    def mem(self) -> Path:
        return self.out_dir / "mem.prof"

    @classmethod
    def from_config(
        cls,
        config: Config,
        bench: str,
        *,
        pattern: str | None = None,
        package: str | None = None,
        mode: str = "default",
        benchtime: str | None = None,
    ) -> ProfileRequest:
        """A request with the workspace's run settings, writing into
        `<results dir>/profiles/<bench>/`; explicit arguments win."""
        run = config.run
        return cls(
            root=config.root,
            bench=bench,
            out_dir=config.current.parent / "profiles" / safe_dir_name(bench),
            pattern=pattern or name_pattern(bench),
            package=package,
            packages=config.packages,
            benchtime=benchtime or run.benchtime.get(mode, "5s"),
            flags=tuple(run.flags),
            timeout=run.timeout,
            go=run.go,
        )


@dataclass(frozen=True)
class ProfileStep:
    """A step begins; `package` is the import path once it is known."""

    step: Step
    package: str = ""


@dataclass(frozen=True)
class ProfileFailure:
    """Why there are no profiles: a one-line `message` and Go's own output (`detail`:
    the build errors, or the end of the benchmark's output)."""

    stage: FailureStage
    message: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.message}:\n{self.detail}" if self.detail else self.message


def shell_path(path: Path, base: Path | None = None) -> str:
    """`path` to paste into a POSIX shell: relative to `base` when inside it, quoted."""
    if base is not None and path.is_relative_to(base):
        path = path.relative_to(base)
    return shlex.quote(str(path))


@dataclass(frozen=True)
class ProfileOutcome:
    """What profiling produced. `ok`: `cpu` and `mem` in `out_dir` hold the profiles,
    taken from `binary`; `top` is the head of `go tool pprof -top` (empty, and
    `top_error` set, if pprof failed: the profiles are still good)."""

    out_dir: Path
    cpu: Path
    mem: Path
    package: GoPackage | None = None
    binary: Path | None = None
    top: tuple[str, ...] = ()
    top_error: str | None = None
    failure: ProfileFailure | None = None
    cancelled: bool = False

    @property
    def ok(self) -> bool:
        return self.failure is None and not self.cancelled

    def commands(self, base: Path | None = None) -> list[str]:
        """The commands that open the CPU and the memory profile in a browser; paths
        relative to `base` when they are inside it, quoted for a POSIX shell."""
        binary = [shell_path(self.binary, base)] if self.binary is not None else []
        cpu, mem = shell_path(self.cpu, base), shell_path(self.mem, base)
        return [
            " ".join(["go tool pprof -http=:8080", *binary, cpu]),
            " ".join(["go tool pprof -http=:8080 -sample_index=alloc_space", *binary, mem]),
        ]


class Profiler(CancellableWork):
    """Profiles one `ProfileRequest`. Not reusable: one profiler, one run. `cancel()`
    may be called from any thread; `run()` then returns with `cancelled=True`."""

    def __init__(self, request: ProfileRequest) -> None:
        super().__init__(request.env)
        self.request = request
        self._package: GoPackage | None = None
        self._binary: Path | None = None

    def run(
        self,
        on_line: Callable[[str], None] | None = None,
        on_step: Callable[[ProfileStep], None] | None = None,
    ) -> ProfileOutcome:
        """Profile, calling `on_step` as each step begins and `on_line` with each line
        the benchmark prints (in this thread)."""
        go = resolve_go(self.request.go)
        step = on_step or _ignore
        top: tuple[str, ...] = ()
        top_error: str | None = None
        failure: ProfileFailure | None = None
        try:
            failure = self._profile(go, on_line or _ignore, step)
            if failure is None:
                step(ProfileStep("top", self._import_path))
                top, top_error = self._top(go)
        except Cancelled:
            pass
        req = self.request
        outcome = ProfileOutcome(req.out_dir, req.cpu, req.mem, self._package, self._binary)
        if self.cancelled:
            return replace(outcome, cancelled=True)
        return replace(outcome, top=top, top_error=top_error, failure=failure)

    @property
    def _import_path(self) -> str:
        return self._package.import_path if self._package is not None else ""

    def _profile(
        self, go: str, on_line: Callable[[str], None], on_step: Callable[[ProfileStep], None]
    ) -> ProfileFailure | None:
        req, slot = self.request, self._slot
        slot.check()
        flags = split_flags(req.flags)
        on_step(ProfileStep("find", req.package or ""))
        try:
            with slot.adopting() as on_start:
                pkg = find_package(
                    go,
                    req.root,
                    req.bench,
                    package=req.package,
                    patterns=req.packages,
                    flags=flags.list,
                    env=slot.env,
                    on_start=on_start,
                )
        except ProfileError as exc:
            slot.check()
            return ProfileFailure(exc.stage, str(exc))
        self._package = pkg
        req.out_dir.mkdir(parents=True, exist_ok=True)
        ignore_profiles(req.out_dir.parent)
        binary = req.out_dir / f"{pkg.name or 'pkg'}.test"

        on_step(ProfileStep("build", pkg.import_path))
        build = build_test_binary_args(pkg.import_path, str(binary), flags.build)
        code, out = slot.capture([go, *build], req.root)
        if code != 0 or not binary.exists():
            message = f"{pkg.import_path}: build failed"
            return ProfileFailure("build", message, out.strip() or f"exit status {code}")
        self._binary = binary

        profiles = (f"-test.cpuprofile={req.cpu}", f"-test.memprofile={req.mem}")
        argv = [
            *flags.exec,
            str(binary),
            *binary_args(
                bench=req.pattern,
                benchtime=req.benchtime,
                timeout=req.timeout,
                flags=(*profiles, *flags.test),
            ),
        ]
        on_step(ProfileStep("run", pkg.import_path))
        output: list[str] = []
        proc = slot.start(argv, pkg.dir)
        try:
            for line in proc.lines():
                output.append(line)
                on_line(line)
        finally:
            code = slot.finish(proc)
        slot.check()
        if code != 0:
            message = f"{req.bench}: the benchmark failed (exit status {code})"
            return ProfileFailure("run", message, error_tail(output))
        if not any(line.startswith("Benchmark") for line in output) or not req.cpu.exists():
            message = f"{req.bench}: no benchmark of that name ran in {pkg.import_path}"
            return ProfileFailure("match", message)
        return None

    def _top(self, go: str) -> tuple[tuple[str, ...], str | None]:
        """The head of `go tool pprof -top`, or the error pprof printed."""
        assert self._binary is not None
        argv = [go, "tool", "pprof", "-top", str(self._binary), str(self.request.cpu)]
        code, out = self._slot.capture(argv, self.request.root)
        if code != 0:
            return (), out.strip() or f"exit status {code}"
        return tuple(out.splitlines()[:TOP_LINES]), None


def _ignore(_value: object) -> None:
    pass
