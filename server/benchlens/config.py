"""Configuration: defaults < `.benchlens.toml` < editor settings, validated in one place.

A bad file never stops the tool: every problem becomes a `ConfigIssue` naming
the file, line and key, the offending value is dropped and its default used.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from benchlens.units import Better, Metric

CONFIG_NAMES = (".benchlens.toml", "benchlens.toml")
SEVERITIES = ("error", "warning", "information", "hint", "off")
RUN_MODES = ("quick", "default", "full")


@dataclass(frozen=True)
class ConfigIssue:
    """A problem in a configuration source, with where it is."""

    source: str
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


@dataclass(frozen=True)
class Thresholds:
    """Percent changes: a regression is worse than its metric's threshold, an improvement
    better than `improvement`."""

    latency: float = 20.0
    throughput: float = 10.0
    allocations: float = 15.0
    memory: float = 15.0
    custom: float = 10.0
    improvement: float = 10.0

    def regression_pct(self, metric: Metric) -> float:
        return float(getattr(self, metric.value))


@dataclass(frozen=True)
class ThresholdOverride:
    """Thresholds for benchmarks whose full name matches a glob (`BenchmarkParse/*`)."""

    pattern: str
    values: Mapping[str, float]

    def matches(self, name: str) -> bool:
        return fnmatch.fnmatchcase(name, self.pattern)


@dataclass(frozen=True)
class RunSettings:
    go: str = "go"
    benchtime: Mapping[str, str] = field(
        default_factory=lambda: {"quick": "1s", "default": "5s", "full": "10s"}
    )
    count: int = 6
    flags: tuple[str, ...] = ()
    timeout: str = "60m"


@dataclass(frozen=True)
class Config:
    """Everything that can be configured, resolved against the workspace root."""

    root: Path
    baseline: Path
    current: Path
    history: Path
    report: Path
    packages: tuple[str, ...] = ("./...",)
    alpha: float = 0.05
    thresholds: Thresholds = Thresholds()
    overrides: tuple[ThresholdOverride, ...] = ()
    units: Mapping[str, Better] = field(default_factory=dict)
    run: RunSettings = RunSettings()
    severity: Mapping[str, str] = field(
        default_factory=lambda: {
            "regression": "warning",
            "improvement": "information",
            "missing": "hint",
            "new": "off",
        }
    )
    trusted: bool = True
    sources: tuple[str, ...] = ()

    def threshold(self, name: str, metric: Metric) -> float:
        """The regression threshold (percent) for one metric of one benchmark."""
        value = self.thresholds.regression_pct(metric)
        for override in self.overrides:
            if override.matches(name) and metric.value in override.values:
                value = override.values[metric.value]
        return value

    def improvement_threshold(self, name: str) -> float:
        value = self.thresholds.improvement
        for override in self.overrides:
            if override.matches(name) and "improvement" in override.values:
                value = override.values["improvement"]
        return value


def default_config(root: Path) -> Config:
    results = root / "benchmark_results"
    return Config(
        root=root,
        baseline=results / "baseline.txt",
        current=results / "current.txt",
        history=results / "history",
        report=results / "regression_report.md",
    )


def find_config_file(root: Path) -> Path | None:
    for name in CONFIG_NAMES:
        candidate = root / name
        if candidate.is_file():
            return candidate
    return None


_TOML_LINE_COL = re.compile(r"\(at line (\d+), column \d+\)")


def _line_of_key(text: str, dotted: str) -> int | None:
    """The line where `dotted` (`thresholds.latency`) is set in TOML `text`, best effort."""
    parts = dotted.split(".")
    leaf = parts[-1].strip('"')
    table = [p.strip('"') for p in parts[:-1]]
    current: list[str] = []
    header = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
    for lineno, line in enumerate(text.splitlines(), start=1):
        m = header.match(line)
        if m:
            current = [
                p.strip().strip('"')
                for p in re.split(r"\.(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", m.group(1))
            ]
            continue
        key = line.split("=", 1)[0].strip().strip('"') if "=" in line else None
        if key is None:
            continue
        full = current + [p.strip().strip('"') for p in key.split(".")]
        if full[-1] == leaf and (full[:-1] == table or not table or full[: len(table)] == table):
            return lineno
    return None


class _Validator:
    """Reads one layer of settings into a partly built Config, collecting issues."""

    def __init__(self, source: str, text: str | None) -> None:
        self.source = source
        self.text = text
        self.issues: list[ConfigIssue] = []

    def problem(self, key: str, message: str) -> None:
        line = None
        if self.text is not None and key:
            # An inline table's keys have no line of their own: fall back to the parent's.
            parts = key.split(".")
            while parts and line is None:
                line = _line_of_key(self.text, ".".join(parts))
                parts.pop()
        self.issues.append(ConfigIssue(self.source, line, key, message))

    def number(self, key: str, value: Any, lo: float, hi: float) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(key, f"expected a number, got {type(value).__name__} {value!r}")
            return None
        if not lo <= value <= hi:
            self.problem(key, f"{value} is out of range [{lo:g}, {hi:g}]")
            return None
        return float(value)

    def string(self, key: str, value: Any) -> str | None:
        if not isinstance(value, str) or not value:
            self.problem(key, f"expected a non-empty string, got {value!r}")
            return None
        return value

    def strings(self, key: str, value: Any) -> tuple[str, ...] | None:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(key, f"expected a list of strings, got {value!r}")
            return None
        return tuple(value)

    def thresholds(self, key: str, table: Any, base: Thresholds) -> Thresholds:
        if not isinstance(table, Mapping):
            self.problem(key, "expected a table")
            return base
        known = {m.value for m in Metric} | {"improvement"}
        changes: dict[str, float] = {}
        for name, value in table.items():
            if name == "benchmarks":
                continue
            if name not in known:
                self.problem(f"{key}.{name}", f"unknown threshold; expected one of {sorted(known)}")
                continue
            number = self.number(f"{key}.{name}", value, 0, 10_000)
            if number is not None:
                changes[name] = number
        return replace(base, **changes)

    def overrides(self, key: str, table: Any) -> tuple[ThresholdOverride, ...]:
        if not isinstance(table, Mapping):
            self.problem(key, "expected a table of glob = { metric = percent }")
            return ()
        out: list[ThresholdOverride] = []
        known = {m.value for m in Metric} | {"improvement"}
        for pattern, values in table.items():
            if not isinstance(values, Mapping):
                self.problem(f"{key}.{pattern}", "expected a table of metric = percent")
                continue
            kept: dict[str, float] = {}
            for name, value in values.items():
                if name not in known:
                    self.problem(
                        f"{key}.{pattern}.{name}", f"unknown metric; expected {sorted(known)}"
                    )
                    continue
                number = self.number(f"{key}.{pattern}.{name}", value, 0, 10_000)
                if number is not None:
                    kept[name] = number
            out.append(ThresholdOverride(str(pattern), kept))
        return tuple(out)


def apply_settings(
    config: Config, settings: Mapping[str, Any], source: str, text: str | None = None
) -> tuple[Config, list[ConfigIssue]]:
    """`config` with one layer of settings (a TOML file's table or editor settings) on top."""
    v = _Validator(source, text)
    changes: dict[str, Any] = {}
    root = config.root

    paths = settings.get("paths", {})
    flat_paths = {
        k: settings[k] for k in ("baseline", "current", "history", "report") if k in settings
    }
    if not isinstance(paths, Mapping):
        v.problem("paths", "expected a table")
        paths = {}
    for name, value in {**paths, **flat_paths}.items():
        key = f"paths.{name}" if name in paths else name
        if name not in ("baseline", "current", "history", "report"):
            v.problem(key, "unknown path; expected baseline, current, history or report")
            continue
        text_value = v.string(key, value)
        if text_value is not None:
            changes[name] = (
                (root / text_value).resolve()
                if not Path(text_value).is_absolute()
                else Path(text_value)
            )

    if "packages" in settings:
        pkgs = v.strings("packages", settings["packages"])
        if pkgs:
            changes["packages"] = pkgs
    if "alpha" in settings:
        alpha = v.number("alpha", settings["alpha"], 0.0001, 0.5)
        if alpha is not None:
            changes["alpha"] = alpha
    if "thresholds" in settings:
        table = settings["thresholds"]
        changes["thresholds"] = v.thresholds("thresholds", table, config.thresholds)
        if isinstance(table, Mapping) and "benchmarks" in table:
            changes["overrides"] = config.overrides + v.overrides(
                "thresholds.benchmarks", table["benchmarks"]
            )
    if "units" in settings:
        units = dict(config.units)
        table = settings["units"]
        if not isinstance(table, Mapping):
            v.problem("units", 'expected a table of unit = "higher" | "lower"')
        else:
            for unit, better in table.items():
                if better not in ("higher", "lower"):
                    v.problem(f"units.{unit}", f'expected "higher" or "lower", got {better!r}')
                    continue
                units[str(unit)] = Better(better)
        changes["units"] = units
    if "run" in settings:
        changes["run"] = _run_settings(v, settings["run"], config.run)
    if "severity" in settings:
        table = settings["severity"]
        severity = dict(config.severity)
        if not isinstance(table, Mapping):
            v.problem("severity", "expected a table of status = severity")
        else:
            for status, level in table.items():
                if status not in severity:
                    v.problem(f"severity.{status}", f"unknown status; expected {sorted(severity)}")
                elif level not in SEVERITIES:
                    v.problem(
                        f"severity.{status}",
                        f"expected one of {', '.join(SEVERITIES)}, got {level!r}",
                    )
                else:
                    severity[status] = level
        changes["severity"] = severity
    if "trusted" in settings:
        if isinstance(settings["trusted"], bool):
            changes["trusted"] = settings["trusted"]
        else:
            v.problem("trusted", f"expected true or false, got {settings['trusted']!r}")

    known = {
        "paths",
        "baseline",
        "current",
        "history",
        "report",
        "packages",
        "alpha",
        "thresholds",
        "units",
        "run",
        "severity",
        "trusted",
    }
    for key in settings:
        if key not in known:
            v.problem(str(key), "unknown setting")
    changes["sources"] = (*config.sources, source)
    return replace(config, **changes), v.issues


def _run_settings(v: _Validator, table: Any, base: RunSettings) -> RunSettings:
    if not isinstance(table, Mapping):
        v.problem("run", "expected a table")
        return base
    changes: dict[str, Any] = {}
    for name, value in table.items():
        key = f"run.{name}"
        if name == "go":
            go = v.string(key, value)
            if go:
                changes["go"] = go
        elif name == "count":
            count = v.number(key, value, 1, 1000)
            if count is not None:
                if count != int(count):
                    v.problem(key, f"expected a whole number, got {value!r}")
                else:
                    changes["count"] = int(count)
        elif name == "flags":
            flags = v.strings(key, value)
            if flags is not None:
                changes["flags"] = flags
        elif name == "timeout":
            timeout = v.string(key, value)
            if timeout:
                changes["timeout"] = timeout
        elif name == "benchtime":
            bt = dict(base.benchtime)
            if not isinstance(value, Mapping):
                v.problem(key, 'expected a table: quick/default/full = "5s"')
                continue
            for mode, dur in value.items():
                if mode not in RUN_MODES:
                    v.problem(f"{key}.{mode}", f"unknown mode; expected {', '.join(RUN_MODES)}")
                elif not isinstance(dur, str) or not re.fullmatch(
                    r"\d+(\.\d+)?(ns|us|µs|ms|s|m|h|x)", dur
                ):
                    v.problem(
                        f"{key}.{mode}",
                        f'expected a Go duration like "5s" or a count like "100x", got {dur!r}',
                    )
                else:
                    bt[mode] = dur
            changes["benchtime"] = bt
        else:
            v.problem(key, "unknown run setting")
    return replace(base, **changes)


def load_config(
    root: Path, editor_settings: Mapping[str, Any] | None = None
) -> tuple[Config, list[ConfigIssue]]:
    """The configuration of the workspace at `root`: defaults < TOML file < editor settings."""
    root = root.resolve()
    config = default_config(root)
    issues: list[ConfigIssue] = []
    path = find_config_file(root)
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8")
            data = tomllib.loads(text)
        except OSError as exc:
            issues.append(ConfigIssue(str(path), None, "", f"cannot read: {exc.strerror or exc}"))
        except UnicodeDecodeError as exc:
            issues.append(ConfigIssue(str(path), None, "", f"not UTF-8 text: {exc.reason}"))
        except tomllib.TOMLDecodeError as exc:
            m = _TOML_LINE_COL.search(str(exc))
            line = int(m.group(1)) if m else getattr(exc, "lineno", None)
            msg = _TOML_LINE_COL.sub("", str(exc)).strip()
            issues.append(ConfigIssue(str(path), line, "", f"invalid TOML: {msg}; using defaults"))
        else:
            config, found = apply_settings(config, data, str(path), text)
            issues.extend(found)
    if editor_settings:
        config, found = apply_settings(config, editor_settings, "editor settings")
        issues.extend(found)
    return config, issues


def relative(config: Config, path: Path) -> str:
    """`path` relative to the workspace root when it lies inside it, for messages."""
    try:
        return str(path.relative_to(config.root))
    except ValueError:
        return str(path)


__all__: Sequence[str] = (
    "Config",
    "ConfigIssue",
    "RunSettings",
    "ThresholdOverride",
    "Thresholds",
    "apply_settings",
    "default_config",
    "find_config_file",
    "load_config",
    "relative",
)
