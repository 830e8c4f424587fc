"""What the language-server performance scripts share: a client that stamps messages as
their JSON arrives (so what is timed is the server and the pipe, not this client's
decoding), and the large workspace. Rows and their printing are `timing.py`'s."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pygls.protocol import LanguageServerProtocol

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "server"))

import generate  # benchmarks/generate.py: the large inputs
from timing import Row

TIMEOUT = 120.0


def row(
    figure: str,
    values: Sequence[float],
    unit: str,
    reference: str,
    references: Sequence[float],
    target: str,
    met: bool,
) -> Row:
    """A row of medians, with the spread of `values` and of the per-pair ratios."""
    value = statistics.median(values)
    ref = statistics.median(references) if references else None
    ratios = [v / r for v, r in zip(values, references, strict=False) if r]
    return Row(
        figure, value, unit, reference, ref, statistics.median(ratios) if ratios else None,
        target, met, runs=len(values), value_min=min(values), value_max=max(values),
        ratio_min=min(ratios, default=None), ratio_max=max(ratios, default=None),
    )  # fmt: skip


def goroot_workspace(samples: int = generate.SAMPLES) -> Path:
    """GOROOT/src with results for its benchmarks, made once and reused (in the temp dir)."""
    root = Path(os.environ.get("BENCHLENS_BENCH_DIR", tempfile.gettempdir())) / "benchlens-bench"
    out = root / "goroot"
    if not (out / "benchmark_results" / "current.txt").exists():
        generate.make_goroot_workspace(out, samples)
    return out


def server_env() -> dict[str, str]:
    bin_dir = str(Path(sys.executable).parent)
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}


class TimedClient(LanguageClient):
    """A pygls client that stamps each publishDiagnostics and response on arrival."""

    def __init__(self) -> None:
        self.arrivals: list[tuple[float, str, int]] = []  # (time, uri, diagnostics)
        self.answered: dict[Any, float] = {}
        client = self

        class Protocol(LanguageServerProtocol):
            def structure_message(self, data: dict[str, Any]) -> Any:
                now = time.perf_counter()
                if data.get("method") == types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS:
                    params = data.get("params") or {}
                    client.arrivals.append(
                        (now, params.get("uri", ""), len(params.get("diagnostics", [])))
                    )
                elif "method" not in data and "id" in data:
                    client.answered[data["id"]] = now
                return super().structure_message(data)

        super().__init__("benchlens-bench", "1", protocol_cls=Protocol)

        @self.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(ls: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
            pass

        @self.feature(types.WINDOW_LOG_MESSAGE)
        def on_log(ls: LanguageClient, params: types.LogMessageParams) -> None:
            pass

        @self.feature(types.WINDOW_SHOW_MESSAGE)
        def on_show(ls: LanguageClient, params: types.ShowMessageParams) -> None:
            pass

        @self.feature(types.WORKSPACE_CONFIGURATION)
        def configuration(ls: LanguageClient, params: types.ConfigurationParams) -> list[None]:
            return [None for _ in params.items]

    async def start(self, root: Path, init_options: dict[str, Any] | None = None) -> None:
        """Start `benchlens serve` on `root` and initialize (not yet `initialized`)."""
        await self.start_io(sys.executable, "-m", "benchlens", "serve", cwd=root, env=server_env())
        await self.initialize_async(
            types.InitializeParams(
                capabilities=types.ClientCapabilities(),
                root_uri=root.as_uri(),
                workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
                initialization_options=init_options or {},
            )
        )

    async def finish(self) -> None:
        await self.shutdown_async(None)
        self.exit(None)
        await self.stop()

    def server_pid(self) -> int | None:
        server = getattr(self, "_server", None)
        return getattr(server, "pid", None)


async def wait_until(probe: Callable[[], bool], timeout: float = TIMEOUT) -> None:
    import asyncio

    deadline = time.perf_counter() + timeout
    while not probe():
        if time.perf_counter() > deadline:
            raise TimeoutError("the server did not answer in time")
        await asyncio.sleep(0.001)


def rss_mib(pid: int) -> float:
    """Resident memory of a process, from /proc (MiB)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")
