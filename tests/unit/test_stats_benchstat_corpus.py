"""benchlens.stats against benchstat's own golden output.

For every benchmark row benchstat printed for the corpus inputs, our median, "± x%"
spread, "vs base" cell, "p=… n=…" note and footnoted warnings must print the same.
The inputs are read with a small local parser (not benchlens.results, so these tests
check only the statistics) and converted to the units benchstat prints (sec/op, B/s).
"""

from __future__ import annotations

import csv
import itertools
import math
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from benchlens import stats

CORPUS = Path(
    os.environ.get(
        "BENCHSTAT_CORPUS", Path(__file__).resolve().parents[3] / "shared/corpus/benchstat"
    )
)

pytestmark = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"benchstat corpus not found at {CORPUS} (set BENCHSTAT_CORPUS)"
)

# benchstat's unit normalisation: it shows ns/op as sec/op and MB/s as B/s.
UNIT_CONVERSION = {"ns/op": ("sec/op", 1e-9), "MB/s": ("B/s", 1e6)}

SI_PREFIX = {"p": 1e-12, "n": 1e-9, "µ": 1e-6, "m": 1e-3, "": 1.0, "k": 1e3, "M": 1e6}
SI_PREFIX |= {"G": 1e9, "T": 1e12}
BINARY_PREFIX = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}


# ---------------------------------------------------------------------------
# Reading the inputs


@dataclass
class Samples:
    """Values per column (a file or a `note:` value), per (name, unit), in file order."""

    columns: dict[str, dict[tuple[str, str], list[float]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    exact_units: set[str] = field(default_factory=set)


RESULT_LINE = re.compile(r"^Benchmark(\S+)\s+(\d+)\s+(.*)$")
CONFIG_LINE = re.compile(r"^([a-z][^\s:]*):(?:\s+(.*))?$")


def read_bench_file(path: Path, samples: Samples, column: str | None) -> None:
    """Add one Go benchmark file's results to `samples`.

    With `column=None` the column is the current `note:` value (benchstat's
    `-col note`); otherwise every result goes to `column`.
    """
    note = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("Unit "):
            fields = line.split()
            if "assume=exact" in fields[2:]:
                samples.exact_units.add(fields[1])
            continue
        if m := CONFIG_LINE.match(line):
            if m.group(1) == "note":
                note = (m.group(2) or "").strip()
            continue
        m = RESULT_LINE.match(line)
        if not m:
            continue
        name, rest = m.group(1), m.group(3).split()
        for value, unit in zip(rest[0::2], rest[1::2], strict=True):
            unit, factor = UNIT_CONVERSION.get(unit, (unit, 1.0))
            col = column if column is not None else note
            samples.columns[col][(name, unit)].append(float(value) * factor)


def samples_for(*files: str, by_note: bool = False) -> Samples:
    samples = Samples()
    for name in files:
        read_bench_file(CORPUS / name, samples, None if by_note else name)
    return samples


# ---------------------------------------------------------------------------
# Reading benchstat's tables


@dataclass(frozen=True)
class Cell:
    """One printed summary: "1.701µ ± 7% ¹"."""

    column: str
    mantissa: str
    prefix: str
    spread: str
    footnote: str | None

    @property
    def scale(self) -> float:
        return BINARY_PREFIX.get(self.prefix) or SI_PREFIX[self.prefix]


@dataclass(frozen=True)
class Row:
    source: str
    name: str
    unit: str
    cells: tuple[Cell, ...]
    delta: str | None  # "vs base" cell of the last column
    note: str | None  # "p=0.008 n=5" / "n=1"
    note_footnote: str | None
    footnotes: dict[str, str]

    def __str__(self) -> str:
        return f"{self.source}:{self.name}[{self.unit}]"


CELL = re.compile(
    r"(?P<mantissa>[-+]?\d+(?:\.\d+)?)(?P<prefix>Ki|Mi|Gi|Ti|[pnµmkMGT]?)"
    r" ± (?P<spread>\d+%|∞|\?)(?: (?P<footnote>[¹²³⁴⁵⁶⁷⁸⁹]))?"
)
COMPARISON = re.compile(
    r"(?P<delta>~|\?|[-+]?\d+\.\d+%)\s+\((?P<note>(?:p=\d\.\d{3} )?n=\d+(?:\+\d+)?)\)"
    r"(?: (?P<footnote>[¹²³⁴⁵⁶⁷⁸⁹]))?\s*$"
)
FOOTNOTE = re.compile(r"^(?P<mark>[¹²³⁴⁵⁶⁷⁸⁹]) (?P<text>.*)$")


def read_golden_table(name: str) -> list[Row]:
    """Rows of benchstat's text tables (geomean rows skipped), with their footnotes."""
    lines = (CORPUS / name).read_text(encoding="utf-8").splitlines()
    sections: list[list[str]] = [[]]
    for line in lines:
        if not line.strip():
            sections.append([])
        else:
            sections[-1].append(line)
    rows: list[Row] = []
    for section in sections:
        headers = [i for i, line in enumerate(section) if "│" in line]
        if not headers:
            continue
        title, units = section[headers[0]], section[headers[1]]
        bars = [i for i, ch in enumerate(title) if ch == "│"]
        columns = [title[a + 1 : b].strip() for a, b in itertools.pairwise(bars)]
        unit = units[bars[0] + 1 : bars[1]].split()[0]
        footnotes = {
            m["mark"]: m["text"] for line in section if (m := FOOTNOTE.match(line)) is not None
        }
        for line in section[headers[1] + 1 :]:
            if FOOTNOTE.match(line) or line.startswith("geomean"):
                continue
            row_name = line.split()[0]
            cells = []
            for m in CELL.finditer(line):
                col = sum(1 for bar in bars[1:] if bar <= m.start())
                cells.append(
                    Cell(columns[col], m["mantissa"], m["prefix"], m["spread"], m["footnote"])
                )
            cmp = COMPARISON.search(line)
            rows.append(
                Row(
                    source=name,
                    name=row_name,
                    unit=unit,
                    cells=tuple(cells),
                    delta=cmp["delta"] if cmp else None,
                    note=cmp["note"] if cmp else None,
                    note_footnote=cmp["footnote"] if cmp else None,
                    footnotes=footnotes,
                )
            )
    return rows


# ---------------------------------------------------------------------------
# The checks


def assert_printed_as(value: float, cell: Cell, where: str) -> None:
    """`value`, scaled and rounded as benchstat printed it, gives the printed figure."""
    decimals = len(cell.mantissa.partition(".")[2])
    ours = f"{value / cell.scale:.{decimals}f}"
    assert ours == cell.mantissa.lstrip("+"), (
        f"{where}: center {value!r} prints as {ours}{cell.prefix}, "
        f"benchstat printed {cell.mantissa}{cell.prefix}"
    )


def check_row(row: Row, samples: Samples) -> None:
    """Check every figure of one row: centres, spreads, delta, p/n and warnings."""
    exact = row.unit in samples.exact_units
    summaries: dict[str, stats.Summary] = {}
    for cell in row.cells:
        values = samples.columns[cell.column][(row.name, row.unit)]
        assert values, f"{row}: no input samples for column {cell.column!r}"
        summary = stats.summarize(values, assume_exact=exact)
        summaries[cell.column] = summary
        assert_printed_as(summary.center, cell, f"{row} {cell.column}")
        assert summary.spread_str == cell.spread, f"{row} {cell.column}: spread"
        expected_warning = row.footnotes[cell.footnote] if cell.footnote else None
        assert summary.warning == expected_warning, f"{row} {cell.column}: warning"
    if row.note is not None:
        assert len(row.cells) == 2, f"{row}: a comparison needs two summaries"
        base, new = row.cells
        test = stats.compare_samples(
            samples.columns[base.column][(row.name, row.unit)],
            samples.columns[new.column][(row.name, row.unit)],
            assume_exact=exact,
        )
        assert test.p_n_str == row.note, f"{row}: p/n"
        old_c, new_c = summaries[base.column].center, summaries[new.column].center
        assert test.delta_str(old_c, new_c) == row.delta, f"{row}: vs base"
        expected_warning = row.footnotes[row.note_footnote] if row.note_footnote else None
        assert test.warning == expected_warning, f"{row}: comparison warning"


TABLE_CASES = [
    pytest.param("crcOldNew.stdout", ("crc-old.txt", "crc-new.txt"), False, 144, id="crcOldNew"),
    pytest.param("crcIgnore.stdout", ("crc-old.txt", "crc-new.txt"), False, 72, id="crcIgnore"),
    pytest.param("units.stdout", ("units.txt",), True, 2, id="units"),
    pytest.param("zero.stdout", ("zero.txt",), True, 10, id="zero"),
    pytest.param("smallSample.stdout", ("smallSample.txt",), True, 1, id="smallSample"),
    pytest.param("issue19565.stdout", ("issue19565.txt",), True, 3, id="issue19565"),
    pytest.param("issue19634.stdout", ("issue19634.txt",), True, 1, id="issue19634"),
]


@pytest.mark.parametrize(("golden", "inputs", "by_note", "n_rows"), TABLE_CASES)
def test_table_rows_match_benchstat(
    golden: str, inputs: tuple[str, ...], by_note: bool, n_rows: int
) -> None:
    samples = samples_for(*inputs, by_note=by_note)
    rows = read_golden_table(golden)
    # Every data row must have been recognised, or the check would silently shrink.
    assert len(rows) == n_rows, [str(r) for r in rows]
    assert all(row.cells for row in rows), [str(r) for r in rows if not r.cells]
    for row in rows:
        check_row(row, samples)


def test_table_parser_sees_every_comparison() -> None:
    """Guard for the parser: the rows with a p-value are exactly those benchstat printed."""
    expected = {
        "crcIgnore.stdout": 72,
        "smallSample.stdout": 1,
        "issue19565.stdout": 1,
        "issue19634.stdout": 1,
        "units.stdout": 2,
        "zero.stdout": 10,
        "crcOldNew.stdout": 0,
    }
    for golden, count in expected.items():
        text = (CORPUS / golden).read_text(encoding="utf-8")
        printed = len(re.findall(r"\((?:p=\S+ )?n=\d+\)", text))
        assert printed == count
        assert sum(row.note is not None for row in read_golden_table(golden)) == count


def test_csv_rows_match_benchstat() -> None:
    """csvOldNew: full-precision medians in sec/op, CI, delta and p of old.txt vs new.txt."""
    samples = samples_for("old.txt", "new.txt")
    text = (CORPUS / "csvOldNew.stdout").read_text(encoding="utf-8").splitlines()
    rows = [r for r in csv.reader(text) if len(r) == 7 and r[0] and r[0] != "geomean"]
    assert [r[0] for r in rows] == ["Encode/format=json-48", "Encode/format=gob-48"]
    for name, old_c, old_ci, new_c, new_ci, delta, note in rows:
        old = samples.columns["old.txt"][(name, "sec/op")]
        new = samples.columns["new.txt"][(name, "sec/op")]
        s_old, s_new = stats.summarize(old), stats.summarize(new)
        assert math.isclose(s_old.center, float(old_c), rel_tol=1e-12)
        assert math.isclose(s_new.center, float(new_c), rel_tol=1e-12)
        assert (s_old.spread_str, s_new.spread_str) == (old_ci, new_ci)
        test = stats.compare_samples(old, new)
        assert test.p_n_str == note
        assert test.delta_str(s_old.center, s_new.center) == delta
        assert test.warning is None


def test_all_equal_samples_print_p_one() -> None:
    """issue19565: identical samples on both sides give p=1.000 and 'all samples are equal'."""
    test = stats.compare_samples([100e-9] * 6, [100e-9] * 6)
    assert (test.p_value, test.significant, test.identical) == (1.0, False, True)
    assert test.warning == "all samples are equal"
    assert test.delta_str(100e-9, 100e-9) == "~"
