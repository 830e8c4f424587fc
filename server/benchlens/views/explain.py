"""An explanation (`benchlens.explain.model`) for people: the terminal tables, the
one-line message of a source line (diagnostic and hover), and the "why" section
of the markdown report."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import Console
from rich.table import Table
from rich.text import Text

from benchlens.explain.model import Cost, Explanation, LineChange, QuantityChange
from benchlens.units import format_change, format_value
from benchlens.views.escape import md_code, md_text, visible

#: What each quantity is called in headings.
TITLES = {
    "cpu": "CPU time per op",
    "alloc_space": "Allocated bytes per op",
    "alloc_objects": "Allocations per op",
}

#: Rows shown per table (the JSON has more).
TOP_FUNCTIONS = 10
TOP_LINES = 8
#: Lines named in the report's "why" section.
REPORT_LINES = 3


def short_function(name: str) -> str:
    """`example.com/m/kafka/handler.(*H).Handle` → `handler.(*H).Handle`, as pprof's
    `-top` shortens nothing but people read."""
    head = name.split("(", 1)[0].split("[", 1)[0]  # the package path ends before these
    cut = head.rfind("/")
    return name[cut + 1 :] if cut >= 0 else name


def short_file(file: str, workspace: bool) -> str:
    """Workspace files as they are (relative); others by their last two elements
    (`runtime/malloc.go`), enough to recognise them."""
    if workspace:
        return file
    parts = file.split("/")
    return "/".join(parts[-2:]) if len(parts) > 2 else file


def value(v: float, unit: str) -> str:
    if unit == "allocs/op":
        return f"{v:.0f}" if abs(v - round(v)) < 0.005 or abs(v) >= 10 else f"{v:.2f}"
    return format_value(v, unit)


def signed(v: float, unit: str) -> str:
    """`+310ns`, `−40ns` (unicode minus, as the tables print changes)."""
    if v == 0:
        return "0"
    return ("+" if v > 0 else "−") + value(abs(v), unit)


def percent(share: float) -> str:
    return f"{share * 100:.0f} %"


def where(file: str, line: int | None, workspace: bool) -> str:
    name = short_file(file, workspace)
    return f"{name}:{line}" if line else name


def line_where(ln: LineChange) -> str:
    if ln.line is not None:
        return where(ln.file, ln.line, ln.workspace)
    return f"{short_file(ln.file, ln.workspace)}:{ln.baseline_line} (baseline; gone)"


def line_message(explanation: Explanation, ln: LineChange, unit: str = "ns/op") -> str:
    """What a line of source shows: `+310ns/op here (12 % → 48 % of BenchmarkX/small);
    was 40ns/op`."""
    bench = explanation.benchmark.removeprefix("Benchmark")
    delta = ("+" if ln.cost.delta > 0 else "−" if ln.cost.delta < 0 else "") + per_op_text(
        abs(ln.cost.delta), unit
    )
    if ln.baseline_line is None:
        shares = f"new or changed line; {percent(ln.share_current)} of Benchmark{bench}"
    else:
        shares = f"{percent(ln.share_baseline)} → {percent(ln.share_current)} of Benchmark{bench}"
    was = per_op_text(ln.cost.baseline, unit)
    return f"{delta} here ({shares}); was {was}"


def _cost_cell(c: Cost, unit: str) -> str:
    return f"{value(c.baseline, unit)} → {value(c.current, unit)}"


def _delta_cell(c: Cost, unit: str) -> Text:
    text = signed(c.delta, unit)
    if not c.significant:
        return Text(f"{text} ~", style="dim")
    return Text(text, style="bold red" if c.delta > 0 else "green")


def headline(q: QuantityChange) -> str:
    t = q.total
    change = format_change(q.change_pct) if q.change_pct is not None else "no change"
    title = TITLES.get(q.kind, q.kind)
    return f"{title}: {value(t.baseline, q.unit)} → {value(t.current, q.unit)} ({change})"


def worth_a_row(c: Cost, q: QuantityChange) -> bool:
    """Worth a row: a change of at least 0.5 % of the benchmark's larger total."""
    scale = max(abs(q.total.baseline), abs(q.total.current))
    return abs(c.delta) >= 0.005 * scale if scale else c.delta != 0


def function_table(q: QuantityChange, top: int = TOP_FUNCTIONS) -> Table:
    table = Table(title=Text(headline(q)), title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("Function")
    table.add_column("Flat (base → cur)", justify="right")
    table.add_column("Δ flat", justify="right")
    table.add_column("Share", justify="right")
    table.add_column("Cum (base → cur)", justify="right")
    table.add_column("Where")
    rows = [f for f in q.functions if worth_a_row(f.flat, q)][:top]
    for i, f in enumerate(rows, start=1):
        table.add_row(
            str(i),
            Text(visible(short_function(f.function))),
            _cost_cell(f.flat, q.unit),
            _delta_cell(f.flat, q.unit),
            percent(f.share) if f.share is not None else "—",
            _cost_cell(f.cum, q.unit),
            Text(visible(where(f.file, f.line, f.workspace))),
        )
    return table


def line_table(q: QuantityChange, top: int = TOP_LINES) -> Table:
    table = Table(title=Text("Lines"), title_justify="left")
    table.add_column("Where")
    table.add_column("Function")
    table.add_column("Base → cur", justify="right")
    table.add_column("Δ", justify="right")
    table.add_column("Share of the benchmark", justify="right")
    for ln in [ln for ln in q.lines if worth_a_row(ln.cost, q)][:top]:
        table.add_row(
            Text(visible(line_where(ln))),
            Text(visible(short_function(ln.function))),
            _cost_cell(ln.cost, q.unit),
            _delta_cell(ln.cost, q.unit),
            f"{percent(ln.share_baseline)} → {percent(ln.share_current)}",
        )
    return table


def outside_table(q: QuantityChange, top: int = TOP_LINES) -> Table | None:
    """Work beside the benchmark loop (other goroutines), when any of it changed."""
    rows = [f for f in q.outside if worth_a_row(f.flat, q)][:top]
    if not rows:
        return None
    table = Table(
        title=Text("Outside the benchmark loop, per op"),
        title_justify="left",
    )
    table.add_column("Goroutine entry")
    table.add_column("Base → cur", justify="right")
    table.add_column("Δ", justify="right")
    for f in rows:
        table.add_row(
            Text(visible(short_function(f.function))),
            _cost_cell(f.flat, q.unit),
            _delta_cell(f.flat, q.unit),
        )
    return table


def baseline_text(e: Explanation) -> str:
    """The baseline side as people name it: `HEAD~1 (6a312bd)`, or just the commit when
    the ref is one (`6a312bdd1437`)."""
    ref, commit = e.baseline.ref, e.baseline.commit
    if not commit:
        return ref
    if commit.startswith(ref) and len(ref) >= 7:
        return commit[:12]
    return f"{ref} ({commit[:7]})"


def per_op_text(v: float, unit: str) -> str:
    """`354ns/op`, `2.03KiB/op`, `10 allocs/op`."""
    return f"{value(v, unit)} allocs/op" if unit == "allocs/op" else f"{value(v, unit)}/op"


def _side_line(label: str, ref: str, per_op: dict[str, float], runs: int) -> str:
    units = ("ns/op", "B/op", "allocs/op")
    values = "  ".join(per_op_text(per_op[u], u) for u in units if u in per_op)
    return f"{label:<9} {ref:<24} {values}  (median of {runs} runs)"


def quantities_shown(explanation: Explanation) -> list[QuantityChange]:
    """CPU always; allocations when either side allocates."""
    return [
        q
        for q in explanation.quantities
        if q.kind == "cpu" or q.total.baseline > 0 or q.total.current > 0
    ]


def render_explanation(explanation: Explanation, width: int = 140, color: bool = False) -> str:
    """The terminal report: both sides, per quantity the functions and lines that
    changed most, the notes, and the pprof commands to dig further."""
    e = explanation
    buf = io.StringIO()
    console = Console(
        file=buf, width=width, force_terminal=color, no_color=not color, highlight=False
    )
    print_ = console.print
    runs = len(e.current.iterations)
    print_(
        Text(
            visible(f"{e.benchmark} · {e.package} · benchtime {e.benchtime}, {runs} runs per side")
        )
    )
    base_ref = baseline_text(e)
    print_(Text(visible(_side_line("baseline", base_ref, e.baseline.per_op, runs))))
    print_(Text(visible(_side_line("current", e.current.ref, e.current.per_op, runs))))
    if e.grouped:
        print_(
            Text(
                "Flat includes the standard library and runtime code a function calls "
                "(grouped under the workspace's code; --no-group for pprof's flat). "
                "~ marks changes within the profile's sampling noise."
            )
        )
    for q in quantities_shown(e):
        print_()
        functions, lines = function_table(q), line_table(q)
        if functions.row_count or lines.row_count:
            print_(functions)
            print_(lines)
        elif q.functions:  # no empty tables
            print_(Text(f"{headline(q)}: no function's cost per op changed by 0.5 % or more"))
        else:  # reported by the benchmark, never sampled in its loop (see the notes)
            print_(Text(f"{headline(q)}: nothing in the benchmark loop's profiles to show where"))
        outside = outside_table(q)
        if outside is not None:
            print_(outside)
    for note in e.notes:
        print_(Text(f"note: {visible(note)}"))
    print_()
    print_("Dig further:")
    for command in e.commands:
        print_(Text(f"  {visible(command)}"), soft_wrap=True)
    return buf.getvalue()


def why_markdown(explanation: Explanation, lines: int = REPORT_LINES) -> str:
    """The "why" of one regression for the markdown report: the functions and lines
    whose CPU time per op grew most, and the command to dig further."""
    e = explanation
    q = e.quantity("cpu")
    base = baseline_text(e)
    out = [
        f"**{md_text(e.benchmark)}** — profiled {md_text(e.created)} against "
        f"{md_code(base, in_table=False)}:",
        "",
    ]
    if q is None:
        return "\n".join([*out, "_no CPU profile_", ""])
    out.append(f"- {md_text(headline(q))}")
    grew = [f for f in q.functions if f.flat.delta > 0 and f.flat.significant][:lines]
    for f in grew:
        share = f", {percent(f.share)} of the change" if f.share is not None else ""
        out.append(
            f"- {md_code(short_function(f.function), in_table=False)} "
            f"{md_text(signed(f.flat.delta, q.unit))}/op{share} at "
            f"{md_code(where(f.file, f.line, f.workspace), in_table=False)}"
        )
    for ln in e.workspace_lines("cpu")[:lines]:
        out.append(f"  - {md_code(line_where(ln), in_table=False)}: {md_text(line_message(e, ln))}")
    for kind in ("alloc_space", "alloc_objects"):
        a = e.quantity(kind)
        if a is not None and a.total.delta != 0:
            out.append(f"- {md_text(headline(a))}")
    if not grew:
        out.append("- no function's cost per op grew beyond the profile's sampling noise")
    if e.commands:
        out += ["", "```sh", visible(e.commands[0]), "```"]
    out.append("")
    return "\n".join(out)


def why_section(explanations: Sequence[Explanation]) -> str:
    """The report's "Why" section: one block per regression with a saved explanation
    (empty without any)."""
    if not explanations:
        return ""
    blocks = "\n".join(why_markdown(e) for e in explanations)
    return f"\n### Why\n\n{blocks}"


@dataclass(frozen=True)
class WhyFunction:
    function: str
    delta: str
    share: str
    where: str


@dataclass(frozen=True)
class WhyBlock:
    """One regression's explanation, as the HTML report shows it (plain strings; the
    template escapes them)."""

    benchmark: str
    against: str
    created: str
    headlines: tuple[str, ...]
    functions: tuple[WhyFunction, ...]
    lines: tuple[tuple[str, str], ...]
    command: str


def why_blocks(explanations: Sequence[Explanation], lines: int = REPORT_LINES) -> list[WhyBlock]:
    blocks = []
    for e in explanations:
        q = e.quantity("cpu")
        heads = [headline(x) for x in quantities_shown(e) if x.kind == "cpu" or x.total.delta]
        grown = [] if q is None else [f for f in q.functions if f.flat.delta > 0]
        functions = tuple(
            WhyFunction(
                short_function(f.function),
                signed(f.flat.delta, q.unit) + "/op" + ("" if f.flat.significant else " ~"),
                percent(f.share) if f.share is not None else "—",
                where(f.file, f.line, f.workspace),
            )
            for f in grown[:lines]
            if q is not None
        )
        base = baseline_text(e)
        blocks.append(
            WhyBlock(
                benchmark=e.benchmark,
                against=base,
                created=e.created,
                headlines=tuple(heads),
                functions=functions,
                lines=tuple(
                    (line_where(ln), line_message(e, ln)) for ln in e.workspace_lines()[:lines]
                ),
                command=e.commands[0] if e.commands else "",
            )
        )
    return blocks


def line_hover_markdown(explanation: Explanation, changes: Sequence[tuple[str, LineChange]]) -> str:
    """The hover of a line where a regression's cost grew: each quantity's message, where
    the explanation came from, and the command to dig further."""
    e = explanation
    base = baseline_text(e)
    out = [f"**{md_text(e.benchmark)}** · why it regressed", ""]
    out += [f"- {md_text(line_message(e, ln, unit))}" for unit, ln in changes]
    out += [
        "",
        f"_profiled {md_text(e.created)}: {md_text(base)} against the working tree "
        f"(`benchlens explain`)_",
    ]
    if e.commands:
        out += ["", "```sh", visible(e.commands[0]), "```"]
    return "\n".join(out) + "\n"
