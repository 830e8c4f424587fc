"""How often benchlens cries wolf, and how often it catches a real slowdown (`make bench-signal`).

    python benchmarks/verdict_signal.py [--trials N] [--benchtime T] [--count N] [--out DIR]
    python benchmarks/verdict_signal.py --reanalyze DIR

The example module (`examples/`, 17 benchmarks) plus one benchmark whose work is
scaled by an environment variable (`benchmarks/signal/scaled`) is copied into a
temporary git repository with two commits that differ only in which variable the
scaled benchmark reads (`..._SCALE_A` on the base commit, `..._SCALE_B` on the head
commit). Every trial measures both sides, `--count` samples each, with each method:

  (a) `go-count`   `go test -count=N ./...` once per side, one side after the other
                   (all samples of a benchmark back to back in one process);
  (b) `run-twice`  `benchlens run --count N` once per side, one after the other
                   (independent processes, round-robin within each side);
  (c) `ab`         `benchlens ab --ref HEAD~1 --count N` (both sides alternated).

The head side's scaled benchmark runs at 1.25x or 1.10x the work (alternate
trials), so each trial gives one detection test and, from the 17 unchanged
example benchmarks, 17 A/A tests (both sides run the very same code for them).
The methods run one after the other in each trial, in an order that rotates
between trials, so the load of the machine (shared, noisy) falls on all three
alike; the load average is recorded with every measurement.

Every pair of result files is kept under `--out` (default `benchmarks/out/`,
git-ignored) with `trials.json`, so `--reanalyze DIR` recomputes the table — e.g.
after a change to the verdict rules — without measuring again. Verdicts are judged
two ways: benchlens's own (`compare()`, the statuses every view shows) and
benchstat's rule (worse than the threshold and Mann-Whitney p < alpha).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "server"))

from benchlens.compare import BenchmarkComparison, Comparison, MetricDelta, Status, compare
from benchlens.config import Config, default_config
from benchlens.results.reader import load_results
from benchlens.runner.gotool import resolve_go

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
METHODS = ("go-count", "run-twice", "ab")
SCALES = (1.25, 1.10)
SCALED = "BenchmarkScaled"
SCALED_PACKAGE = "signalscaled"
ENV_BASE = "BENCHLENS_SIGNAL_SCALE_A"
ENV_HEAD = "BENCHLENS_SIGNAL_SCALE_B"
SIDE_GO = (
    "package scaled\n\n"
    "// scaleEnv is the variable this side reads (see benchmarks/verdict_signal.py).\n"
    'const scaleEnv = "{env}"\n'
)
TARGET_FALSE_ALARMS = 0.01
TARGET_DETECTION = 0.95


# -- the module under test ----------------------------------------------------------


def child_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    bindir = str(Path(sys.executable).parent)
    env["PATH"] = f"{bindir}{os.pathsep}{env.get('PATH', '')}"
    env.update(GOTOOLCHAIN="local", GOFLAGS="", GIT_CONFIG_GLOBAL=os.devnull)
    env.update(GIT_CONFIG_NOSYSTEM="1", **extra)
    return env


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=signal", "-c", "user.email=signal@example.com", *args],
        cwd=repo,
        env=child_env(),
        check=True,
        capture_output=True,
    )


def make_repository(where: Path) -> Path:
    """examples/ plus the scaled benchmark, two commits (base reads SCALE_A, head SCALE_B)."""
    repo = where / "eventpipe"
    shutil.copytree(
        REPO / "examples",
        repo,
        ignore=shutil.ignore_patterns("benchmark_results", "profiles", "*.test", "*.py", "*.sh"),
    )
    shutil.copytree(HERE / "signal" / "scaled", repo / SCALED_PACKAGE)
    (repo / ".gitignore").write_text("benchmark_results/\n")
    side = repo / SCALED_PACKAGE / "side.go"
    side.write_text(SIDE_GO.format(env=ENV_BASE))
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base: the scaled benchmark reads SCALE_A")
    side.write_text(SIDE_GO.format(env=ENV_HEAD))
    git(repo, "commit", "-qam", "head: the scaled benchmark reads SCALE_B")
    return repo


# -- one measurement ------------------------------------------------------------------


@dataclass
class Measurement:
    trial: int
    scale: float
    method: str
    seconds: float
    load_before: float
    load_after: float
    base: str  # result files, relative to the output directory
    head: str


def _run(argv: Sequence[str], cwd: Path, env: dict[str, str], ok: Sequence[int] = (0,)) -> str:
    proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode not in ok:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise SystemExit(f"{' '.join(argv[:4])}... exited {proc.returncode}")
    return proc.stdout


def measure(
    method: str, repo: Path, target: Path, scale: float, benchtime: str, count: int
) -> tuple[Path, Path]:
    """Both sides with one method; returns the two result files (written under `target`)."""
    target.mkdir(parents=True, exist_ok=True)
    base, head = target / "base.txt", target / "head.txt"
    sides = (
        (base, child_env(**{ENV_BASE: "1", ENV_HEAD: "1"})),
        (head, child_env(**{ENV_BASE: "1", ENV_HEAD: str(scale)})),
    )
    benchlens = [sys.executable, "-m", "benchlens"]
    settings = ["--benchtime", benchtime, "--count", str(count)]
    if method == "go-count":
        go = resolve_go("go")
        for path, env in sides:
            argv = [go, "test", "-run=^$", "-bench=.", "-benchmem", f"-benchtime={benchtime}"]
            path.write_text(_run([*argv, f"-count={count}", "./..."], repo, env))
    elif method == "run-twice":
        for path, env in sides:
            _run([*benchlens, "run", "-C", str(repo), *settings, "-o", str(path)], repo, env)
    elif method == "ab":
        _, env = sides[1]
        _run([*benchlens, "ab", "-C", str(repo), "--ref", "HEAD~1", *settings], repo, env, (0, 1))
        for path in (base, head):
            shutil.copyfile(repo / "benchmark_results" / "ab" / path.name, path)
    else:
        raise ValueError(method)
    return base, head


def rotated(trial: int) -> list[str]:
    k = trial % len(METHODS)
    return [*METHODS[k:], *METHODS[:k]]


def run_trials(out: Path, trials: int, benchtime: str, count: int) -> list[Measurement]:
    measurements: list[Measurement] = []
    meta = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "benchtime": benchtime,
        "count": count,
        "trials": trials,
        "cpus": os.cpu_count(),
        "go": _run([resolve_go("go"), "version"], REPO, child_env()).strip(),
    }
    with tempfile.TemporaryDirectory(prefix="benchlens-signal-") as tmp:
        repo = make_repository(Path(tmp))
        index = 0
        for _ in range(trials):
            for scale in SCALES:
                for method in rotated(index):
                    target = out / f"trial-{index:02d}" / method
                    load_before = os.getloadavg()[0]
                    t0 = time.monotonic()
                    base, head = measure(method, repo, target, scale, benchtime, count)
                    seconds = time.monotonic() - t0
                    m = Measurement(
                        trial=index,
                        scale=scale,
                        method=method,
                        seconds=seconds,
                        load_before=load_before,
                        load_after=os.getloadavg()[0],
                        base=str(base.relative_to(out)),
                        head=str(head.relative_to(out)),
                    )
                    measurements.append(m)
                    verdict = judge_pair(out, m, default_config(repo))
                    print(
                        f"trial {index + 1}/{trials * len(SCALES)} x{scale:.2f} {method:9s} "
                        f"{seconds:6.1f}s load {load_before:4.1f}  "
                        f"A/A flagged {verdict.false_alarms}/{verdict.unchanged}  "
                        f"{SCALED} {'detected' if verdict.detected else 'missed'}",
                        flush=True,
                    )
                    _save(out, meta, measurements)
                index += 1
    meta["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    _save(out, meta, measurements)
    return measurements


def _save(out: Path, meta: dict[str, object], measurements: list[Measurement]) -> None:
    data = {"meta": meta, "measurements": [asdict(m) for m in measurements]}
    tmp = out / "trials.json.tmp"
    tmp.write_text(json.dumps(data, indent=1))
    tmp.replace(out / "trials.json")


# -- verdicts -------------------------------------------------------------------------


def benchstat_rule(delta: MetricDelta, alpha: float) -> bool:
    """Worse than the threshold and significant by Mann-Whitney at alpha: benchstat's test
    with a threshold on top, nothing else."""
    worse, p = delta.worse_pct, delta.p_value
    return worse is not None and p is not None and worse > delta.threshold_pct and p < alpha


@dataclass
class PairVerdict:
    unchanged: int = 0
    false_alarms: int = 0  # benchlens says regression
    false_alarms_rule: int = 0  # benchstat's rule says regression
    any_change: int = 0  # benchlens says regression or improvement
    detected: bool = False
    detected_rule: bool = False
    flagged: list[str] = field(default_factory=list)


def _regressed_by_rule(bench: BenchmarkComparison, alpha: float) -> bool:
    return any(benchstat_rule(m, alpha) for m in bench.metrics)


def judge_comparison(comparison: Comparison, alpha: float) -> PairVerdict:
    verdict = PairVerdict()
    for bench in comparison.benchmarks:
        if bench.status in (Status.MISSING, Status.NEW):
            raise SystemExit(f"{bench.name}: {bench.status.value} — the sides differ")
        if bench.name == SCALED:
            verdict.detected = bench.status is Status.REGRESSION
            verdict.detected_rule = _regressed_by_rule(bench, alpha)
            continue
        verdict.unchanged += 1
        if bench.status is Status.REGRESSION:
            verdict.false_alarms += 1
            verdict.flagged.append(bench.key.display_name)
        if bench.status in (Status.REGRESSION, Status.IMPROVEMENT):
            verdict.any_change += 1
        verdict.false_alarms_rule += _regressed_by_rule(bench, alpha)
    return verdict


def judge_pair(out: Path, m: Measurement, config: Config) -> PairVerdict:
    comparison = compare(load_results(out / m.base), load_results(out / m.head), config)
    return judge_comparison(comparison, config.alpha)


# -- the table ------------------------------------------------------------------------


def wilson(hits: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95 % confidence interval of a proportion (Wilson score), as fractions."""
    if n == 0:
        return (0.0, 1.0)
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def rate(hits: int, n: int) -> str:
    lo, hi = wilson(hits, n)
    return f"{100 * hits / n:.1f} % ({hits}/{n}; {100 * lo:.1f}–{100 * hi:.1f})" if n else "—"


@dataclass
class MethodSummary:
    method: str
    verdicts: list[tuple[Measurement, PairVerdict]]

    def _at(self, scale: float) -> list[PairVerdict]:
        return [v for m, v in self.verdicts if math.isclose(m.scale, scale)]

    def row(self) -> list[str]:
        unchanged = sum(v.unchanged for _, v in self.verdicts)
        alarms = sum(v.false_alarms for _, v in self.verdicts)
        alarms_rule = sum(v.false_alarms_rule for _, v in self.verdicts)
        noisy = sum(v.false_alarms > 0 for _, v in self.verdicts)
        cells = [
            f"`{self.method}`",
            rate(alarms, unchanged),
            rate(alarms_rule, unchanged),
            f"{noisy}/{len(self.verdicts)}",
        ]
        for scale in SCALES:
            at = self._at(scale)
            hits, by_rule = sum(v.detected for v in at), sum(v.detected_rule for v in at)
            rule = f"; by the rule {by_rule}/{len(at)}" if by_rule != hits else ""
            cells.append(rate(hits, len(at)) + rule)
        seconds = [m.seconds for m, _ in self.verdicts]
        cells.append(f"{statistics.median(seconds):.0f} s" if seconds else "—")
        return cells


HEADER = [
    "method",
    "A/A false alarms (benchlens)",
    "A/A (threshold + Mann-Whitney)",
    "trials with a false alarm",
    "detected: 25 % slower (benchlens)",
    "detected: 10 % slower (benchlens)",
    "wall time per trial (median)",
]


def table(summaries: Sequence[MethodSummary]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + " --- |" * len(HEADER)]
    lines += ["| " + " | ".join(s.row()) + " |" for s in summaries]
    return "\n".join(lines)


def conditions(meta: dict[str, object], measurements: Sequence[Measurement]) -> str:
    loads = [x for m in measurements for x in (m.load_before, m.load_after)]
    load = (
        f"load average {min(loads):.1f}–{max(loads):.1f} (median {statistics.median(loads):.1f})"
        if loads
        else "no load recorded"
    )
    trials = len({m.trial for m in measurements})
    return (
        f"{trials} trials per method ({trials // len(SCALES)} at each slowdown), "
        f"-benchtime={meta['benchtime']} -count={meta['count']}, {meta['cpus']} CPUs, {load}; "
        f"{meta['go']}; {meta.get('started', '?')} to {meta.get('finished', 'unfinished')}. "
        "A/A: the 17 unchanged example benchmarks of every trial, flagged as a regression; "
        "in brackets the count and the 95 % (Wilson) interval."
    )


def analyze(out: Path) -> tuple[str, list[MethodSummary]]:
    data = json.loads((out / "trials.json").read_text())
    measurements = [Measurement(**m) for m in data["measurements"]]
    config = default_config(out)  # the defaults, as a workspace without .benchlens.toml
    summaries = []
    for method in METHODS:
        verdicts = [(m, judge_pair(out, m, config)) for m in measurements if m.method == method]
        summaries.append(MethodSummary(method, verdicts))
    text = table(summaries) + "\n\n" + conditions(data["meta"], measurements) + "\n"
    flagged = _flagged(summaries)
    if flagged:
        text += "\nFlagged in A/A (benchlens): " + "; ".join(flagged) + "\n"
    return text, summaries


def _flagged(summaries: Sequence[MethodSummary]) -> Iterator[str]:
    for s in summaries:
        names = [name for _, v in s.verdicts for name in v.flagged]
        if names:
            counts = {n: names.count(n) for n in dict.fromkeys(names)}
            yield f"`{s.method}`: " + ", ".join(f"{n} ×{c}" for n, c in counts.items())


def check(summaries: Sequence[MethodSummary]) -> list[str]:
    """The issue's targets; each miss as a sentence."""
    misses = []
    by = {s.method: s for s in summaries}
    ab = by["ab"]
    unchanged = sum(v.unchanged for _, v in ab.verdicts)
    alarms = sum(v.false_alarms for _, v in ab.verdicts)
    if unchanged and alarms / unchanged > TARGET_FALSE_ALARMS:
        misses.append(f"ab flags {alarms}/{unchanged} unchanged benchmarks (target ≤ 1 %)")
    at25 = ab._at(SCALES[0])
    if at25 and sum(v.detected for v in at25) / len(at25) < TARGET_DETECTION:
        misses.append(
            f"ab detects {sum(v.detected for v in at25)}/{len(at25)} of the 25 % slowdowns"
        )
    one = by["go-count"]
    ours = sum(v.false_alarms for _, v in one.verdicts)
    rule = sum(v.false_alarms_rule for _, v in one.verdicts)
    if ours > rule:
        misses.append(f"on go test -count data benchlens flags {ours}, benchstat's rule {rule}")
    return misses


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--trials", type=int, default=10, help="trials per slowdown (default 10)")
    p.add_argument("--benchtime", default="100ms", help="-benchtime of every sample")
    p.add_argument("--count", type=int, default=6, help="samples per side")
    p.add_argument("--out", type=Path, help="where the result files go")
    p.add_argument("--reanalyze", type=Path, metavar="DIR", help="recompute from DIR's files")
    p.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = p.parse_args(argv)
    if args.reanalyze:
        out = args.reanalyze
    else:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        out = args.out or HERE / "out" / f"signal-{stamp}"
        out.mkdir(parents=True, exist_ok=True)
        print(f"results in {out}", flush=True)
        run_trials(out, args.trials, args.benchtime, args.count)
    text, summaries = analyze(out)
    (out / "table.md").write_text(text)
    print()
    print(text)
    misses = check(summaries)
    for miss in misses:
        print(f"target missed: {miss}")
    return 1 if misses and args.check else 0


if __name__ == "__main__":
    raise SystemExit(main())
