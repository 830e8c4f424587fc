"""The shape of the language-server wing: modules import each other without a cycle,
the server class stays small, and so does every function."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.unit.test_layering import PACKAGE, imported, module_name

LSP = PACKAGE / "lsp"
#: The longest a function in `lsp/` may be, in lines (decorators and docstring included).
MAX_FUNCTION_LINES = 60
MAX_SERVER_LINES = 250


def lsp_graph() -> dict[str, set[str]]:
    """Module → the `benchlens.lsp` modules it imports (also under TYPE_CHECKING)."""
    files = {module_name(f): f for f in LSP.glob("*.py") if f.name != "__init__.py"}
    return {
        name: {m for m in imported(path) if m in files and m != name}
        for name, path in files.items()
    }


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    visiting: list[str] = []
    done: set[str] = set()

    def visit(node: str) -> list[str] | None:
        if node in visiting:
            return [*visiting[visiting.index(node) :], node]
        if node in done:
            return None
        visiting.append(node)
        for nxt in sorted(graph.get(node, ())):
            if (cycle := visit(nxt)) is not None:
                return cycle
        visiting.pop()
        done.add(node)
        return None

    for node in sorted(graph):
        if (cycle := visit(node)) is not None:
            return cycle
    return None


def test_the_lsp_modules_import_each_other_without_a_cycle() -> None:
    graph = lsp_graph()
    assert "benchlens.lsp.server" in graph["benchlens.lsp.features"]  # the graph is real
    assert find_cycle(graph) is None, " → ".join(find_cycle(graph) or [])


def test_a_cycle_is_found() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_small_server_and_small_functions() -> None:
    server = (LSP / "server.py").read_text(encoding="utf-8")
    assert len(server.splitlines()) < MAX_SERVER_LINES
    long = []
    for path in sorted(LSP.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                lines = (node.end_lineno or node.lineno) - first + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(f"{path.name}:{node.lineno} {node.name} ({lines} lines)")
    assert long == []


def test_handlers_are_module_level_functions() -> None:
    """Every registered handler is a plain function of its module, not a closure."""
    from benchlens.lsp import commands, features, lifecycle

    handlers = [h for _, _, h in [*lifecycle.FEATURES, *features.FEATURES]]
    handlers += [fn for _, _, fn in commands.COMMANDS]
    assert len(handlers) >= 19
    for handler in handlers:
        inner = getattr(handler, "__wrapped__", handler)
        assert "<locals>" not in inner.__qualname__, inner.__qualname__
        module = Path(inner.__code__.co_filename)
        assert module.parent == LSP
