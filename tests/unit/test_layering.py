"""The layering rule: the core never imports the adapters (`cli/`, `lsp/`), and the
language server never imports the command line."""

from __future__ import annotations

import ast
from pathlib import Path

import benchlens

PACKAGE = Path(benchlens.__file__).resolve().parent


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def offenders(files: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{f.relative_to(PACKAGE)} imports {name}"
        for f in files
        for name in sorted(imported(f))
        if any(name == p or name.startswith(f"{p}.") for p in forbidden)
    ]


def test_core_imports_no_adapter() -> None:
    core = [
        f
        for f in PACKAGE.rglob("*.py")
        if f.relative_to(PACKAGE).parts[0] not in ("cli", "lsp", "__main__.py")
    ]
    assert core
    assert offenders(core, ("benchlens.cli", "benchlens.lsp")) == []


def test_language_server_imports_no_command_line() -> None:
    lsp = list((PACKAGE / "lsp").rglob("*.py"))
    assert lsp
    assert offenders(lsp, ("benchlens.cli",)) == []
