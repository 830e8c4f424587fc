"""Argument lists for `go test`, `go list` and test binaries — never a shell string.

Benchmark names are turned into Go RE2 patterns the way `go test` matches them:
the `-bench` pattern is split on unescaped `/` (one element per `b.Run` level)
and on top-level `|` (alternatives), and each element is matched, unanchored,
against the *rewritten* name (spaces → `_`, unprintable runes escaped). So an
exact name becomes `^BenchmarkX$/^size=64$`, each element `regexp.QuoteMeta`-ed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Go's naming rules (testing.rewrite, regexp.QuoteMeta) live with the source index.
from benchlens.goindex.names import go_quote_meta as quote_meta
from benchlens.goindex.names import rewrite as go_rewrite

#: `go help testflag` flags that belong to the test binary (as `-test.<name>`).
TEST_FLAGS = frozenset(
    {
        "bench",
        "benchmem",
        "benchtime",
        "blockprofile",
        "blockprofilerate",
        "count",
        "coverprofile",
        "cpu",
        "cpuprofile",
        "failfast",
        "fullpath",
        "list",
        "memprofile",
        "memprofilerate",
        "mutexprofile",
        "mutexprofilefraction",
        "outputdir",
        "parallel",
        "run",
        "short",
        "shuffle",
        "skip",
        "timeout",
        "trace",
        "v",
    }
)

#: Flags (of `go build`/`go test` or the binary) whose value may be the next argument.
_VALUE_FLAGS = frozenset(
    {
        "asmflags",
        "buildmode",
        "compiler",
        "covermode",
        "coverpkg",
        "gccgoflags",
        "gcflags",
        "installsuffix",
        "ldflags",
        "mod",
        "modfile",
        "overlay",
        "p",
        "pgo",
        "pkgdir",
        "tags",
        "toolexec",
        "exec",
        "blockprofile",
        "blockprofilerate",
        "coverprofile",
        "cpu",
        "cpuprofile",
        "memprofile",
        "memprofilerate",
        "mutexprofile",
        "mutexprofilefraction",
        "outputdir",
        "parallel",
        "shuffle",
        "skip",
        "timeout",
        "trace",
    }
)


def name_pattern(name: str) -> str:
    """The `-bench` pattern selecting exactly one benchmark (and its sub-benchmarks):
    `BenchmarkX/size=64` → `^BenchmarkX$/^size=64$`."""
    return "/".join(f"^{quote_meta(go_rewrite(part))}$" for part in name.split("/"))


def names_pattern(names: Iterable[str]) -> str:
    """One `-bench` pattern for several exact names: alternatives joined by `|`."""
    parts = [name_pattern(n) for n in dict.fromkeys(names)]
    if not parts:
        raise ValueError("no benchmark names")
    return "|".join(parts)


@dataclass(frozen=True)
class SplitFlags:
    """Configured extra flags, sorted into those for `go test -c` and for the binary."""

    build: tuple[str, ...]
    test: tuple[str, ...]


def _flag_name(arg: str) -> str:
    name = arg.lstrip("-").split("=", 1)[0]
    return name.removeprefix("test.")


def split_flags(flags: Sequence[str]) -> SplitFlags:
    """Sort `go test` flags: test flags go to the binary as `-test.name`, the rest
    (`-tags`, `-race`, `-gcflags`...) to the build. `-flag value` pairs stay together."""
    build: list[str] = []
    test: list[str] = []
    i = 0
    while i < len(flags):
        arg = flags[i]
        value: str | None = None
        name = _flag_name(arg)
        if "=" not in arg and name in _VALUE_FLAGS and i + 1 < len(flags):
            value = flags[i + 1]
            i += 1
        i += 1
        if not arg.startswith("-"):
            build.append(arg)
            continue
        if name in TEST_FLAGS:
            full = f"-test.{name}" + (arg[arg.index("=") :] if "=" in arg else "")
            test.append(full if value is None else f"{full}={value}")
        else:
            build.extend([arg] if value is None else [arg, value])
    return SplitFlags(tuple(build), tuple(test))


def go_test_args(
    *,
    bench: str,
    benchtime: str,
    packages: Sequence[str],
    count: int = 1,
    timeout: str | None = None,
    flags: Sequence[str] = (),
) -> list[str]:
    """`go test -run=^$ -bench=RE -benchmem -benchtime=T -count=N [flags] PKGS` (without `go`)."""
    args = ["test", "-run=^$", f"-bench={bench}", "-benchmem", f"-benchtime={benchtime}"]
    args.append(f"-count={count}")
    if timeout:
        args.append(f"-timeout={timeout}")
    args.extend(flags)
    args.extend(packages)
    return args


def build_test_binary_args(package: str, output: str, flags: Sequence[str] = ()) -> list[str]:
    """`go test -c -o OUTPUT [build flags] PKG` (without `go`)."""
    return ["test", "-c", "-o", output, *flags, package]


def binary_args(
    *,
    bench: str,
    benchtime: str,
    count: int = 1,
    timeout: str | None = None,
    flags: Sequence[str] = (),
) -> list[str]:
    """A test binary's own arguments, as `go test` would pass them (without the binary)."""
    args = [
        "-test.run=^$",
        f"-test.bench={bench}",
        "-test.benchmem",
        f"-test.benchtime={benchtime}",
        f"-test.count={count}",
    ]
    if timeout:
        args.append(f"-test.timeout={timeout}")
    args.extend(flags)
    return args


#: Fields `go list -json=...` reports for each package (Go ≥ 1.19).
LIST_FIELDS = "ImportPath,Dir,Name,TestGoFiles,XTestGoFiles,Error"


def go_list_args(packages: Sequence[str], flags: Sequence[str] = ()) -> list[str]:
    """`go list -e -json=FIELDS [build flags] PKGS` (without `go`); `-e` so one broken
    package is reported by its build rather than failing the listing."""
    return ["list", "-e", f"-json={LIST_FIELDS}", *flags, *packages]
