"""`python -m benchlens` runs the command line."""

from benchlens.cli import main

raise SystemExit(main(program=True))
