"""Which line of the current source a line of the baseline's source became.

Costs of the two sides meet per source line, but a change moves lines: a line
inserted above shifts everything below it. A line diff of the two versions of a
file (difflib) pairs unchanged lines, and the lines of a changed block one by one
when the block kept its length (a line edited in place); the other lines of a
changed block were removed or added and have no partner.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence


def line_map(baseline: Sequence[str], current: Sequence[str]) -> dict[int, int]:
    """1-based baseline line → current line, for the lines that have a partner."""
    matcher = difflib.SequenceMatcher(None, baseline, current, autojunk=False)
    pairs: dict[int, int] = {}
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            for k in range(i2 - i1):
                pairs[i1 + k + 1] = j1 + k + 1
    return pairs


class LineMaps:
    """Line maps of the workspace files that differ between the two sides; a file
    without a map is the same on both (every line is its own partner)."""

    def __init__(self, maps: Mapping[str, Mapping[int, int]] | None = None) -> None:
        self._forward = {f: dict(m) for f, m in (maps or {}).items()}
        self._backward = {f: {c: b for b, c in m.items()} for f, m in self._forward.items()}

    @classmethod
    def from_sources(cls, sources: Mapping[str, tuple[str | None, str | None]]) -> LineMaps:
        """Maps from each file's (baseline text, current text); a file missing on a side
        has no partners at all."""
        maps: dict[str, dict[int, int]] = {}
        for file, (base, cur) in sources.items():
            if base == cur and base is not None:
                continue
            maps[file] = line_map((base or "").splitlines(), (cur or "").splitlines())
        return cls(maps)

    def to_current(self, file: str, line: int) -> int | None:
        m = self._forward.get(file)
        return line if m is None else m.get(line)

    def to_baseline(self, file: str, line: int) -> int | None:
        m = self._backward.get(file)
        return line if m is None else m.get(line)
