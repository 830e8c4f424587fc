"""The build under test is the one meant: `make pytest-compiled` sets BENCHLENS_EXPECT_COMPILED=1
and must load the mypyc extensions of setup.py's COMPILED; every other run tests the sources."""

from __future__ import annotations

import importlib
import os
import re
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def compiled_modules() -> list[str]:
    """The module names of setup.py's COMPILED list."""
    text = (ROOT / "setup.py").read_text(encoding="utf-8")
    block = text[text.index("COMPILED = [") : text.index("]", text.index("COMPILED = ["))]
    paths = re.findall(r'"server/(benchlens/[\w/]+)\.py"', block)
    return [p.replace("/", ".") for p in paths]


def test_setup_names_the_hot_path() -> None:
    names = compiled_modules()
    assert {"benchlens.stats", "benchlens.compare", "benchlens.results.reader"} <= set(names)


def test_the_modules_are_compiled_exactly_when_expected() -> None:
    expected = os.environ.get("BENCHLENS_EXPECT_COMPILED") == "1"
    for name in compiled_modules():
        module = importlib.import_module(name)
        origin = str(module.__file__)
        is_extension = origin.endswith(tuple(EXTENSION_SUFFIXES))
        assert is_extension == expected, f"{name} loaded from {origin}"
