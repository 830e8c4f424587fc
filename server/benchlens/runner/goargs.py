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
        "o",
        "vet",
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


#: `go test` flags that are neither build flags (`go list` rejects them) nor the test
#: binary's: `-exec xprog` runs the binary as `xprog BINARY ARGS`; `-vet` is for
#: building the test; `-json`, `-c`, `-o` would change what benchlens itself asks for.
_GO_TEST_ONLY = frozenset({"exec", "vet", "json", "c", "o", "i"})


@dataclass(frozen=True)
class SplitFlags:
    """Configured extra `go test` flags, sorted by who takes them: `build` for
    `go test -c`, `list` for `go list` (build flags only), `test` for the binary
    (as `-test.name`), and `exec`, the program that runs the binary (`-exec`)."""

    build: tuple[str, ...]
    test: tuple[str, ...]
    list: tuple[str, ...] = ()
    exec: tuple[str, ...] = ()


def split_quoted(text: str) -> list[str]:
    """Split a flag value into words as the go command does (`quoted.Split`): on
    spaces, with single- or double-quoted words taken whole and no escapes."""
    words: list[str] = []
    i = 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        if text[i] in "'\"":
            end = text.find(text[i], i + 1)
            if end < 0:
                raise ValueError(f"unterminated {text[i]} string in {text!r}")
            words.append(text[i + 1 : end])
            i = end + 1
            continue
        start = i
        while i < len(text) and not text[i].isspace():
            i += 1
        words.append(text[start:i])
    return words


def _flag_name(arg: str) -> str:
    name = arg.lstrip("-").split("=", 1)[0]
    return name.removeprefix("test.")


def split_flags(flags: Sequence[str]) -> SplitFlags:
    """Sort `go test` flags: test flags go to the binary as `-test.name`, `-exec` says
    how to run it, `-vet` goes to the build only, and the rest (`-tags`, `-race`,
    `-gcflags`...) to the build and to `go list`. `-flag value` pairs stay together;
    `-json`, `-c` and `-o` are dropped (benchlens sets its own)."""
    build: list[str] = []
    test: list[str] = []
    listing: list[str] = []
    exec_cmd: list[str] = []
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
            listing.append(arg)
            continue
        if name in TEST_FLAGS:
            full = f"-test.{name}" + (arg[arg.index("=") :] if "=" in arg else "")
            test.append(full if value is None else f"{full}={value}")
        elif name == "exec":
            given = (arg.split("=", 1)[1] if "=" in arg else value) or ""
            try:
                exec_cmd = split_quoted(given)
            except ValueError:  # an unpaired quote: words as they come
                exec_cmd = given.split()
        elif name == "vet":
            build.extend([arg] if value is None else [arg, value])
        elif name in _GO_TEST_ONLY:
            continue
        else:
            build.extend([arg] if value is None else [arg, value])
            listing.extend([arg] if value is None else [arg, value])
    return SplitFlags(tuple(build), tuple(test), tuple(listing), tuple(exec_cmd))


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
