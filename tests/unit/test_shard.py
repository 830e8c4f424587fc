"""CI sharding: every package in exactly one group, balanced, the same on every machine."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from benchlens.results.reader import load_text
from benchlens.runner.shard import (
    Shard,
    ShardError,
    package_weights,
    partition,
    results_per_package,
    select,
)


def test_parse_and_print() -> None:
    assert Shard.parse("2/4") == Shard(2, 4)
    assert Shard.parse(" 1 / 1 ") == Shard(1, 1)
    assert str(Shard(3, 5)) == "3/5"
    for bad in ("0/3", "4/3", "1/0", "x/2", "2", "1/2/3", "-1/2"):
        with pytest.raises(ShardError):
            Shard.parse(bad)


def test_heaviest_first_into_the_lightest_group() -> None:
    weights = {"a": 5, "b": 4, "c": 3, "d": 3, "e": 3}
    groups = partition(weights, 2)
    loads = sorted(sum(weights[p] for p in g) for g in groups)
    assert loads == [8, 10]  # LPT: a|b, then c→b, d→a, e→b
    assert groups == [["a", "d"], ["b", "c", "e"]]


def test_more_groups_than_packages_leaves_some_empty() -> None:
    assert partition({"a": 1.0, "b": 1.0}, 4) == [["a"], ["b"], [], []]


@given(
    st.dictionaries(
        st.text(alphabet="abcdefghij/.", min_size=1, max_size=8),
        st.integers(min_value=1, max_value=50),
        max_size=30,
    ),
    st.integers(min_value=1, max_value=8),
)
def test_a_partition_whatever_the_input_order(weights: dict[str, int], total: int) -> None:
    groups = partition(weights, total)
    assert len(groups) == total
    flat = [p for g in groups for p in g]
    assert sorted(flat) == sorted(weights)  # union = all, no overlap
    shuffled = list(weights.items())
    random.Random(7).shuffle(shuffled)
    assert partition(dict(shuffled), total) == groups  # stable
    if weights:
        loads = [sum(weights[p] for p in g) for g in groups]
        # LPT's guarantee: no group exceeds the ideal by more than the heaviest package.
        assert max(loads) <= sum(weights.values()) / total + max(weights.values())


def test_select_keeps_the_original_order() -> None:
    packages = ["z/one", "a/two", "m/three"]
    weights = {"z/one": 1.0, "a/two": 1.0, "m/three": 1.0}
    picked = [select(packages, Shard(i, 2), weights) for i in (1, 2)]
    assert sorted(picked[0] + picked[1]) == sorted(packages)
    for group in picked:
        assert group == [p for p in packages if p in group]


def test_weights_from_saved_results_else_declared_functions() -> None:
    saved = load_text(
        "pkg: m/a\nBenchmarkX/one 1 1 ns/op\nBenchmarkX/two 1 1 ns/op\nBenchmarkX/one 1 1 ns/op\n"
        "pkg: m/b\nBenchmarkY 1 1 ns/op\n"
    )
    known = results_per_package(saved)
    assert known == {"m/a": 2, "m/b": 1}  # results, not samples
    declared = {"m/a": 1, "m/b": 1, "m/c": 4, "m/d": 0}
    weights = package_weights(["m/a", "m/b", "m/c", "m/d"], known, declared.__getitem__)
    assert weights == {"m/a": 2.0, "m/b": 1.0, "m/c": 4.0, "m/d": 1.0}
