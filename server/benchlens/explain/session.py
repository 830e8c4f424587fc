"""`explain`'s work: profile one benchmark on the baseline side and the current side,
and diff the profiles per function and line.

The baseline side is the commit `ref` names — by default the one recorded in the
baseline results (`commit:`), else HEAD — built in a temporary `git worktree`
(`benchlens.worktree`), which is removed afterwards whatever happens. The
current side is the workspace as it is on disk. Both test binaries are built
first, then run alternately (baseline, current, baseline, ...), each run with
the same benchtime and its own CPU and memory profile, so that drift in the
machine's speed hits both sides alike. What lands in
`<results>/explain/<bench>/`: the two binaries, each run's profiles
(`base.cpu.1.prof`, ...), both sides' benchmark output (`base.txt`, `cur.txt`),
the runs of a side merged into one profile per kind (`base.cpu.prof`, ... — the
baseline's with its file names rewritten from the worktree to the workspace, so
`go tool pprof -diff_base` pairs the functions), and `explanation.json`.

`ExplainSession.run()` works in one thread; `cancel()` may be called from any
other. Failures and cancellation are in the returned `ExplainOutcome`.
"""

from __future__ import annotations

import shlex
import statistics
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from benchlens.config import Config
from benchlens.explain.attribute import Locate, RoundCosts, per_op, tally
from benchlens.explain.diff import compare_quantity
from benchlens.explain.linemap import LineMaps
from benchlens.explain.model import EXPLANATION_FILE, Explanation, QuantityChange, Side, dumps
from benchlens.goindex.modules import ModuleResolver
from benchlens.goindex.names import go_quote_meta
from benchlens.history import atomic_write_text, git_commit
from benchlens.pprof import Profile, ProfileFormatError, load_profile, rewrite_file_paths
from benchlens.results.model import Result
from benchlens.results.reader import read_lines
from benchlens.runner.events import GoPackage
from benchlens.runner.goargs import binary_args, build_test_binary_args, name_pattern, split_flags
from benchlens.runner.gotool import resolve_go
from benchlens.runner.process import CancellableWork, Cancelled
from benchlens.runner.profile import ProfileError, find_package, safe_dir_name
from benchlens.runner.session import error_tail
from benchlens.worktree import (
    ResolvedRef,
    WorktreeError,
    recorded_commit,
    resolve_ref,
    temporary_worktree,
)

#: Where explaining failed: `ref` (no such commit, or the recorded one is not in the
#: repository), `worktree`, `list`/`find` (the package), `build`, `run` (the
#: benchmark failed), `match` (not exactly one benchmark ran), `profile` (a profile
#: cannot be read).
FailureStage = Literal["ref", "worktree", "list", "find", "build", "run", "match", "profile"]

Step = Literal["ref", "worktree", "find", "build", "run", "analyse"]
SideName = Literal["base", "cur"]

#: (kind in the profile, unit per op the benchmark reports, profile file kind)
QUANTITIES = (
    ("cpu", "ns/op", "cpu"),
    ("alloc_space", "B/op", "mem"),
    ("alloc_objects", "allocs/op", "mem"),
)


@dataclass(frozen=True)
class ExplainRequest:
    """What to explain, in the workspace `config` describes (its packages, go flags,
    timeout, toolchain and baseline). `ref` None: the baseline's recorded commit,
    else HEAD."""

    config: Config
    bench: str
    out_dir: Path
    pattern: str
    ref: str | None = None
    package: str | None = None
    benchtime: str = "1s"
    rounds: int = 3
    group: bool = True
    env: Mapping[str, str] | None = None

    @property
    def root(self) -> Path:
        return self.config.root

    @classmethod
    def from_config(
        cls,
        config: Config,
        bench: str,
        *,
        ref: str | None = None,
        package: str | None = None,
        benchtime: str | None = None,
        rounds: int | None = None,
        group: bool = True,
    ) -> ExplainRequest:
        """A request writing into `<results dir>/explain/<bench>/`, with the quick
        benchtime by default: a profile needs seconds, not a full run's precision."""
        return cls(
            config=config,
            bench=bench,
            out_dir=explain_dir(config, bench),
            pattern=name_pattern(bench),
            ref=ref,
            package=package,
            benchtime=benchtime or config.run.benchtime.get("quick", "1s"),
            rounds=rounds or 3,
            group=group,
        )


def explain_dir(config: Config, bench: str) -> Path:
    """`<results dir>/explain/<bench>/`: where a benchmark's explanation is kept."""
    return config.current.parent / "explain" / safe_dir_name(bench)


@dataclass(frozen=True)
class ExplainStep:
    """A step begins: `side` and `run` (1-based, of `runs`) for builds and runs."""

    step: Step
    side: SideName | None = None
    run: int = 0
    runs: int = 0
    detail: str = ""


@dataclass(frozen=True)
class ExplainFailure:
    """Why there is no explanation: one line, and Go's own output (`detail`)."""

    stage: FailureStage
    message: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.message}:\n{self.detail}" if self.detail else self.message


@dataclass(frozen=True)
class ExplainOutcome:
    explanation: Explanation | None = None
    saved: Path | None = None
    failure: ExplainFailure | None = None
    cancelled: bool = False
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.explanation is not None and self.failure is None and not self.cancelled


class _Failed(Exception):
    def __init__(self, failure: ExplainFailure) -> None:
        super().__init__(failure.message)
        self.failure = failure


def choose_ref(config: Config, ref: str | None) -> ResolvedRef:
    """The baseline side's commit (`benchlens.worktree.resolve_ref`). A baseline whose
    recorded commit this repository lacks is an error here, not HEAD: profiling HEAD
    would explain a change other than the one the baseline measured."""
    if ref is None:
        recorded = recorded_commit(config.baseline)
        if recorded is not None and git_commit(config.root, recorded) is None:
            raise WorktreeError(
                f"{config.baseline.name} was recorded at commit {recorded[:12]}, which is not "
                f"in the repository at {config.root}; give --ref REF, the commit whose code "
                "the baseline measured"
            )
    return resolve_ref(config, ref)


@dataclass
class _SideRun:
    """One side's build and runs."""

    name: SideName
    root: Path
    package: GoPackage
    binary: Path
    output: list[str] = field(default_factory=list)
    #: Per run: the reported values per op (unit → value) and the iterations.
    reported: list[dict[str, float]] = field(default_factory=list)
    iterations: list[int] = field(default_factory=list)

    def profile(self, out_dir: Path, kind: str, run: int) -> Path:
        return out_dir / f"{self.name}.{kind}.{run}.prof"


class ExplainSession(CancellableWork):
    """Explains one `ExplainRequest`. Not reusable; `cancel()` from any thread."""

    def __init__(self, request: ExplainRequest) -> None:
        super().__init__(request.env)
        self.request = request

    def run(
        self,
        on_line: Callable[[str], None] | None = None,
        on_step: Callable[[ExplainStep], None] | None = None,
    ) -> ExplainOutcome:
        """Explain, calling `on_step` as each step begins and `on_line` with each line
        the benchmark prints (in this thread)."""
        step = on_step or _ignore
        line = on_line or _ignore
        notes: list[str] = []
        try:
            go = resolve_go(self.request.config.run.go)
            explanation, saved = self._explain(go, step, line, notes)
        except _Failed as exc:
            if self.cancelled:
                return ExplainOutcome(cancelled=True, notes=tuple(notes))
            return ExplainOutcome(failure=exc.failure, notes=tuple(notes))
        except Cancelled:
            return ExplainOutcome(cancelled=True, notes=tuple(notes))
        if self.cancelled:
            return ExplainOutcome(cancelled=True, notes=tuple(notes))
        return ExplainOutcome(explanation, saved, notes=tuple(notes))

    # -- the steps ---------------------------------------------------------------

    def _explain(
        self,
        go: str,
        step: Callable[[ExplainStep], None],
        on_line: Callable[[str], None],
        notes: list[str],
    ) -> tuple[Explanation, Path]:
        req, slot = self.request, self._slot
        step(ExplainStep("ref"))
        try:
            resolved = choose_ref(req.config, req.ref)
        except WorktreeError as exc:
            raise _Failed(ExplainFailure("ref", str(exc))) from exc
        ref, commit = resolved.ref, resolved.commit
        if resolved.note:
            notes.append(f"{resolved.note} as the baseline side (--ref chooses another)")
        step(ExplainStep("find", detail=req.package or ""))
        current = self._find(go, req.root, req.package)
        slot.check()
        req.out_dir.mkdir(parents=True, exist_ok=True)
        _ignore_binaries(req.out_dir.parent)
        for stale in req.out_dir.glob("*.prof"):
            stale.unlink(missing_ok=True)
        named = commit[:12] if commit.startswith(ref) else f"{ref} ({commit[:7]})"
        step(ExplainStep("worktree", detail=named))
        try:
            with temporary_worktree(req.root, commit) as where:
                slot.check()
                base_pkg = self._find(go, where, current.import_path, side_ref=ref)
                base = _SideRun("base", where, base_pkg, req.out_dir / "base.test")
                cur = _SideRun("cur", req.root, current, req.out_dir / "cur.test")
                for side in (base, cur):
                    step(ExplainStep("build", side.name, detail=side.package.import_path))
                    self._build(go, side)
                for n in range(1, req.rounds + 1):
                    for side in (base, cur):
                        step(ExplainStep("run", side.name, n, req.rounds))
                        self._run_once(side, n, on_line)
                for side in (base, cur):
                    text = "\n".join(side.output) + "\n"
                    atomic_write_text(req.out_dir / f"{side.name}.txt", text)
                step(ExplainStep("analyse"))
                sources = _sources(where, req.root)
                explanation = self._analyse(go, base, cur, ref, commit, sources, notes)
        except WorktreeError as exc:
            raise _Failed(ExplainFailure("worktree", str(exc))) from exc
        saved = req.out_dir / EXPLANATION_FILE
        atomic_write_text(saved, dumps(explanation))
        return explanation, saved

    def _find(
        self, go: str, root: Path, package: str | None, side_ref: str | None = None
    ) -> GoPackage:
        req, slot = self.request, self._slot
        flags = split_flags(req.config.run.flags)
        try:
            with slot.adopting() as on_start:
                return find_package(
                    go,
                    root,
                    req.bench,
                    package=package,
                    patterns=req.config.packages,
                    flags=flags.build,
                    env=slot.env,
                    on_start=on_start,
                )
        except ProfileError as exc:
            slot.check()
            if side_ref is not None:
                message = f"{package}: not a package at {side_ref} ({exc})"
                raise _Failed(ExplainFailure("list", message)) from exc
            raise _Failed(ExplainFailure(exc.stage, str(exc))) from exc

    def _build(self, go: str, side: _SideRun) -> None:
        flags = split_flags(self.request.config.run.flags)
        argv = [
            go,
            *build_test_binary_args(side.package.import_path, str(side.binary), flags.build),
        ]
        side.binary.unlink(missing_ok=True)
        code, out = self._slot.capture(argv, side.root)
        if code != 0 or not side.binary.exists():
            where = "the baseline" if side.name == "base" else "the working tree"
            message = f"{side.package.import_path}: build failed in {where}"
            raise _Failed(ExplainFailure("build", message, out.strip() or f"exit status {code}"))

    def _run_once(self, side: _SideRun, n: int, on_line: Callable[[str], None]) -> None:
        req, slot = self.request, self._slot
        flags = split_flags(req.config.run.flags)
        cpu, mem = side.profile(req.out_dir, "cpu", n), side.profile(req.out_dir, "mem", n)
        argv = [
            str(side.binary),
            *binary_args(
                bench=req.pattern,
                benchtime=req.benchtime,
                timeout=req.config.run.timeout,
                flags=(f"-test.cpuprofile={cpu}", f"-test.memprofile={mem}", *flags.test),
            ),
        ]
        output: list[str] = []
        proc = slot.start(argv, side.package.dir)
        try:
            for text in proc.lines():
                output.append(text)
                on_line(text)
        finally:
            code = slot.finish(proc)
        slot.check()
        side.output.extend(output)
        label = "baseline" if side.name == "base" else "current"
        if code != 0:
            message = f"{req.bench}: the benchmark failed on the {label} side (exit status {code})"
            raise _Failed(ExplainFailure("run", message, error_tail(output)))
        results = [r for r in read_lines(output, f"{label} run {n}") if isinstance(r, Result)]
        names = sorted({r.key.name for r in results})
        if not results or not cpu.exists():
            message = f"{req.bench}: no benchmark of that name ran in {side.package.import_path}"
            raise _Failed(ExplainFailure("match", message))
        if len(names) > 1:
            subs = ", ".join(names[:6]) + (", ..." if len(names) > 6 else "")
            message = (
                f"{req.bench} runs {len(names)} benchmarks ({subs}); "
                "name one, as a profile is normalised by one benchmark's numbers"
            )
            raise _Failed(ExplainFailure("match", message))
        result = results[-1]
        side.reported.append({v.unit: v.value for v in result.values})
        side.iterations.append(result.iterations)

    def _analyse(
        self,
        go: str,
        base: _SideRun,
        cur: _SideRun,
        ref: str,
        commit: str,
        sources: Callable[[str], tuple[str | None, str | None]],
        notes: list[str],
    ) -> Explanation:
        req = self.request
        base_locate = _locator(base.root, base.package)
        cur_locate = _locator(cur.root, cur.package)
        quantities: list[QuantityChange] = []
        files: set[str] = set()
        sides = {}
        for kind, unit, profile_kind in QUANTITIES:
            if not all(unit in r for r in base.reported + cur.reported):
                continue  # not reported (e.g. no -benchmem): nothing to scale by
            costs = {}
            for side, locate in ((base, base_locate), (cur, cur_locate)):
                rounds = []
                period = 0.0
                for n, reported in enumerate(side.reported, start=1):
                    profile = _load(side.profile(req.out_dir, profile_kind, n))
                    index = _value_index(profile, kind)
                    count = 0 if kind == "cpu" else None
                    period = float(profile.period) if kind == "cpu" else 0.0
                    tallied = tally(profile, index, locate, group=req.group, count_index=count)
                    rounds.append((tallied, reported[unit]))
                costs[side.name] = per_op(rounds, period)
                files |= costs[side.name].workspace_files
                _note_empty(notes, side, kind, rounds)
            sides[kind] = costs
        maps = LineMaps.from_sources({f: sources(f) for f in sorted(files)})
        for kind, unit, _ in QUANTITIES:
            if kind in sides:
                costs = sides[kind]
                quantities.append(compare_quantity(kind, unit, costs["base"], costs["cur"], maps))
        profiles = self._merge_profiles(go, base, cur)
        top = next(
            (f.function for q in quantities[:1] for f in q.functions if f.flat.delta > 0), None
        )
        return Explanation(
            benchmark=req.bench,
            package=cur.package.import_path,
            benchtime=req.benchtime,
            grouped=req.group,
            created=datetime.now(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ"),
            baseline=_side(base, "baseline", ref, commit, profiles["base"], req.root),
            current=_side(cur, "current", "working tree", None, profiles["cur"], req.root),
            quantities=tuple(quantities),
            commands=tuple(pprof_commands(profiles, req.root, top)),
            notes=tuple(notes),
        )

    def _merge_profiles(
        self, go: str, base: _SideRun, cur: _SideRun
    ) -> dict[str, dict[str, tuple[Path, ...]]]:
        """Each side's runs merged into one profile per kind by `go tool pprof -proto`,
        the baseline's file names rewritten to the workspace's. Where pprof cannot
        merge, the runs' own files stand in (pprof accepts several)."""
        req = self.request
        merged: dict[str, dict[str, tuple[Path, ...]]] = {}
        for side in (base, cur):
            merged[side.name] = {}
            for kind in ("cpu", "mem"):
                runs = [side.profile(req.out_dir, kind, n) for n in range(1, req.rounds + 1)]
                target = req.out_dir / f"{side.name}.{kind}.prof"
                argv = [go, "tool", "pprof", "-proto", f"-output={target}", *map(str, runs)]
                code, _out = self._slot.capture(argv, req.root)
                files: tuple[Path, ...] = (target,) if code == 0 and target.exists() else ()
                if not files:
                    files = tuple(runs)
                if side.name == "base":
                    prefix, replacement = f"{side.root}/", f"{req.root}/"

                    def rewrite(name: str, p: str = prefix, r: str = replacement) -> str:
                        return r + name[len(p) :] if name.startswith(p) else name

                    for path in files:
                        try:
                            rewrite_file_paths(path, path, rewrite)
                        except ProfileFormatError as exc:
                            raise _Failed(ExplainFailure("profile", str(exc))) from exc
                merged[side.name][kind] = files
        return merged


def _load(path: Path) -> Profile:
    try:
        return load_profile(path)
    except ProfileFormatError as exc:
        raise _Failed(ExplainFailure("profile", str(exc))) from exc


def _value_index(profile: Profile, kind: str) -> int:
    try:
        return profile.value_index(kind)
    except ProfileFormatError as exc:
        raise _Failed(ExplainFailure("profile", str(exc))) from exc


def _note_empty(
    notes: list[str], side: _SideRun, kind: str, rounds: list[tuple[RoundCosts, float]]
) -> None:
    unseen = sum(1 for costs, reported in rounds if reported > 0 and costs.loop_total <= 0)
    if unseen:
        label = "baseline" if side.name == "base" else "current"
        notes.append(
            f"{label}: {unseen} of {len(rounds)} runs' profiles saw no {kind} in the "
            "benchmark loop (too short a benchtime to sample it)"
        )


def _locator(side_root: Path, package: GoPackage) -> Locate:
    """File name in a profile → workspace-relative path, for the workspace's own code
    (not vendored code): absolute paths under the side's root, and module-path
    relative ones (a `-trimpath` build)."""
    module = ModuleResolver().module_of_dir(package.dir)
    module_prefix = f"{module.path}/" if module is not None and module.path != "std" else None
    module_rel = None
    if module is not None:
        try:
            module_rel = module.root.resolve().relative_to(side_root.resolve())
        except ValueError:
            module_rel = None
    root = str(side_root.resolve()) + "/"
    plain_root = str(side_root) + "/"

    def locate(file: str) -> str | None:
        rel: str | None = None
        if file.startswith(root):
            rel = file[len(root) :]
        elif file.startswith(plain_root):
            rel = file[len(plain_root) :]
        elif module_prefix and module_rel is not None and file.startswith(module_prefix):
            rel = str(module_rel / file[len(module_prefix) :])
        if rel is None or rel.startswith("../") or "vendor" in rel.split("/")[:-1]:
            return None
        return rel

    return locate


def _sources(base_root: Path, cur_root: Path) -> Callable[[str], tuple[str | None, str | None]]:
    """A workspace-relative file's text on the baseline side and the current side."""

    def read(root: Path, rel: str) -> str | None:
        try:
            return (root / rel).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None

    def both(rel: str) -> tuple[str | None, str | None]:
        return read(base_root, rel), read(cur_root, rel)

    return both


def _side(
    run: _SideRun,
    label: str,
    ref: str,
    commit: str | None,
    profiles: dict[str, tuple[Path, ...]],
    root: Path,
) -> Side:
    units = dict.fromkeys(u for r in run.reported for u in r)
    per_op = {u: statistics.median(r[u] for r in run.reported if u in r) for u in units}
    return Side(
        label=label,
        ref=ref,
        commit=commit,
        iterations=tuple(run.iterations),
        per_op=per_op,
        cpu_profile=" ".join(_rel(p, root) for p in profiles["cpu"]),
        mem_profile=" ".join(_rel(p, root) for p in profiles["mem"]),
        binary=_rel(run.binary, root),
    )


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def pprof_commands(
    profiles: dict[str, dict[str, tuple[Path, ...]]], root: Path, top: str | None
) -> list[str]:
    """The `go tool pprof -diff_base` commands that open the difference, paths relative
    to the workspace root, quoted for a POSIX shell."""

    def diff(kind: str) -> list[str]:
        base = [f"-diff_base={shlex.quote(_rel(p, root))}" for p in profiles["base"][kind]]
        cur = [shlex.quote(_rel(p, root)) for p in profiles["cur"][kind]]
        return [*base, *cur]

    commands = [" ".join(["go tool pprof -http=:8080", *diff("cpu")])]
    if top is not None:
        regex = shlex.quote(f"^{go_quote_meta(top)}$")
        commands.append(" ".join([f"go tool pprof -list={regex}", *diff("cpu")]))
    commands.append(" ".join(["go tool pprof -http=:8080 -sample_index=alloc_space", *diff("mem")]))
    return commands


def _ignore_binaries(directory: Path) -> None:
    """A `.gitignore` in `<results>/explain/`: binaries and profiles stay local, the
    explanations may be committed (the reports read them)."""
    path = directory / ".gitignore"
    if path.exists():
        return
    text = (
        "# written by benchlens explain: test binaries and profiles stay local;\n"
        "# explanation.json and the runs' output may be committed (reports read them).\n"
        "*.test\n*.prof\n"
    )
    atomic_write_text(path, text)


def _ignore(_value: object) -> None:
    pass


__all__ = [
    "ExplainFailure",
    "ExplainOutcome",
    "ExplainRequest",
    "ExplainSession",
    "ExplainStep",
    "choose_ref",
    "explain_dir",
]
