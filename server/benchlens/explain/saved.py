"""The explanations saved for a comparison's regressions, for the reports' "why"."""

from __future__ import annotations

from dataclasses import dataclass

from benchlens.compare import Comparison
from benchlens.config import Config
from benchlens.explain.model import (
    EXPLANATION_FILE,
    Explanation,
    ExplanationFileError,
    load_explanation,
)
from benchlens.explain.session import explain_dir


@dataclass(frozen=True)
class SavedExplanations:
    """Explanations found for regressed benchmarks, and the files that could not be read."""

    explanations: tuple[Explanation, ...]
    problems: tuple[str, ...] = ()


def saved_explanations(config: Config, comparison: Comparison) -> SavedExplanations:
    """Each regressed benchmark's `explanation.json`, where one was saved for it (same
    benchmark name; an explanation of another package's namesake is skipped)."""
    found: list[Explanation] = []
    problems: list[str] = []
    for bench in comparison.regressions:
        path = explain_dir(config, bench.name) / EXPLANATION_FILE
        if not path.is_file():
            continue
        try:
            explanation = load_explanation(path)
        except ExplanationFileError as exc:
            problems.append(str(exc))
            continue
        if explanation.benchmark == bench.name and explanation.package in ("", bench.package):
            found.append(explanation)
    return SavedExplanations(tuple(found), tuple(problems))
