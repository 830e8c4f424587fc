"""The layering rule: the core never imports the adapters (`cli/`, `lsp/`) nor the
libraries that only they need (pygls, lsprotocol, watchdog), and the language server
never imports the command line."""

from __future__ import annotations

import ast
from pathlib import Path

import benchlens

PACKAGE = Path(benchlens.__file__).resolve().parent

#: Libraries of the adapters: the language server's protocol and file watching.
ADAPTER_LIBRARIES = ("pygls", "lsprotocol", "watchdog")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path, module: str | None = None) -> set[str]:
    """Every module `path` (the module `module`) imports, absolute: relative imports
    resolved, and `from benchlens import lsp` counted as `benchlens.lsp` (a name
    imported from a package may be a module)."""
    package = module or module_name(path)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{a.name}" for a in node.names if a.name != "*")
    return names


def forbidden_imports(names: set[str], forbidden: tuple[str, ...]) -> list[str]:
    return sorted(n for n in names if any(n == p or n.startswith(f"{p}.") for p in forbidden))


def offenders(files: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{f.relative_to(PACKAGE)} imports {name}"
        for f in files
        for name in forbidden_imports(imported(f), forbidden)
    ]


def core_files() -> list[Path]:
    return [
        f
        for f in PACKAGE.rglob("*.py")
        if f.relative_to(PACKAGE).parts[0] not in ("cli", "lsp", "__main__.py")
    ]


def test_core_imports_no_adapter() -> None:
    core = core_files()
    assert core
    assert offenders(core, ("benchlens.cli", "benchlens.lsp", *ADAPTER_LIBRARIES)) == []


def test_language_server_imports_no_command_line() -> None:
    lsp = list((PACKAGE / "lsp").rglob("*.py"))
    assert lsp
    assert offenders(lsp, ("benchlens.cli",)) == []


def test_the_rule_sees_every_spelling_of_an_import(tmp_path: Path) -> None:
    """Relative imports and `from benchlens import lsp` are caught, not only `import x.y`."""
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from .. import lsp\nfrom ..cli import common\nfrom benchlens import cli\nimport pygls\n"
        "from lsprotocol import types\nfrom watchdog.observers import Observer\n"
    )
    names = imported(probe, "benchlens.views.probe")
    assert forbidden_imports(names, ("benchlens.cli", "benchlens.lsp", *ADAPTER_LIBRARIES)) == [
        "benchlens.cli",
        "benchlens.cli.common",
        "benchlens.lsp",
        "lsprotocol",
        "lsprotocol.types",
        "pygls",
        "watchdog.observers",
        "watchdog.observers.Observer",
    ]
