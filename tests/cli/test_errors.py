"""Every command ends with exit 0, 1 or 2 and one clear line — never a traceback:
output that cannot be encoded, stdout on a full disk, an unexpected error, and
configuration problems that count as errors when asked (and in CI)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import benchlens.compare as compare_module
from benchlens.cli import main
from tests.conftest import EXAMPLES

BASE = EXAMPLES / "benchmark_results" / "baseline.txt"
CUR = EXAMPLES / "benchmark_results" / "current.txt"


def benchlens(
    *args: str | Path, stdout: int | None = subprocess.PIPE, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "benchlens", *map(str, args)],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


def test_text_that_cannot_be_encoded_is_printed_escaped(tmp_path: Path) -> None:
    """A file name with a byte that is not UTF-8 reaches Python as a lone surrogate,
    which a strict UTF-8 stdout cannot encode: it is printed escaped instead."""
    (tmp_path / "benchmark_results").mkdir()
    (tmp_path / "benchmark_results" / "current.txt").write_text(CUR.read_text())
    name = os.fsdecode(b"r\xff.html")
    strict = {**os.environ, "PYTHONIOENCODING": "utf-8"}  # errors=strict, not surrogateescape
    proc = benchlens("report", "-C", tmp_path, "-o", tmp_path / name, env=strict)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert f"report: {tmp_path.resolve()}/r\\udcff.html" in proc.stdout
    assert (tmp_path / name).is_file()


def test_stdout_on_a_full_disk_is_one_line_and_exit_2() -> None:
    with open("/dev/full", "w") as full:  # every write: ENOSPC
        proc = benchlens("compare", BASE, CUR, "--format", "markdown", stdout=full.fileno())
    assert proc.returncode == 2
    assert proc.stderr == "benchlens: cannot write the output: No space left on device\n"


def test_an_unexpected_error_is_one_line_unless_debugging(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bug anywhere (here: a comparison that raises) is exit 2 and one line; with
    BENCHLENS_DEBUG set, the traceback is printed too."""

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug\nover two lines")

    monkeypatch.setattr(compare_module, "compare", broken)  # as `compare` finds it
    monkeypatch.delenv("BENCHLENS_DEBUG", raising=False)
    assert main(["compare", str(BASE), str(CUR)]) == 2
    err = capsys.readouterr().err
    assert err == (
        "benchlens: unexpected error: RuntimeError: a bug over two lines "
        "(BENCHLENS_DEBUG=1 shows where)\n"
    )
    monkeypatch.setenv("BENCHLENS_DEBUG", "1")
    assert main(["compare", str(BASE), str(CUR)]) == 2
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and "in broken" in err


TYPO = "[tresholds]\nlatency = 30\n"


@pytest.mark.parametrize(
    ("flags", "ci", "code"),
    [
        ((), None, 0),
        (("--strict-config",), None, 2),
        ((), "true", 2),  # CI mode: strict by default
        (("--no-strict-config",), "true", 0),
        ((), "false", 0),
    ],
)
def test_config_problems_count_when_strict(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    flags: tuple[str, ...],
    ci: str | None,
    code: int,
) -> None:
    (tmp_path / ".benchlens.toml").write_text(TYPO)
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    got = main(["compare", str(BASE), str(CUR), "-C", str(tmp_path), *flags])
    err = capsys.readouterr().err
    config = tmp_path.resolve() / ".benchlens.toml"
    assert f"benchlens: {config}:1: tresholds: unknown setting; did you mean thresholds?" in err
    assert got == code
    if code == 2:
        assert "configuration problem" in err and "--no-strict-config" in err
