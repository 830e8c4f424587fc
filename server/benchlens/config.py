"""Configuration: defaults < `.benchlens.toml` < editor settings, validated in one place.

A bad file never stops the tool: every problem becomes a `ConfigIssue` naming
the file, line and key, the offending value is dropped and its default used.
"""

from __future__ import annotations

import fnmatch
import os
import re
import reprlib
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
    #: The paths (`baseline`, ...) that the user's own settings put outside the
    #: workspace, where they may lie; every other path is kept inside it.
    user_paths: frozenset[str] = frozenset()

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


#: What marks the root of a workspace: its config file, or the Go module (or workspace).
ROOT_MARKERS = (*CONFIG_NAMES, "go.mod", "go.work")


def _has_file(directory: Path, name: str) -> bool:
    try:
        return (directory / name).is_file()
    except OSError:
        return False


def find_workspace_root(start: Path) -> Path:
    """The nearest directory from `start` upwards that holds a config file, `go.mod` or
    `go.work` — as git and go find their roots — or `start` itself when none does."""
    start = start.resolve()
    for directory in (start, *start.parents):
        if any(_has_file(directory, name) for name in ROOT_MARKERS):
            return directory
    return start


def find_go_module(start: Path) -> Path | None:
    """The directory of the `go.mod` (or `go.work`) that go would use from `start`."""
    start = start.resolve()
    for directory in (start, *start.parents):
        if _has_file(directory, "go.mod") or _has_file(directory, "go.work"):
            return directory
    return None


def find_config_file(root: Path) -> Path | None:
    for name in CONFIG_NAMES:
        candidate = root / name
        if candidate.is_file():
            return candidate
    return None


_TOML_LINE_COL = re.compile(r"\(at line (\d+), column \d+\)")
_HEADER = re.compile(r"^\s*\[\[?(.*?)\]\]?\s*(#.*)?$")


def _split_dotted(key: str) -> list[str]:
    """`a."b.c".d` → `["a", "b.c", "d"]`: TOML dotted keys, quotes respected, one pass."""
    parts: list[str] = []
    current: list[str] = []
    quote: str | None = None
    for ch in key:
        if quote is not None:
            if ch == quote:
                quote = None
            else:
                current.append(ch)
        elif ch in "\"'":
            quote = ch
        elif ch == ".":
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    parts.append("".join(current).strip())
    return parts


def _line_of_key(text: str, dotted: str) -> int | None:
    """The line where `dotted` (`thresholds.latency`) is set in TOML `text` — its
    `key = ...` line or its `[table]` header; else the first line that sets something
    inside it (`[thresholds.benchmarks."X"]` for `thresholds`). Best effort."""
    want = _split_dotted(dotted)
    table: list[str] = []
    inside: int | None = None
    for lineno, line in enumerate(text.splitlines(), start=1):
        m = _HEADER.match(line)
        if m:
            table = _split_dotted(m.group(1))
            full = table
        elif "=" in line:
            full = table + _split_dotted(line.split("=", 1)[0])
        else:
            continue
        if full == want:
            return lineno
        if inside is None and full[: len(want)] == want:
            inside = lineno
    return inside


def show(value: Any, limit: int = 60) -> str:
    """`value` for a message: short, one line, and never an error itself (a 5,000-digit
    integer cannot be turned into text, a list nested thousands deep has no repr)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        digits = int(value.bit_length() * 0.30103) + 1
        return f"an integer of about {digits:,} digits"
    try:
        text = _SHORT.repr(value)
    except (RecursionError, ValueError):
        return f"a {type(value).__name__} too deeply nested to show"
    return text if len(text) <= limit else text[: limit - 1] + "…"


_SHORT = reprlib.Repr()
_SHORT.maxlevel = 3
_SHORT.maxstring = 50
_SHORT.maxother = 50


def _did_you_mean(name: str, known: Any) -> str:
    import difflib  # for mistakes only: not in every command's start-up

    close = difflib.get_close_matches(str(name), sorted(known), n=1, cutoff=0.6)
    return f"; did you mean {close[0]}?" if close else ""


PATH_NAMES = ("baseline", "current", "history", "report")
_TOP_LEVEL = (
    "paths",
    *PATH_NAMES,
    "packages",
    "alpha",
    "thresholds",
    "units",
    "run",
    "severity",
    "trusted",
)
_RUN_KEYS = ("go", "count", "flags", "timeout", "benchtime")


def _key(*parts: Any) -> str:
    """A dotted key for messages; parts that need it are quoted (`"Benchmark.x/*"`)."""
    out = []
    for part in parts:
        text = str(part)
        bare = text and all(c.isalnum() or c in "_-" for c in text)
        out.append(text if bare else '"' + text.replace('"', '\\"') + '"')
    return ".".join(out)


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
            parts = _split_dotted(key)
            while parts and line is None:
                line = _line_of_key(self.text, _key(*parts))
                parts.pop()
        self.issues.append(ConfigIssue(self.source, line, key, message))

    def unknown(self, key: str, name: Any, known: Any, what: str = "setting") -> None:
        self.problem(key, f"unknown {what}{_did_you_mean(name, known)}")

    def number(self, key: str, value: Any, lo: float, hi: float) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(key, f"expected a number, got {type(value).__name__} {show(value)}")
            return None
        if not lo <= value <= hi:
            self.problem(key, f"{show(value)} is out of range [{lo:g}, {hi:g}]")
            return None
        return float(value)

    def string(self, key: str, value: Any) -> str | None:
        if not isinstance(value, str) or not value:
            self.problem(key, f"expected a non-empty string, got {show(value)}")
            return None
        if "\0" in value:
            self.problem(key, f"a NUL character cannot be in {show(value)}")
            return None
        return value

    def strings(self, key: str, value: Any) -> tuple[str, ...] | None:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(key, f"expected a list of strings, got {show(value)}")
            return None
        if any("\0" in v for v in value):
            self.problem(key, "a NUL character cannot be in an argument")
            return None
        return tuple(value)

    def path(self, key: str, value: Any, root: Path, *, confine: bool) -> Path | None:
        """`value` as a path relative to `root`, symlinks resolved; with `confine`, a path
        that ends up outside `root` is a problem (a repository's config must not make
        benchlens write elsewhere) and None is returned."""
        text = self.string(key, value)
        if text is None:
            return None
        try:
            path = (root / os.path.expanduser(text) if not confine else root / text).resolve()
        except (OSError, RuntimeError, ValueError) as exc:
            self.problem(key, f"cannot resolve {show(text)}: {exc}")
            return None
        if confine and not path.is_relative_to(root):
            self.problem(
                key,
                f"{show(text)} resolves to {path}, outside the workspace; the default is used "
                "(only your own settings, e.g. command-line options, may point elsewhere)",
            )
            return None
        return path

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
                self.problem(
                    _key(key, name),
                    f"unknown threshold{_did_you_mean(name, known)} "
                    f"(expected one of {', '.join(sorted(known))})",
                )
                continue
            number = self.number(_key(key, name), value, 0, 10_000)
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
            where = f"{key}.{_key(pattern)}"
            if not isinstance(values, Mapping):
                self.problem(where, "expected a table of metric = percent")
                continue
            kept: dict[str, float] = {}
            for name, value in values.items():
                if name not in known:
                    self.problem(
                        f"{where}.{_key(name)}",
                        f"unknown metric{_did_you_mean(name, known)} "
                        f"(expected one of {', '.join(sorted(known))})",
                    )
                    continue
                number = self.number(f"{where}.{_key(name)}", value, 0, 10_000)
                if number is not None:
                    kept[name] = number
            out.append(ThresholdOverride(str(pattern), kept))
        return tuple(out)


def apply_settings(
    config: Config,
    settings: Mapping[str, Any],
    source: str,
    text: str | None = None,
    *,
    confine_paths: bool = False,
) -> tuple[Config, list[ConfigIssue]]:
    """`config` with one layer of settings (a TOML file's table or editor settings) on top.

    `confine_paths`: the layer comes from the workspace itself (`.benchlens.toml`), so
    its paths must stay inside the workspace root. Never raises: whatever goes wrong
    is an issue and this layer is not applied."""
    try:
        return _apply(config, settings, source, text, confine_paths)
    except (RecursionError, MemoryError, ValueError, TypeError, OverflowError) as exc:
        issue = ConfigIssue(source, None, "", f"cannot use these settings ({exc}); using defaults")
        return config, [issue]


def _apply(
    config: Config, settings: Mapping[str, Any], source: str, text: str | None, confine: bool
) -> tuple[Config, list[ConfigIssue]]:
    v = _Validator(source, text)
    changes: dict[str, Any] = {}
    root = config.root

    paths = settings.get("paths", {})
    flat_paths = {k: settings[k] for k in PATH_NAMES if k in settings}
    if not isinstance(paths, Mapping):
        v.problem("paths", "expected a table")
        paths = {}
    user_paths = set(config.user_paths)
    for name, value in {**paths, **flat_paths}.items():
        key = _key("paths", name) if name in paths else _key(name)
        if name not in PATH_NAMES:
            v.problem(
                key,
                f"unknown path{_did_you_mean(name, PATH_NAMES)} "
                "(expected baseline, current, history or report)",
            )
            continue
        path = v.path(key, value, root, confine=confine)
        if path is not None:
            changes[name] = path
            # Only the user's own settings may lead out of the workspace; remember which.
            if confine or path.is_relative_to(root):
                user_paths.discard(name)
            else:
                user_paths.add(name)
    changes["user_paths"] = frozenset(user_paths)

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
                if not isinstance(better, str) or better not in ("higher", "lower"):
                    v.problem(
                        _key("units", unit), f'expected "higher" or "lower", got {show(better)}'
                    )
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
                key = _key("severity", status)
                if status not in severity:
                    v.problem(
                        key,
                        f"unknown status{_did_you_mean(status, severity)} "
                        f"(expected one of {', '.join(sorted(severity))})",
                    )
                elif not isinstance(level, str) or level not in SEVERITIES:
                    v.problem(key, f"expected one of {', '.join(SEVERITIES)}, got {show(level)}")
                else:
                    severity[status] = level
        changes["severity"] = severity
    if "trusted" in settings:
        if isinstance(settings["trusted"], bool):
            changes["trusted"] = settings["trusted"]
        else:
            v.problem("trusted", f"expected true or false, got {show(settings['trusted'])}")

    for key in settings:
        if key not in _TOP_LEVEL:
            v.unknown(_key(key), key, _TOP_LEVEL)
    changes["sources"] = (*config.sources, source)
    # In the order of the file, as a reader goes through it.
    issues = sorted(v.issues, key=lambda i: (i.line is None, i.line or 0))
    return replace(config, **changes), issues


def _run_settings(v: _Validator, table: Any, base: RunSettings) -> RunSettings:
    if not isinstance(table, Mapping):
        v.problem("run", "expected a table")
        return base
    changes: dict[str, Any] = {}
    for name, value in table.items():
        key = _key("run", name)
        if name == "go":
            go = v.string(key, value)
            if go:
                changes["go"] = go
        elif name == "count":
            count = v.number(key, value, 1, 1000)
            if count is not None:
                if count != int(count):
                    v.problem(key, f"expected a whole number, got {show(value)}")
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
                    v.problem(
                        _key("run", "benchtime", mode),
                        f"unknown mode{_did_you_mean(mode, RUN_MODES)} "
                        f"(expected {', '.join(RUN_MODES)})",
                    )
                elif not isinstance(dur, str) or not re.fullmatch(
                    r"\d+(\.\d+)?(ns|us|µs|ms|s|m|h|x)", dur
                ):
                    v.problem(
                        _key("run", "benchtime", mode),
                        f'expected a Go duration like "5s" or a count like "100x", got {show(dur)}',
                    )
                else:
                    bt[mode] = dur
            changes["benchtime"] = bt
        else:
            v.unknown(key, name, _RUN_KEYS, "run setting")
    return replace(base, **changes)


def _parse_toml(path: Path, text: str) -> tuple[dict[str, Any] | None, ConfigIssue | None]:
    """The TOML document, or the issue that stops it being read (with its line when
    tomllib or a look at the text can tell)."""
    import tomllib  # only when there is a file to read

    try:
        return tomllib.loads(text), None
    except tomllib.TOMLDecodeError as exc:
        m = _TOML_LINE_COL.search(str(exc))
        line = int(m.group(1)) if m else getattr(exc, "lineno", None)
        msg = _TOML_LINE_COL.sub("", str(exc)).strip()
        return None, ConfigIssue(str(path), line, "", f"invalid TOML: {msg}; using defaults")
    except RecursionError:
        line = _deep_nesting_line(text)
        message = "arrays or tables nested too deeply to read; using defaults"
        return None, ConfigIssue(str(path), line, "", message)
    except (ValueError, OverflowError, MemoryError) as exc:
        # tomllib lets int() refuse an integer of more than 4,300 digits.
        m = re.search(r"[0-9_]{1000,}", text)
        if m is None:
            return None, ConfigIssue(str(path), None, "", f"cannot read: {exc}; using defaults")
        line = text.count("\n", 0, m.start()) + 1
        message = f"a number of {len(m.group()):,} digits is too long to read; using defaults"
        return None, ConfigIssue(str(path), line, "", message)


#: Nesting deeper than this is reported at the line where it is reached.
_MAX_NESTING = 100


def _deep_nesting_line(text: str) -> int | None:
    """The line where `[`/`{` nesting first gets deeper than _MAX_NESTING (strings are
    not told apart: only for a message)."""
    depth, line = 0, 1
    for ch in text:
        if ch in "[{":
            depth += 1
            if depth > _MAX_NESTING:
                return line
        elif ch in "]}":
            depth = max(0, depth - 1)
        elif ch == "\n":
            line += 1
    return None


def _outside(config: Config) -> list[ConfigIssue]:
    """The configured paths that lead out of the workspace through a symlink in it
    (a repository can commit `benchmark_results` as a link to anywhere); only the
    user's own settings may point elsewhere."""
    issues = []
    for name in PATH_NAMES:
        path: Path = getattr(config, name)
        if name in config.user_paths or inside_workspace(config, path):
            continue
        issues.append(
            ConfigIssue(
                str(config.root),
                None,
                _key("paths", name),
                f"the default path resolves to {_resolved(path)}, outside the workspace "
                "(through a symbolic link); "
                "benchlens will not write there",
            )
        )
    return issues


#: The key of the editor settings that holds the values the workspace itself set (VS Code's
#: `.vscode/settings.json` or `.code-workspace`): they come with the repository, so their
#: paths are kept inside it as `.benchlens.toml`'s are.
WORKSPACE_LAYER = "workspace"


def load_config(
    root: Path, editor_settings: Mapping[str, Any] | None = None
) -> tuple[Config, list[ConfigIssue]]:
    """The configuration of the workspace at `root`: defaults < TOML file < editor settings
    (the user's own) < their `workspace` table (what the workspace's own settings files
    set). Never raises: every problem is an issue and the layer below's value is used."""
    root = root.resolve()
    config = default_config(root)
    issues: list[ConfigIssue] = []
    path = find_config_file(root)
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            issues.append(ConfigIssue(str(path), None, "", f"cannot read: {exc.strerror or exc}"))
        except UnicodeDecodeError as exc:
            issues.append(ConfigIssue(str(path), None, "", f"not UTF-8 text: {exc.reason}"))
        else:
            data, problem = _parse_toml(path, text)
            if problem is not None:
                issues.append(problem)
            if data is not None:
                config, found = apply_settings(config, data, str(path), text, confine_paths=True)
                issues.extend(found)
    if editor_settings:
        user = {k: v for k, v in editor_settings.items() if k != WORKSPACE_LAYER}
        if user:
            config, found = apply_settings(config, user, "editor settings")
            issues.extend(found)
        workspace = editor_settings.get(WORKSPACE_LAYER)
        source = "workspace settings"
        if isinstance(workspace, Mapping):
            config, found = apply_settings(config, workspace, source, confine_paths=True)
            issues.extend(found)
        elif workspace is not None:
            issues.append(ConfigIssue(source, None, "", f"expected a table, got {show(workspace)}"))
    issues.extend(_outside(config))
    return config, issues


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError, ValueError):
        return path


def inside_workspace(config: Config, path: Path) -> bool:
    """Whether benchlens may write `path`: inside the workspace once symlinks are
    resolved, or one of the paths the user's own settings chose."""
    if any(path == getattr(config, name) for name in config.user_paths):
        return True
    try:
        return path.resolve().is_relative_to(config.root)
    except (OSError, RuntimeError, ValueError):
        return False


class OutsideWorkspace(PermissionError):
    """A path benchlens was about to write leads out of the workspace (a symbolic link
    in the repository), and no setting of the user's chose it. A PermissionError, so
    that writers that report OSErrors report this one too."""


def check_writable(config: Config, *paths: Path) -> None:
    """Raise OutsideWorkspace unless benchlens may write each of `paths`."""
    for path in paths:
        if not inside_workspace(config, path):
            raise OutsideWorkspace(
                f"{relative(config, path)} resolves to {_resolved(path)}, outside the "
                f"workspace {config.root}; not writing there (choose the path in your own "
                "settings or on the command line to allow it)"
            )


def relative(config: Config, path: Path) -> str:
    """`path` relative to the workspace root when it lies inside it, for messages."""
    try:
        return str(path.relative_to(config.root))
    except ValueError:
        return str(path)


__all__: Sequence[str] = (
    "WORKSPACE_LAYER",
    "Config",
    "ConfigIssue",
    "OutsideWorkspace",
    "RunSettings",
    "ThresholdOverride",
    "Thresholds",
    "apply_settings",
    "check_writable",
    "default_config",
    "find_config_file",
    "find_go_module",
    "find_workspace_root",
    "inside_workspace",
    "load_config",
    "relative",
)
