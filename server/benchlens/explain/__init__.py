"""Why a benchmark changed: both sides profiled, diffed per function and source line.

`session` runs it (worktree, builds, alternated runs), `attribute` sums one
profile per function and line and scales it per op, `diff` sets the two sides
side by side, `model` is the result every view reads (and its saved JSON).
"""
