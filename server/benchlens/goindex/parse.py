"""The truth about one file: benchmark functions and `b.Run` calls, from a tree-sitter parse.

Only benchmark bodies are walked (in Python); the rest of the file is skipped at
the top level, so the cost is the C parse plus work proportional to benchmark
code. In a file with syntax errors, the top-level declarations the error
touches are re-parsed one by one (gofmt starts each at column 0), so one broken
function cannot swallow the benchmarks that follow it.

Name arguments become `NamePattern`s: literals, constants (function-local,
file-level, or elsewhere in the package through `lookup`), `fmt.Sprintf`
formats, `+` concatenations, variables assigned once from those, and anything
else (a table-driven `tc.name`) as a dynamic pattern matching any one element.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import tree_sitter_go
from tree_sitter import Language, Node, Parser, Point, Range, Tree

from benchlens.goindex.model import BenchmarkFunction, NameKind, NamePattern, RunSite, SourceRange
from benchlens.goindex.names import (
    ANY_ELEMENT,
    decode_go_string,
    go_quote_meta,
    is_benchmark_name,
    rewrite,
    sprintf_regex,
    utf16_len,
)

__all__ = ["LANGUAGE", "ParsedFile", "edit_tree", "file_constants", "parse_bytes", "parse_file"]

LANGUAGE = Language(tree_sitter_go.language())

#: Looks up a package-level string constant declared in another file of the package.
ConstLookup = Callable[[str], str | None]

_MAX_DEPTH = 8  # how far identifiers are followed through constants and variables


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """What a parse of one `_test.go` file yields."""

    path: Path
    functions: tuple[BenchmarkFunction, ...]
    sites: tuple[RunSite, ...]
    #: Identifiers whose value came from another file (to invalidate when that file changes).
    external_names: frozenset[str] = field(default=frozenset())
    has_errors: bool = False


_parser = Parser(LANGUAGE)


def parse_bytes(data: bytes, old_tree: Tree | None = None) -> Tree:
    """Parse Go source; with `old_tree` (already `edit_tree`-ed) tree-sitter reuses it."""
    return _parser.parse(data) if old_tree is None else _parser.parse(data, old_tree)


def _point(data: bytes, offset: int) -> Point:
    row = data.count(b"\n", 0, offset)
    return Point(row, offset - (data.rfind(b"\n", 0, offset) + 1))


def edit_tree(tree: Tree, old: bytes, new: bytes) -> None:
    """Describe the change old → new (one contiguous edit) to `tree` for an incremental re-parse.

    The editor sends whole documents; the common prefix and suffix give the edit.
    """
    limit = min(len(old), len(new))
    start = 0
    # compare in blocks first: the common prefix is usually long
    block = 4096
    while start + block <= limit and old[start : start + block] == new[start : start + block]:
        start += block
    while start < limit and old[start] == new[start]:
        start += 1
    suffix = 0
    max_suffix = limit - start
    while (
        suffix + block <= max_suffix
        and old[len(old) - suffix - block : len(old) - suffix]
        == new[len(new) - suffix - block : len(new) - suffix]
    ):
        suffix += block
    while suffix < max_suffix and old[len(old) - suffix - 1] == new[len(new) - suffix - 1]:
        suffix += 1
    old_end, new_end = len(old) - suffix, len(new) - suffix
    tree.edit(
        start,
        old_end,
        new_end,
        _point(old, start),
        _point(old, old_end),
        _point(new, new_end),
    )


# --- positions ----------------------------------------------------------------------------


class _Positions:
    """Byte columns (tree-sitter) → UTF-16 columns (LSP)."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def col(self, offset: int, byte_col: int) -> int:
        prefix = self._data[offset - byte_col : offset]
        if prefix.isascii():
            return byte_col
        return utf16_len(prefix.decode("utf-8", "replace"))

    def range(self, start: Node, end: Node | None = None) -> SourceRange:
        end = start if end is None else end
        sp, ep = start.start_point, end.end_point
        return SourceRange(
            sp.row,
            self.col(start.start_byte, sp.column),
            ep.row,
            self.col(end.end_byte, ep.column),
        )


def _text(node: Node) -> str:
    raw = node.text
    return "" if raw is None else raw.decode("utf-8", "replace")


# --- top level ----------------------------------------------------------------------------


_DECLARATIONS = frozenset({"function_declaration", "const_declaration", "import_declaration"})


def _top_level(root: Node) -> Iterator[Node]:
    """Top-level declarations, including those tree-sitter tucked into an ERROR node."""
    for child in root.children:
        if child.type == "ERROR":
            yield from _top_level(child)
        elif child.type in _DECLARATIONS:
            yield child


def _testing_names(declarations: list[Node]) -> tuple[frozenset[str], bool]:
    """The names `testing` is imported as, and whether it is dot-imported."""
    names = {"testing"}
    dot = False
    for decl in declarations:
        if decl.type != "import_declaration":
            continue
        for spec in _descendants_of_type(decl, "import_spec"):
            path = spec.child_by_field_name("path")
            if path is None or decode_go_string(_text(path)) != "testing":
                continue
            alias = spec.child_by_field_name("name")
            if alias is None:
                continue
            if alias.type == "dot":
                dot = True
            else:
                names.add(_text(alias))
    return frozenset(names), dot


def _descendants_of_type(node: Node, kind: str) -> Iterator[Node]:
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type == kind:
            yield n
        else:
            stack.extend(reversed(n.named_children))


def _const_specs(node: Node) -> Iterator[tuple[str, Node]]:
    """(name, value expression) for each const in a const_declaration."""
    for spec in node.named_children:
        if spec.type != "const_spec":
            continue
        names = [c for c in spec.children_by_field_name("name") if c.type == "identifier"]
        value = spec.child_by_field_name("value")
        values = [] if value is None else list(value.named_children)
        if len(values) == len(names):
            for name, expr in zip(names, values, strict=True):
                yield _text(name), expr


class _Consts:
    """String constants in scope: function-local, then file-level, then the rest of the package."""

    def __init__(self, lookup: ConstLookup | None) -> None:
        self.file: dict[str, Node] = {}
        self._values: dict[str, str | None] = {}
        self._lookup = lookup
        self.external: set[str] = set()

    def value(self, name: str, local: dict[str, Node], depth: int) -> str | None:
        if name in local:
            return _string_value(local[name], self, local, depth + 1)
        if name in self._values:
            return self._values[name]
        self._values[name] = None  # guards against cycles
        result: str | None = None
        if name in self.file:
            result = _string_value(self.file[name], self, {}, depth + 1)
        elif self._lookup is not None:
            result = self._lookup(name)
            if result is not None:
                self.external.add(name)
        self._values[name] = result
        return result


def _string_value(expr: Node, consts: _Consts, local: dict[str, Node], depth: int) -> str | None:
    """The value of a constant string expression (literals, constants, `+`), if it is one."""
    if depth > _MAX_DEPTH:
        return None
    kind = expr.type
    if kind in ("interpreted_string_literal", "raw_string_literal"):
        return decode_go_string(_text(expr))
    if kind == "identifier":
        return consts.value(_text(expr), local, depth)
    if kind == "parenthesized_expression" and expr.named_child_count == 1:
        inner = expr.named_children[0]
        return _string_value(inner, consts, local, depth + 1)
    if kind == "binary_expression":
        op = expr.child_by_field_name("operator")
        left, right = expr.child_by_field_name("left"), expr.child_by_field_name("right")
        if op is None or _text(op) != "+" or left is None or right is None:
            return None
        lv = _string_value(left, consts, local, depth + 1)
        rv = None if lv is None else _string_value(right, consts, local, depth + 1)
        return None if lv is None or rv is None else lv + rv
    if kind == "call_expression":  # string("x") conversions of constants
        fn, args = expr.child_by_field_name("function"), expr.child_by_field_name("arguments")
        if fn is not None and args is not None and _text(fn) == "string":
            named = args.named_children
            if len(named) == 1:
                return _string_value(named[0], consts, local, depth + 1)
    return None


def file_constants(data: bytes, tree: Tree | None = None) -> dict[str, str]:
    """The package-level string constants a file declares (used for other files' `b.Run` names)."""
    root = (tree if tree is not None else parse_bytes(data)).root_node
    consts = _Consts(None)
    for decl in _top_level(root):
        if decl.type == "const_declaration":
            for name, expr in _const_specs(decl):
                consts.file[name] = expr
    out: dict[str, str] = {}
    for name in consts.file:
        value = consts.value(name, {}, 0)
        if value is not None:
            out[name] = value
    return out


# --- benchmark bodies ---------------------------------------------------------------------


@dataclass(slots=True)
class _Locals:
    """What a benchmark body declares: constants, and the values its variables are assigned.

    A variable counts as known only when it is assigned exactly once and is not a
    loop variable; `values` maps it (and each local constant) to its expression.
    """

    consts: dict[str, Node] = field(default_factory=dict)
    assigned: dict[str, list[Node | None]] = field(default_factory=dict)

    def assign(self, name: str, value: Node | None) -> None:
        self.assigned.setdefault(name, []).append(value)

    def values(self) -> dict[str, Node]:
        out: dict[str, Node] = {}
        for name, values in self.assigned.items():
            if len(values) == 1 and values[0] is not None:
                out[name] = values[0]
        out.update(self.consts)
        return out


def _record_locals(node: Node, locals_: _Locals) -> None:
    kind = node.type
    if kind == "const_declaration":
        for name, expr in _const_specs(node):
            locals_.consts[name] = expr
    elif kind in ("short_var_declaration", "assignment_statement"):
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is None:
            return
        op = node.child_by_field_name("operator")
        rights = [] if right is None else right.named_children
        targets = left.named_children
        plain = op is None or _text(op) in ("=", ":=")
        known = plain and len(rights) == len(targets)
        for i, target in enumerate(targets):
            if target.type == "identifier":
                locals_.assign(_text(target), rights[i] if known else None)
    elif kind == "var_spec":
        names = [c for c in node.children_by_field_name("name") if c.type == "identifier"]
        value = node.child_by_field_name("value")
        values = [] if value is None else value.named_children
        if values:  # `var s string` alone assigns no value
            for i, ident in enumerate(names):
                locals_.assign(_text(ident), values[i] if len(values) == len(names) else None)
    elif kind == "range_clause":
        left = node.child_by_field_name("left")
        if left is not None:
            for ident in left.named_children:
                if ident.type == "identifier":
                    locals_.assign(_text(ident), None)  # a loop variable: any value


def _b_params(params: Node | None, testing: frozenset[str], dot: bool) -> list[str]:
    """Names of the `*testing.B` parameters in a parameter list."""
    if params is None:
        return []
    names: list[str] = []
    for decl in params.named_children:
        if decl.type != "parameter_declaration":
            continue
        typ = decl.child_by_field_name("type")
        if typ is None or typ.type != "pointer_type" or typ.named_child_count != 1:
            continue
        target = typ.named_children[0]
        if target.type == "qualified_type":
            pkg, name = target.child_by_field_name("package"), target.child_by_field_name("name")
            is_b = pkg is not None and _text(pkg) in testing and name is not None
            is_b = is_b and name is not None and _text(name) == "B"
        else:  # `*B` after `import . "testing"`
            is_b = dot and target.type == "type_identifier" and _text(target) == "B"
        if is_b:
            names.extend(_text(n) for n in decl.children_by_field_name("name"))
    return [n for n in names if n != "_"]


@dataclass(slots=True)
class _RawSite:
    call: Node
    name: Node  # the first argument; `b.Run(name` is the span annotated
    parent: int | None


def _find_run_calls(
    body: Node, b_names: list[str], testing: frozenset[str], dot: bool
) -> tuple[list[_RawSite], _Locals]:
    """Walk a benchmark body: `b.Run` calls with their nesting, and the locals they may use."""
    sites: list[_RawSite] = []
    locals_ = _Locals()
    # (node, *testing.B names in scope, index of the enclosing b.Run site)
    stack: list[tuple[Node, frozenset[str], int | None]] = [(body, frozenset(b_names), None)]
    while stack:
        node, scope, parent = stack.pop()
        kind = node.type
        if kind == "func_literal":
            added = _b_params(node.child_by_field_name("parameters"), testing, dot)
            if added:
                scope = scope | frozenset(added)
        elif kind == "call_expression":
            site = _run_call(node, scope)
            if site is not None:
                name_node, args = site
                sites.append(_RawSite(node, name_node, parent))
                idx = len(sites) - 1
                # the closure (and anything else in the arguments) is one level deeper
                stack.extend((c, scope, idx) for c in reversed(args.named_children[1:]))
                stack.append((name_node, scope, parent))
                continue
        else:
            _record_locals(node, locals_)
        stack.extend((c, scope, parent) for c in reversed(node.named_children))
    return sites, locals_


def _run_call(node: Node, scope: frozenset[str]) -> tuple[Node, Node] | None:
    """(name argument, argument list) if `node` is `b.Run(name, ...)` on a *testing.B in scope."""
    fn = node.child_by_field_name("function")
    if fn is None or fn.type != "selector_expression":
        return None
    operand, fld = fn.child_by_field_name("operand"), fn.child_by_field_name("field")
    if operand is None or fld is None or operand.type != "identifier" or _text(fld) != "Run":
        return None
    if _text(operand) not in scope:
        return None
    args = node.child_by_field_name("arguments")
    if args is None or args.named_child_count == 0:
        return None
    return args.named_children[0], args


class _Patterns:
    """Name expression → NamePattern, following constants and single-assignment variables."""

    def __init__(self, consts: _Consts, locals_: _Locals) -> None:
        self._consts = consts
        self._values = locals_.values()

    def _value(self, expr: Node) -> str | None:
        return _string_value(expr, self._consts, self._values, 0)

    def pattern(self, expr: Node) -> NamePattern:
        source = _text(expr)
        value = self._value(expr)
        if value is not None:
            literal = expr.type in ("interpreted_string_literal", "raw_string_literal")
            kind = NameKind.LITERAL if literal else NameKind.CONSTANT
            rewritten = rewrite(value)
            return NamePattern(kind, source, go_quote_meta(rewritten), rewritten)
        regex, kind = self._regex(expr, 0)
        if kind is NameKind.DYNAMIC:
            return NamePattern(NameKind.DYNAMIC, source, ANY_ELEMENT)
        return NamePattern(kind, source, regex)

    def _regex(self, expr: Node, depth: int) -> tuple[str, NameKind]:
        """A regex for the expression's rewritten values and how it was derived."""
        dynamic = (ANY_ELEMENT, NameKind.DYNAMIC)
        if depth > _MAX_DEPTH:
            return dynamic
        value = self._value(expr)
        if value is not None:
            return go_quote_meta(rewrite(value)), NameKind.CONSTANT
        kind = expr.type
        if kind == "identifier":
            assigned = self._values.get(_text(expr))
            return dynamic if assigned is None else self._regex(assigned, depth + 1)
        if kind == "parenthesized_expression" and expr.named_child_count == 1:
            return self._regex(expr.named_children[0], depth + 1)
        if kind == "binary_expression":
            op = expr.child_by_field_name("operator")
            left, right = expr.child_by_field_name("left"), expr.child_by_field_name("right")
            if op is None or _text(op) != "+" or left is None or right is None:
                return dynamic
            lr, lk = self._regex(left, depth + 1)
            rr, rk = self._regex(right, depth + 1)
            if lk is NameKind.DYNAMIC and rk is NameKind.DYNAMIC:
                return dynamic
            return lr + rr, NameKind.PATTERN
        if kind == "call_expression":
            return self._call_regex(expr, depth)
        return dynamic

    def _call_regex(self, expr: Node, depth: int) -> tuple[str, NameKind]:
        fn, args = expr.child_by_field_name("function"), expr.child_by_field_name("arguments")
        if fn is None or args is None or fn.type != "selector_expression":
            return ANY_ELEMENT, NameKind.DYNAMIC
        fld = fn.child_by_field_name("field")
        method = "" if fld is None else _text(fld)
        named = args.named_children
        if method == "Sprintf" and named:
            fmt = self._value(named[0])
            if fmt is not None:
                return sprintf_regex(fmt), NameKind.SPRINTF
        if method == "Sprint" and _text(fn).startswith("fmt.") and named:
            # operands side by side, a space (printed `_`) between two non-strings
            pieces = [self._regex(arg, depth + 1) for arg in named]
            if all(kind is NameKind.DYNAMIC for _, kind in pieces):
                return ANY_ELEMENT, NameKind.DYNAMIC
            return "_?".join(regex for regex, _ in pieces), NameKind.PATTERN
        if _text(fn).startswith("strconv."):
            formats = {
                "Itoa": "-?[0-9]+",
                "FormatInt": "-?[0-9a-z]+",  # any base
                "FormatUint": "[0-9a-z]+",
                "FormatBool": "(?:true|false)",
            }
            if method in formats:
                return formats[method], NameKind.PATTERN
        return ANY_ELEMENT, NameKind.DYNAMIC


# --- the file -----------------------------------------------------------------------------


_CUTS = (b"\nfunc ", b"\nconst ", b"\nvar ", b"\ntype ", b"\nimport ")
#: Segments worth re-parsing when broken: what the index extracts from a file.
_WANTED = (b"func Benchmark", b"const", b"import", b"package")


def _segments(data: bytes) -> list[tuple[int, int]]:
    """Byte ranges of top-level declarations, cut where a line starts with a keyword (gofmt)."""
    cuts = {0, len(data)}
    for needle in _CUTS:
        pos = data.find(needle)
        while pos >= 0:
            cuts.add(pos + 1)
            pos = data.find(needle, pos + 1)
    ordered = sorted(cuts)
    return [(a, b) for a, b in itertools.pairwise(ordered) if b > a]


_segment_parser = Parser(LANGUAGE)


def _declarations(data: bytes, tree: Tree) -> list[Node]:
    """Top-level declarations; where the tree has errors, re-parsed segment by segment.

    A segment is dirty when a top-level node overlapping it has an error or runs
    into the next segment (a broken body swallowing the functions after it); only
    dirty segments are parsed again, each on its own.
    """
    root = tree.root_node
    if not root.has_error:
        return list(root.children)
    segments = _segments(data)
    starts = [a for a, _ in segments]
    dirty: set[int] = set()
    for child in root.children:
        first = bisect.bisect_right(starts, child.start_byte) - 1
        last = bisect.bisect_right(starts, max(child.start_byte, child.end_byte - 1)) - 1
        if child.has_error or child.is_missing or first != last:
            dirty.update(range(max(first, 0), last + 1))
    out = [c for c in root.children if (bisect.bisect_right(starts, c.start_byte) - 1) not in dirty]
    for i in sorted(dirty):
        start, end = segments[i]
        if not data.startswith(_WANTED, start) and i != 0:
            continue  # a broken test or helper: nothing the index needs
        _segment_parser.included_ranges = [
            Range(_point(data, start), _point(data, end), start, end)
        ]
        out.extend(_top_level(_segment_parser.parse(data).root_node))
    out.sort(key=lambda n: n.start_byte)
    return out


def _wanted_declarations(data: bytes) -> list[Node]:
    """The top-level declarations the index extracts (the package clause, imports,
    consts, benchmark functions), each segment parsed on its own: the cost follows
    those declarations, not the file, which matters for a large file whose whole
    parse has errors (tree-sitter's recovery then costs ~1 ms per KiB)."""
    out: list[Node] = []
    for start, end in _segments(data):
        if start != 0 and not data.startswith(_WANTED, start):
            continue
        _segment_parser.included_ranges = [
            Range(_point(data, start), _point(data, end), start, end)
        ]
        out.extend(_top_level(_segment_parser.parse(data).root_node))
    return out


def parse_file(
    path: Path,
    data: bytes,
    tree: Tree | None = None,
    lookup: ConstLookup | None = None,
    *,
    by_declaration: bool = False,
) -> ParsedFile:
    """Benchmarks and `b.Run` sites of one file (`tree`: a parse of `data` to reuse).

    `by_declaration`: parse only the declarations the index needs, each on its own
    (an editor's change to a large file whose full parse has errors)."""
    if by_declaration:
        top = _wanted_declarations(data)
        has_errors = any(node.has_error for node in top)
    else:
        if tree is None:
            tree = parse_bytes(data)
        has_errors = tree.root_node.has_error
        top = _declarations(data, tree)
    testing, dot = _testing_names(top)
    consts = _Consts(lookup)
    declarations: list[Node] = []
    for decl in top:
        if decl.type == "const_declaration":
            for name, expr in _const_specs(decl):
                consts.file.setdefault(name, expr)
        elif decl.type == "function_declaration":
            declarations.append(decl)
    pos = _Positions(data)
    functions: list[BenchmarkFunction] = []
    sites: list[RunSite] = []
    for decl in declarations:
        name_node = decl.child_by_field_name("name")
        if name_node is None or decl.child_by_field_name("type_parameters") is not None:
            continue
        name = _text(name_node)
        if not is_benchmark_name(name):
            continue
        b_names = _b_params(decl.child_by_field_name("parameters"), testing, dot)
        body = decl.child_by_field_name("body")
        functions.append(
            BenchmarkFunction(
                path=path,
                name=name,
                name_range=pos.range(name_node),
                body_range=None if body is None else pos.range(body),
                param=b_names[0] if b_names else None,
            )
        )
        if body is None or not b_names:
            continue
        raw, locals_ = _find_run_calls(body, b_names, testing, dot)
        patterns = _Patterns(consts, locals_)
        made: list[RunSite] = []
        for i, r in enumerate(raw):
            made.append(
                RunSite(
                    path=path,
                    function=name,
                    name=patterns.pattern(r.name),
                    range=pos.range(r.call, r.name),
                    call_range=pos.range(r.call),
                    parent=None if r.parent is None else made[r.parent],
                    index=i,
                )
            )
        sites.extend(made)
    return ParsedFile(
        path=path,
        functions=tuple(functions),
        sites=tuple(sites),
        external_names=frozenset(consts.external),
        has_errors=has_errors,
    )
