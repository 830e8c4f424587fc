"""The build: pyproject.toml says what benchlens is; this adds its compiled core.

With BENCHLENS_MYPYC=1 (`make wheel`) the modules a comparison runs through - reading
results, statistics, the verdicts and the tables - are compiled to C extensions by
mypyc (it comes with mypy, our type checker) from the same typed sources, which takes
about a quarter off `benchlens compare` (README, "Speed"). Without it (the default,
and every editable install) the package is pure Python and behaves the same:
`make test` runs the core's tests against both.
"""

from __future__ import annotations

import os

from setuptools import setup

#: The hot path of `compare`, `check` and the editor's refresh. results.model stays
#: interpreted: its frozen dataclasses travel pickled between processes
#: (`benchlens.forked`), which a compiled frozen class refuses.
COMPILED = [
    "server/benchlens/compare.py",
    "server/benchlens/results/grammar.py",
    "server/benchlens/results/reader.py",
    "server/benchlens/stats.py",
    "server/benchlens/units.py",
    "server/benchlens/views/escape.py",
    "server/benchlens/views/facts.py",
    "server/benchlens/views/json_view.py",
    "server/benchlens/views/markdown.py",
    "server/benchlens/views/names.py",
    "server/benchlens/views/table.py",
    "server/benchlens/views/text.py",
]


def extensions() -> list[object]:
    if os.environ.get("BENCHLENS_MYPYC", "").strip() != "1":
        return []
    try:
        from mypyc.build import mypycify  # only for this build: mypy is a build tool here
    except ImportError as exc:
        raise SystemExit(
            "BENCHLENS_MYPYC=1 needs mypy (mypyc) where the wheel is built: install it and "
            "build without isolation (`make wheel` does: pip wheel --no-build-isolation)"
        ) from exc

    return list(mypycify(COMPILED, opt_level="3", target_dir="build/mypyc"))


setup(ext_modules=extensions())
