"""How long after an edit the editor has the code lenses of the edited file.

    python benchmarks/lsp_lenses.py [--repeat 20] [--json]

On the GOROOT/src workspace with results (see lsp_cold_start.py), for a typical
benchmark file (`bytes/bytes_test.go`, 44 benchmarks) and the largest test file
with benchmarks (`encoding/json/v2/arshal_test.go`, 351 KiB): open it, then each
round sends a `didChange` (a line inserted above the first benchmark, or removed
again) immediately followed by a `codeLens` request, and takes the time from the
`didChange` to the lenses' arrival — whose lines must have moved with the edit.
Alternating with it, the reference: a `codeLens` request with no edit (the
protocol's round trip). Target: an edit costs at most 20 ms over the round trip
(the index's target for re-reading an edited file). Exit status 1 when missed.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from pathlib import Path

from lsprotocol import types

from _lsp_client import TimedClient, goroot_workspace, row
from timing import emit

FILES = ("bytes/bytes_test.go", "encoding/json/v2/arshal_test.go")
TARGET_EXTRA_MS = 20.0


async def lenses(client: TimedClient, uri: str) -> list[types.CodeLens]:
    found = await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    return list(found or [])


async def measure(root: Path, path: Path, repeat: int) -> tuple[list[float], list[float]]:
    client = TimedClient()
    await client.start(root)
    client.initialized(types.InitializedParams())
    uri, text = path.as_uri(), path.read_text()
    first = next(i for i, line in enumerate(text.splitlines()) if line.startswith("func Benchmark"))
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="go", version=1, text=text)
        )
    )
    deadline = time.perf_counter() + 120
    while first not in {x.range.start.line for x in await lenses(client, uri)}:
        assert time.perf_counter() < deadline, "no lens on the first benchmark"
        await asyncio.sleep(0.1)  # the workspace is still loading
    edits, trips = [], []
    for i in range(repeat):
        inserted = i % 2 == 0
        at = types.Position(line=first, character=0)
        end = at if inserted else types.Position(line=first + 1, character=0)
        change = types.TextDocumentContentChangePartial(
            range=types.Range(start=at, end=end), text="// edited\n" if inserted else ""
        )
        started = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=i + 2),
                content_changes=[change],
            )
        )
        found = await lenses(client, uri)
        edits.append((time.perf_counter() - started) * 1000)
        lines = {x.range.start.line for x in found}
        assert (first + 1 in lines) == inserted, "the lenses did not follow the edit"
        started = time.perf_counter()
        await lenses(client, uri)
        trips.append((time.perf_counter() - started) * 1000)
    await client.finish()
    return edits, trips


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--json", action="store_true", help="one JSON object per row")
    args = parser.parse_args()
    root = goroot_workspace()
    rows = []
    for name in FILES:
        path = root / name
        edits, trips = asyncio.run(measure(root, path, args.repeat))
        size = path.stat().st_size // 1024
        met = statistics.median(edits) <= statistics.median(trips) + TARGET_EXTRA_MS
        rows.append(
            row(
                f"didChange → code lenses, {name} ({size} KiB)", edits, "ms",
                "codeLens round trip, no edit", trips, f"≤ round trip + {TARGET_EXTRA_MS:.0f} ms",
                met,
            )
        )  # fmt: skip
    return emit(rows, args.json)


if __name__ == "__main__":
    raise SystemExit(main())
