"""How much memory the language server holds once a large workspace is loaded.

    python benchmarks/lsp_rss.py [--runs 3] [--json]

On the GOROOT/src workspace with results (see lsp_cold_start.py): `benchlens serve`
is started, every file's diagnostics awaited (and a moment for what the server does
after them: fingerprints, history), then its resident memory is read from /proc.
Alternating with it, the reference: the peak resident memory of `benchlens check`
on the same workspace, which reads, compares and maps the same results once.
Target: ≤ 256 MiB. Exit status 1 when missed.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
from pathlib import Path

from lsprotocol import types

from _lsp_client import TimedClient, goroot_workspace, row, rss_mib, wait_until
from lsp_cold_start import check_files
from timing import emit

TARGET_MIB = 256.0


def check_peak_mib(root: Path) -> float:
    """Peak RSS of one `benchlens check` (a fresh child, measured by its parent)."""
    code = (
        "import resource, subprocess, sys; "
        "subprocess.run([sys.executable, '-m', 'benchlens', 'check', '.'], "
        "stdout=subprocess.DEVNULL, check=False); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    return int(out.stdout.strip()) / 1024


async def server_mib(root: Path, wanted: set[str]) -> float:
    client = TimedClient()
    await client.start(root)
    client.initialized(types.InitializedParams())
    await wait_until(lambda: wanted <= {u for _, u, n in client.arrivals if n})
    await asyncio.sleep(2.0)  # fingerprints and history come after the diagnostics
    pid = client.server_pid()
    assert pid is not None
    rss = rss_mib(pid)
    await client.finish()
    return rss


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="one JSON object per row")
    args = parser.parse_args()
    root = goroot_workspace()
    wanted = check_files(root)
    servers, checks = [], []
    for _ in range(args.runs):
        servers.append(asyncio.run(server_mib(root, wanted)))
        checks.append(check_peak_mib(root))
    rows = [
        row(
            "LSP resident memory after loading GOROOT/src (1,938 benchmarks)", servers, "MiB",
            "peak of benchlens check, same workspace", checks, f"≤ {TARGET_MIB:.0f} MiB",
            statistics.median(servers) <= TARGET_MIB,
        )
    ]  # fmt: skip
    return emit(rows, args.json)


if __name__ == "__main__":
    raise SystemExit(main())
