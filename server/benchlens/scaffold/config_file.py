"""The `.benchlens.toml` that `benchlens init` writes: the packages with benchmarks,
and the main settings at their defaults (taken from `benchlens.config`, so the
file says what benchlens actually does), commented for the team that reads it."""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Sequence

from benchlens.config import Config, RunSettings, Thresholds

#: The default significance level, as `Config` has it.
ALPHA = next(f.default for f in dataclasses.fields(Config) if f.name == "alpha")


def toml_string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    out = ['"']
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\t":
            out.append(ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _number(value: float) -> str:
    return f"{value:g}"


def render_config(packages: Sequence[str]) -> str:
    """The file's text; parsed back before it is returned, so it is valid TOML."""
    thresholds = Thresholds()
    run = RunSettings()
    listed = ",\n".join(f"    {toml_string(p)}" for p in packages)
    benchtime = ", ".join(f"{k} = {toml_string(v)}" for k, v in run.benchtime.items())
    text = f"""\
# benchlens settings, written by `benchlens init`. Every key is optional; the
# values below are the defaults, except `packages`.

# The packages that had benchmarks when `benchlens init` ran. ["./..."] picks up
# new ones by itself (packages without benchmarks are skipped either way).
packages = [
{listed},
]
alpha = {ALPHA}                 # significance level of the Mann-Whitney U test

[thresholds]                 # percent: a regression is worse than its metric's threshold
latency = {_number(thresholds.latency)}                 # ns/op
throughput = {_number(thresholds.throughput)}              # MB/s
allocations = {_number(thresholds.allocations)}             # allocs/op
memory = {_number(thresholds.memory)}                  # B/op
improvement = {_number(thresholds.improvement)}             # a significant change better than this

[run]
count = {run.count}                    # independent runs of each test binary
benchtime = {{ {benchtime} }}
"""
    tomllib.loads(text)  # a value that breaks the file is a bug here, not the user's problem
    return text
