"""Which `b.Run` call produced a sub-benchmark result: a search down the tree of calls.

A name `BenchmarkX/a/b` has one path element per `b.Run` level, except that a
literal containing `/` spans several. Each level may be matched by several calls
(a literal, a Sprintf pattern, a table-driven `tc.name`); the best path is the
one that explains the most elements, then the one with the most exact matches
from the top down, then the first in source order. A `#NN` suffix that testing
added to a repeated name is stripped when nothing matches with it; among calls
with the same literal, the NN-th one (in source order) is preferred.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from benchlens.goindex.model import RunSite
from benchlens.goindex.names import split_dedup_suffix

__all__ = ["SiteMatch", "match_sites"]


@dataclass(frozen=True, slots=True)
class SiteMatch:
    """The deepest `b.Run` call found for a name and how many path elements it explains."""

    site: RunSite | None
    matched_parts: int


# A candidate path: (-elements explained, per-level (kind rank, dedup penalty), source order, site)
_Score = tuple[int, tuple[tuple[int, int], ...], tuple[int, ...]]


def match_sites(sites: Sequence[RunSite], parts: Sequence[str]) -> SiteMatch:
    """Match the sub-benchmark elements `parts` against one function's `b.Run` sites."""
    children: dict[int, list[RunSite]] = {}
    for site in sites:
        key = -1 if site.parent is None else site.parent.index
        children.setdefault(key, []).append(site)
    best = _best(children, -1, parts, 0)
    if best is None:
        return SiteMatch(None, 0)
    score, deepest = best
    return SiteMatch(deepest, -score[0])


def _level_penalty(site: RunSite, siblings: list[RunSite], element: str) -> tuple[int, int] | None:
    """(kind rank, dedup penalty) if `site` can have produced `element`, else None."""
    number = site.name.match_dedup(element)
    if number is None:
        return None
    penalty = 0
    if number > 0 or site.name.value is not None:
        split = split_dedup_suffix(element) if number > 0 else None
        base = element if split is None else split[0]
        same = [s for s in siblings if s.name.value == base]
        if site in same and (number >= len(same) or same[number] is not site):
            penalty = 1  # another call with this literal is the NN-th occurrence
        elif number > 0 and not same:
            penalty = 1  # matched only once the suffix was dropped
    return site.name.kind.rank, penalty


def _best(
    children: dict[int, list[RunSite]], parent: int, parts: Sequence[str], start: int
) -> tuple[_Score, RunSite | None] | None:
    siblings = children.get(parent, [])
    best: tuple[_Score, RunSite | None] | None = None
    for site in siblings:
        for end in range(start + 1, len(parts) + 1):
            element = "/".join(parts[start:end])
            level = _level_penalty(site, siblings, element)
            if level is None:
                continue
            below = _best(children, site.index, parts, end) if end < len(parts) else None
            if below is None:
                score: _Score = (-(end - start), (level,), (site.index,))
                deepest: RunSite | None = site
            else:
                (neg, ranks, order), deepest = below
                score = (neg - (end - start), (level, *ranks), (site.index, *order))
            if best is None or score < best[0]:
                best = (score, deepest)
    return best
