"""CI sharding: the packages of a module split into N stable, balanced groups.

`benchlens run --shard i/N` on N runners (a job matrix) benchmarks each package
exactly once; `benchlens merge` joins the shards' result files for one
comparison. Every shard computes the whole partition from the same inputs — the
package list of `go list` and the weights — and keeps its own group, so the
shards need not talk to each other; they only need the same checkout.

Balance: a package's weight is the number of benchmark results it has in the
saved results (sub-benchmarks included: each runs for about `-benchtime`, so
this is roughly its running time), or, for a package with no saved results, the
number of its `func Benchmark` declarations. Groups are filled heaviest package
first, each into the lightest group so far (the LPT rule: within 4/3 of the best
possible makespan), ties broken by import path and group number, so the result
is the same on every machine.
"""

from __future__ import annotations

import heapq
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from benchlens.results.model import ResultSet

_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


class ShardError(ValueError):
    """A shard spec that is not `i/N` with 1 ≤ i ≤ N."""


@dataclass(frozen=True)
class Shard:
    """Group `index` (1-based) of `total`."""

    index: int
    total: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        m = _SHARD.match(text)
        if m is None:
            raise ShardError(f"expected i/N (e.g. 2/4), got {text!r}")
        index, total = int(m.group(1)), int(m.group(2))
        if total < 1 or not 1 <= index <= total:
            raise ShardError(f"shard {index}/{total}: need 1 ≤ i ≤ N")
        return cls(index, total)

    def __str__(self) -> str:
        return f"{self.index}/{self.total}"


def partition(weights: Mapping[str, float], total: int) -> list[list[str]]:
    """`total` groups of the keys of `weights`, balanced by weight (LPT), each sorted.

    Deterministic: the order of `weights` does not matter.
    """
    if total < 1:
        raise ShardError(f"need at least one shard, got {total}")
    groups: list[list[str]] = [[] for _ in range(total)]
    loads = [(0.0, i) for i in range(total)]  # (load, group number): a min-heap
    heapq.heapify(loads)
    for name in sorted(weights, key=lambda n: (-max(weights[n], 0.0), n)):
        load, i = heapq.heappop(loads)
        groups[i].append(name)
        heapq.heappush(loads, (load + max(weights[name], 0.0), i))
    return [sorted(g) for g in groups]


def results_per_package(results: ResultSet | None) -> dict[str, int]:
    """How many benchmark results (sub-benchmarks included) each package has."""
    if results is None:
        return {}
    return dict(Counter(key.package for key in results.benchmarks))


def package_weights(
    packages: Iterable[str],
    known: Mapping[str, int],
    declared: Callable[[str], int],
) -> dict[str, float]:
    """Each package's weight: its `known` result count, else `declared(package)`
    (its benchmark functions), at least 1 — every package costs a build and a start."""
    return {p: float(max(known.get(p) or declared(p), 1)) for p in packages}


def select(packages: Sequence[str], shard: Shard, weights: Mapping[str, float]) -> list[str]:
    """The packages of `shard`, in their original order."""
    mine = set(partition({p: weights.get(p, 1.0) for p in packages}, shard.total)[shard.index - 1])
    return [p for p in packages if p in mine]
