"""`benchlens` itself: only the chosen subcommand's module is imported, so a broken
sibling cannot break `benchlens serve`; `--help` still lists every command."""

from __future__ import annotations

import importlib
from types import ModuleType

import pytest

import benchlens.cli as cli


def test_command_modules() -> None:
    assert cli.command_modules(["serve", "--stdio"]) == ("serve",)
    assert cli.command_modules(["save-baseline", "--help"]) == ("save_baseline",)
    assert cli.command_modules(["--version"]) == cli.COMMANDS
    for argv in ([], ["--help"], ["-h", "run"], ["--he", "run"], ["nope"], ["--", "run"]):
        assert cli.command_modules(argv) == cli.COMMANDS, argv


def test_a_broken_sibling_does_not_break_serve(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.import_module

    def import_module(name: str, package: str | None = None) -> ModuleType:
        if name.startswith("benchlens.cli.") and name != "benchlens.cli.serve":
            raise SyntaxError(f"{name} is broken")
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", import_module)
    args = cli.build_parser(["serve", "--stdio"]).parse_args(["serve", "--stdio"])
    assert args.func.__name__ == "serve_command"
    with pytest.raises(SyntaxError):
        cli.build_parser(["--help"])  # help needs every command: the breakage shows


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for command in ("compare", "check", "run", "save-baseline", "regression", "profile"):
        assert f"    {command}" in out
    assert "baseline" in out and "serve" in out
