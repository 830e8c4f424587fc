"""`python -m benchlens` runs the command line."""

from benchlens.cli import run_program

raise SystemExit(run_program())
