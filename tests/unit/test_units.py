"""Units normalised on read (as benchfmt/benchunit do), shown in the familiar form."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from benchlens.compare import Status, compare
from benchlens.config import default_config
from benchlens.results.reader import load_text
from benchlens.units import (
    Better,
    familiar_unit,
    format_change,
    format_value,
    normalise_unit,
    tidy_unit,
    unit_info,
)
from benchlens.views.json_view import render_json
from benchlens.views.markdown import render_markdown
from benchlens.views.text import render_text


@pytest.mark.parametrize(
    ("unit", "tidied", "key"),
    [
        ("ns/op", ("sec/op", -9), ("ns/op", 0)),
        ("sec/op", ("sec/op", 0), ("ns/op", 9)),
        ("MB/s", ("B/s", 6), ("MB/s", 0)),
        ("B/s", ("B/s", 0), ("MB/s", -6)),
        ("B/op", ("B/op", 0), ("B/op", 0)),
        ("MB/op", ("B/op", 6), ("B/op", 6)),
        ("ns/frame", ("sec/frame", -9), ("ns/frame", 0)),
        ("frames/ns", ("frames/ns", 0), ("frames/ns", 0)),  # denominators are left alone
        ("allocs/op", ("allocs/op", 0), ("allocs/op", 0)),
    ],
)
def test_tidy_and_normalise(unit: str, tidied: tuple[str, int], key: tuple[str, int]) -> None:
    assert tidy_unit(unit) == tidied
    assert normalise_unit(unit) == key
    assert familiar_unit(tidied[0])[0] == key[0]


def _pair(unit_a: str, scale_a: float, unit_b: str, scale_b: float) -> tuple[str, str]:
    samples = [100, 101, 102, 99, 100, 101]
    a = "pkg: p\n" + "".join(f"BenchmarkX-8 1000 {v * scale_a!r} {unit_a}\n" for v in samples)
    b = "pkg: p\n" + "".join(f"BenchmarkX-8 1000 {v * scale_b!r} {unit_b}\n" for v in samples)
    return a, b


def test_a_file_in_sec_per_op_compares_with_one_in_ns_per_op(tmp_path: Path) -> None:
    base, cur = _pair("ns/op", 1, "sec/op", 1e-9)
    comparison = compare(
        load_text(base, "b.txt"), load_text(cur, "c.txt"), default_config(tmp_path)
    )
    (bench,) = comparison.benchmarks
    (metric,) = bench.metrics
    assert metric.unit == "ns/op"  # the familiar form, in every view
    assert bench.status is Status.OK
    assert metric.current is not None
    assert metric.current.center == pytest.approx(100.5)
    assert metric.change_pct == pytest.approx(0, abs=1e-9)
    data = json.loads(render_json(comparison))
    (m,) = data["benchmarks"][0]["metrics"]
    assert (m["unit"], m["metric"]) == ("ns/op", "latency")
    assert m["baseline"] == 100.5 and m["current"] == pytest.approx(100.5)
    assert "ns/op" in render_markdown(comparison)
    assert "sec/op" not in render_text(comparison)


def test_bytes_per_second_pair_with_megabytes_per_second(tmp_path: Path) -> None:
    base, cur = _pair("MB/s", 1, "B/s", 1e6)
    comparison = compare(load_text(base), load_text(cur), default_config(tmp_path))
    (metric,) = comparison.benchmarks[0].metrics
    assert (metric.unit, metric.metric.value, metric.better) == (
        "MB/s",
        "throughput",
        Better.HIGHER,
    )
    assert metric.current_samples == metric.baseline_samples


def test_unit_metadata_and_config_apply_to_either_spelling(tmp_path: Path) -> None:
    rs = load_text(
        "Unit sec/frame better=higher\nBenchmarkX 1 5 ns/frame\nBenchmarkX 1 5e-9 sec/frame\n"
    )
    (bench,) = rs
    assert bench.samples == {"ns/frame": [5.0, 5.0]}
    assert rs.unit_metadata == {"ns/frame": {"better": "higher"}}
    assert unit_info("ns/frame", None, {"sec/frame": Better.LOWER}).better is Better.LOWER


def test_infinite_and_undefined_values_format() -> None:
    assert format_value(math.inf, "allocs/op") == "+Inf allocs/op"
    assert format_value(-math.inf, "ns/op") == "-Inf ns/op"
    assert format_value(math.nan, "B/op") == "NaN B/op"
    assert format_change(math.nan) == "?"


def test_a_fraction_of_a_byte_is_not_rounded_away() -> None:
    """The median of six B/op samples can be half a byte (`0 0 0 1 2 2` → 0.5): shown
    as `0B` it read `0B → 0B +∞%` (valyala/fastjson's Validate/citm under `benchlens
    ab`); benchstat says 0.5000. Whole bytes stay whole, as allocs/op."""
    assert format_value(0.5, "B/op") == "0.500B"
    assert format_value(12.5, "B/op") == "12.5B"
    assert format_value(12.0, "B/op") == "12B"
    assert format_value(0.0, "B/op") == "0B"
    assert format_value(4896, "B/op") == "4.78KiB"
