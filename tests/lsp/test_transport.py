"""Framing and answering, as a broken client would test them: raw bytes to a real
`benchlens serve`, and the frame reader alone."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from benchlens.lsp.transport import FrameReader, Skipped
from tests.lsp.conftest import server_env

HANDLER = Path("kafka/handler/handler_test.go")


def frame(message: dict[str, Any] | bytes, length: int | None = None) -> bytes:
    body = message if isinstance(message, bytes) else json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % (len(body) if length is None else length) + body


def request(msg_id: int, method: str, params: Any = None) -> dict[str, Any]:
    out: dict[str, Any] = {"jsonrpc": "2.0", "id": msg_id, "method": method}
    if params is not None:
        out["params"] = params
    return out


def test_frames_split_anywhere_are_put_back_together() -> None:
    stream = frame(request(1, "a")) + frame(request(2, "b"))
    reader = FrameReader()
    bodies = [b for i in range(len(stream)) for b in reader.feed(stream[i : i + 1])]
    assert [json.loads(b)["id"] for b in bodies if isinstance(b, bytes)] == [1, 2]


def test_a_short_length_costs_one_message() -> None:
    first = json.dumps(request(1, "a")).encode()
    stream = frame(first, length=len(first) - 5) + frame(request(2, "b"))
    out = FrameReader().feed(stream)
    assert isinstance(out[0], bytes)  # the cut body (not JSON: answered as a parse error)
    assert isinstance(out[1], Skipped) and out[1].size == 5
    assert json.loads(out[2])["id"] == 2 and len(out) == 3


def test_a_long_length_stops_at_the_next_header() -> None:
    first = json.dumps(request(1, "a")).encode()
    stream = frame(first, length=len(first) + 500) + frame(request(2, "b"))
    out = FrameReader().feed(stream)
    assert [json.loads(b)["id"] for b in out if isinstance(b, bytes)] == [1, 2]


def test_absurd_lengths_and_garbage_are_skipped_without_reading_them() -> None:
    reader = FrameReader()
    out = reader.feed(b"Content-Length: 1000000000000\r\n\r\n{}" + frame(request(3, "c")))
    assert isinstance(out[0], Skipped) and "over the limit" in out[0].reason
    assert json.loads(out[-1])["id"] == 3
    out = reader.feed(b"Content-Length: -4\r\n\r\nxx" + b"hello\r\n" + frame(request(4, "d")))
    assert [type(x) for x in out] == [Skipped, bytes]
    assert json.loads(out[-1])["id"] == 4
    out = reader.feed(b"Content-Length: 99999999999999999999999\r\n\r\n" + frame(request(5, "e")))
    assert json.loads(out[-1])["id"] == 5


class RawClient:
    """A client that writes whatever bytes it likes to a real server."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.frames = FrameReader()
        self.responses: dict[Any, dict[str, Any]] = {}

    def send(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)

    async def answer(self, msg_id: Any, timeout: float = 30) -> dict[str, Any]:
        assert self.proc.stdout is not None
        async with asyncio.timeout(timeout):
            while msg_id not in self.responses:
                chunk = await self.proc.stdout.read(65536)
                assert chunk, "the server closed its output"
                for body in self.frames.feed(chunk):
                    assert isinstance(body, bytes)
                    message = json.loads(body)
                    if "method" not in message:
                        self.responses[message.get("id")] = message
        return self.responses.pop(msg_id)


async def test_every_request_is_answered_and_framing_recovers(example_copy: Path) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "benchlens", "serve",
        cwd=example_copy, env=server_env(),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    client = RawClient(proc)
    uri = (example_copy / HANDLER).as_uri()
    doc = {"textDocument": {"uri": uri}}
    try:
        client.send(
            frame(
                request(1, "textDocument/hover", {**doc, "position": {"line": 1, "character": 1}})
            )
        )
        assert (await client.answer(1))["error"]["code"] == -32002  # before initialize
        client.send(
            frame(
                request(
                    2,
                    "initialize",
                    {"processId": None, "rootUri": example_copy.as_uri(), "capabilities": {}},
                )
            )
        )
        assert "capabilities" in (await client.answer(2))["result"]
        client.send(frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))

        for msg_id, params in (
            (3, {**doc, "position": {"line": -1, "character": 0}}),
            (4, {**doc, "position": {"line": 0, "character": 2**40}}),
            (5, None),
        ):
            client.send(frame(request(msg_id, "textDocument/hover", params)))
            error = (await client.answer(msg_id))["error"]
            assert error["code"] == -32602, error

        # A message whose Content-Length is too short, then one too long, then one absurd:
        # each costs itself only; the requests after them are answered.
        cut = json.dumps(request(6, "textDocument/codeLens", doc)).encode()
        client.send(frame(cut, length=len(cut) - 3))
        assert (await client.answer(None))["error"]["code"] == -32700
        client.send(frame(request(7, "textDocument/codeLens", doc)))
        assert isinstance((await client.answer(7))["result"], list)
        long = json.dumps(request(8, "textDocument/codeLens", doc)).encode()
        client.send(
            frame(long, length=len(long) + 100) + frame(request(9, "textDocument/codeLens", doc))
        )
        assert isinstance((await client.answer(8))["result"], list)
        assert isinstance((await client.answer(9))["result"], list)
        client.send(
            b"Content-Length: 1000000000000\r\n\r\n{"
            + frame(request(10, "textDocument/codeLens", doc))
        )
        assert isinstance((await client.answer(10))["result"], list)
        client.send(frame(b"[1, 2"))
        assert (await client.answer(None))["error"]["code"] == -32700

        client.send(frame(request(11, "shutdown")))
        assert (await client.answer(11))["result"] is None
        client.send(frame(request(12, "textDocument/codeLens", doc)))
        assert (await client.answer(12))["error"]["code"] == -32600  # after shutdown
        client.send(frame({"jsonrpc": "2.0", "method": "exit"}))
        assert await asyncio.wait_for(proc.wait(), 30) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def test_exit_without_shutdown_is_status_1(example_copy: Path) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "benchlens", "serve",
        cwd=example_copy, env=server_env(),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    client = RawClient(proc)
    try:
        params = {"processId": None, "rootUri": example_copy.as_uri(), "capabilities": {}}
        client.send(frame(request(1, "initialize", params)))
        assert "result" in await client.answer(1)
        client.send(frame({"jsonrpc": "2.0", "method": "exit"}))
        assert await asyncio.wait_for(proc.wait(), 30) == 1
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
