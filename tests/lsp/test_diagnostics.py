"""Diagnostics end to end: published at start for every mapped file, updated on disk changes."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from lsprotocol import types

from tests.lsp.conftest import by_code, line_of, lsp_session, wait_for, write_atomic

HANDLER = Path("kafka/handler/handler_test.go")
SEGMENT = Path("storage/log/segment_test.go")
BUCKET = Path("throttle/bucket_test.go")


def scaled(text: str, name: str, factor: float) -> str:
    """Results text with the ns/op of every `name-N` line multiplied by `factor`."""

    def scale(match: re.Match[str]) -> str:
        return f"{match.group(1)}{float(match.group(2)) * factor:.2f} ns/op"

    out = []
    for line in text.splitlines(keepends=True):
        if re.match(rf"{re.escape(name)}-\d+\s", line):
            line = re.sub(r"(\s)([\d.]+) ns/op", scale, line, count=1)
        out.append(line)
    return "".join(out)


async def test_diagnostics_for_every_mapped_file_at_start(example_copy: Path) -> None:
    handler, segment = example_copy / HANDLER, example_copy / SEGMENT
    async with lsp_session(example_copy) as client:
        # No document is opened: the Problems view must still list every finding.
        diags = await wait_for(
            lambda: client.diagnostics.get(handler.as_uri()), what="handler diagnostics"
        )
        regressions = by_code(diags, "regression")
        assert {d.range.start.line for d in regressions} == {
            line_of(handler, 'b.Run("small"'),
            line_of(handler, 'b.Run("large"'),
        }
        for d in regressions:
            assert d.severity == types.DiagnosticSeverity.Warning
            assert d.source == "benchlens"
            assert "ns/op" in d.message and "→" in d.message
            assert "threshold +20%" in d.message and "p=" in d.message and "n=6+6" in d.message
        # The range covers `b.Run(` on that line (columns in UTF-16 units).
        small = min(regressions, key=lambda d: d.range.start.line)
        text = handler.read_text().splitlines()[small.range.start.line]
        assert small.range.start.character == text.index("b.Run")

        improvements = await wait_for(
            lambda: by_code(client.diagnostics.get(segment.as_uri()), "improvement"),
            what="segment diagnostics",
        )
        assert {d.range.start.line for d in improvements} == {line_of(segment, "b.Run(fmt.Sprintf")}
        assert all(d.severity == types.DiagnosticSeverity.Information for d in improvements)
        assert len(improvements) == 3  # size=64, 1024, 4096 on one b.Run line


async def test_rewritten_results_update_and_clear_diagnostics(example_copy: Path) -> None:
    results = example_copy / "benchmark_results"
    handler, bucket = example_copy / HANDLER, example_copy / BUCKET
    baseline = (results / "baseline.txt").read_text()
    async with lsp_session(example_copy, init_options={"debounce_ms": 50}) as client:
        await wait_for(lambda: client.diagnostics.get(handler.as_uri()), what="diagnostics")

        # Current == baseline (throttle 3× slower): kafka clears, throttle regresses.
        write_atomic(results / "current.txt", scaled(baseline, "BenchmarkAllow", 3.0))
        await wait_for(
            lambda: not client.diagnostics.get(handler.as_uri()),
            what="kafka diagnostics cleared",
        )
        diags = await wait_for(
            lambda: by_code(client.diagnostics.get(bucket.as_uri()), "regression"),
            what="throttle regression",
        )
        assert [d.range.start.line for d in diags] == [line_of(bucket, "func BenchmarkAllow(")]
        assert "ns/op" in diags[0].message

        # Rewritten in place (not renamed) as a plain `>` redirect would.
        (results / "current.txt").write_text(baseline)
        await wait_for(lambda: not client.diagnostics.get(bucket.as_uri()), what="throttle cleared")


async def test_file_caught_mid_write_keeps_the_last_good_state(example_copy: Path) -> None:
    results = example_copy / "benchmark_results"
    handler = example_copy / HANDLER
    baseline = (results / "baseline.txt").read_text()
    async with lsp_session(example_copy, init_options={"debounce_ms": 50}) as client:
        before = await wait_for(lambda: client.diagnostics.get(handler.as_uri()), what="diags")
        # A writer (`go test ... > current.txt`) stopped half-way through a line of the
        # new results, which would clear the kafka regressions once complete.
        cut = baseline.index("BenchmarkProduce/large-2") + 30
        (results / "current.txt").write_text(baseline[:cut])
        await wait_for(
            lambda: any("looks unfinished" in m.message for m in client.log_messages),
            what="the server noticing the unfinished file",
        )
        assert client.diagnostics.get(handler.as_uri()) == before
        assert not client.messages, "a file being written is not an error to show"
        # The writer finishes: the complete file is taken.
        (results / "current.txt").write_text(baseline)
        await wait_for(lambda: not client.diagnostics.get(handler.as_uri()), what="update")
        assert not client.messages


async def test_unmapped_results_are_logged(example_copy: Path) -> None:
    results = example_copy / "benchmark_results"
    extra = (
        "pkg: example.com/eventpipe/nowhere\n"
        "BenchmarkGhost-2   100   12.5 ns/op\n"
        "BenchmarkGhost-2   100   12.7 ns/op\n"
    )
    with (results / "current.txt").open("a") as fh:
        fh.write(extra)
    async with lsp_session(example_copy) as client:
        message = await wait_for(
            lambda: next(
                (m for m in client.log_messages if "map to no source file" in m.message), None
            ),
            what="a log of unmapped results",
        )
        assert "BenchmarkGhost" in message.message
        assert message.message.startswith("benchlens: 1 result(s)")


async def test_test_file_changed_on_disk_moves_diagnostics(example_copy: Path) -> None:
    handler = example_copy / HANDLER
    small = line_of(handler, 'b.Run("small"')
    async with lsp_session(example_copy, init_options={"debounce_ms": 50}) as client:
        await wait_for(lambda: client.diagnostics.get(handler.as_uri()), what="diagnostics")
        text = handler.read_text()
        handler.write_text(text.replace("package handler\n", "package handler\n\n// moved\n", 1))
        await wait_for(
            lambda: (
                {d.range.start.line for d in client.diagnostics[handler.as_uri()]}
                == {small + 2, small + 5}
            ),
            what="diagnostics following the file on disk",
        )


async def test_settings_from_the_client_and_several_folders(example_copy: Path) -> None:
    other = example_copy.parent / "second"
    shutil.copytree(example_copy, other)
    handler = example_copy / HANDLER
    # workspace/configuration (section `benchlens`) wins over initializationOptions.
    async with lsp_session(
        example_copy,
        init_options={"severity": {"regression": "hint", "improvement": "off"}},
        settings={"severity": {"regression": "error"}},
        folders=[example_copy, other],
    ) as client:
        for root in (example_copy, other):
            diags = await wait_for(
                lambda root=root: client.diagnostics.get((root / HANDLER).as_uri()),
                what=f"diagnostics in {root.name}",
            )
            assert {d.severity for d in diags} == {types.DiagnosticSeverity.Error}
        # improvement = "off" (from initializationOptions) still applies.
        assert not client.diagnostics.get((example_copy / SEGMENT).as_uri())
        assert handler.as_uri() in client.diagnostics


async def test_results_file_replaced_by_delete_and_write(example_copy: Path) -> None:
    """`rm current.txt; go test ... > current.txt`: the gap shows no flash of "nothing"."""
    current = example_copy / "benchmark_results" / "current.txt"
    handler = example_copy / HANDLER
    text = current.read_text()
    async with lsp_session(example_copy, init_options={"debounce_ms": 50}) as client:
        before = await wait_for(lambda: client.diagnostics.get(handler.as_uri()), what="diags")
        current.unlink()
        await wait_for(
            lambda: any("the file is gone" in m.message for m in client.log_messages),
            what="the server noticing the missing file",
        )
        assert client.diagnostics.get(handler.as_uri()) == before
        current.write_text(text)
        # Taken again without a change on screen; then a later real change still applies.
        (example_copy / "benchmark_results" / "current.txt").write_text(
            (example_copy / "benchmark_results" / "baseline.txt").read_text()
        )
        await wait_for(lambda: not client.diagnostics.get(handler.as_uri()), what="update")


async def test_workspace_folders_added_and_removed(example_copy: Path) -> None:
    other = example_copy.parent / "added"
    shutil.copytree(example_copy, other)
    added = other / HANDLER
    async with lsp_session(example_copy) as client:
        await wait_for(lambda: client.diagnostics.get((example_copy / HANDLER).as_uri()), what="1")
        folder = types.WorkspaceFolder(uri=other.as_uri(), name="added")
        client.workspace_did_change_workspace_folders(
            types.DidChangeWorkspaceFoldersParams(
                event=types.WorkspaceFoldersChangeEvent(added=[folder], removed=[])
            )
        )
        await wait_for(lambda: client.diagnostics.get(added.as_uri()), what="added folder")
        client.workspace_did_change_workspace_folders(
            types.DidChangeWorkspaceFoldersParams(
                event=types.WorkspaceFoldersChangeEvent(added=[], removed=[folder])
            )
        )
        await wait_for(lambda: not client.diagnostics.get(added.as_uri()), what="cleared")
        assert client.diagnostics.get((example_copy / HANDLER).as_uri())


async def test_results_written_progressively_keep_the_previous_view(example_copy: Path) -> None:
    """`go test -bench . ./... > current.txt` (issue 9 item 12): while the file grows the
    previous diagnostics stay — no transient regression, no "missing" storm — and
    "results being written" is shown as progress; the finished run is then shown."""
    results = example_copy / "benchmark_results"
    handler = example_copy / HANDLER
    baseline = (results / "baseline.txt").read_text().splitlines(keepends=True)
    # One run of every package, with the baseline's numbers: it clears kafka's regressions.
    packages = [i for i, line in enumerate(baseline) if line.startswith("pkg: ")]
    one_run = baseline[: baseline.index("PASS\n", packages[3]) + 1]
    async with lsp_session(example_copy, init_options={"debounce_ms": 50}) as client:
        before = await wait_for(lambda: client.diagnostics.get(handler.as_uri()), what="diags")

        def looks() -> int:
            return sum("results being written" in m.message for m in client.log_messages)

        with (results / "current.txt").open("w", encoding="utf-8") as out:
            for number, line in enumerate(one_run, 1):
                out.write(line)
                out.flush()
                if (number % 4 and line != "PASS\n") or number == len(one_run):
                    continue  # the last line ends the run: it is taken
                seen = looks()
                await wait_for(lambda seen=seen: looks() > seen, what=f"a look at line {number}")
                assert client.diagnostics.get(handler.as_uri()) == before, f"line {number}"
                missing = [
                    d for ds in client.diagnostics.values() for d in ds if d.code == "missing"
                ]
                assert not missing, f"line {number}"
        await wait_for(lambda: not client.diagnostics.get(handler.as_uri()), what="the new run")
        kinds = {
            type(v).__name__
            for values in client.progress_reports.values()
            for v in values
            if not isinstance(v, types.WorkDoneProgressBegin)
            or v.title == "benchlens: results being written"
        }
        assert {"WorkDoneProgressBegin", "WorkDoneProgressEnd"} <= kinds
        assert not client.messages
