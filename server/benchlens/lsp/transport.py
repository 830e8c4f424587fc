"""Messages in from the client: LSP framing that survives a broken message, and a gate
that answers every request, also those pygls would drop.

pygls' stdio loop (`pygls.io_.run_async`, 2.x) reads `Content-Length` bytes with one
`read(n)`: a wrong length leaves it out of step with the stream for good (alive but
never answering again), an absurd one (`Content-Length: 1000000000000`) is a
`MemoryError`; a request whose params do not structure (hover at line −1) or that
comes before `initialize` or after `shutdown` gets no response at all. This module
replaces that loop: `FrameReader` splits the byte stream into message bodies and
resynchronises on the next header after a wrong one; `Gate` answers -32700, -32600,
-32602 and -32002 where the protocol says so, and hands the rest to pygls.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sys
import threading
from dataclasses import dataclass
from typing import Any, BinaryIO

from pygls.exceptions import (
    JsonRpcException,
    JsonRpcInvalidParams,
    JsonRpcInvalidRequest,
    JsonRpcParseError,
    JsonRpcServerNotInitialized,
)
from pygls.io_ import StdoutWriter
from pygls.protocol import JsonRPCProtocol

log = logging.getLogger(__name__)

#: The largest message body accepted (a didOpen of a very large file fits).
MAX_BODY = 64 * 1024 * 1024
#: The largest header block; past it, bytes are skipped to the next header.
MAX_HEADER = 8 * 1024
#: How much is read from stdin at a time.
CHUNK = 64 * 1024

_HEADER_START = re.compile(rb"content-length:", re.IGNORECASE)
# A header block inside a body: JSON cannot hold a raw CR/LF in a string, nor
# `Content-Length:` outside one, so this marks a declared length that was too long.
_EMBEDDED_HEADER = re.compile(rb"Content-Length:[ \t]*\d+\r\n(?:[^\r\n]*\r\n)*?\r\n", re.I)


@dataclass(frozen=True)
class Skipped:
    """Bytes dropped to get back in step with the stream, and why."""

    reason: str
    size: int


class FrameReader:
    """Splits the client's byte stream into message bodies (`Content-Length` framing).

    After a wrong header, a wrong length or an absurd one, the bytes up to the next
    `Content-Length:` header are skipped (and reported), so one broken message costs
    that message only.
    """

    def __init__(self, max_body: int = MAX_BODY) -> None:
        self._buf = bytearray()
        self.max_body = max_body

    def feed(self, data: bytes) -> list[bytes | Skipped]:
        self._buf += data
        out: list[bytes | Skipped] = []
        while (item := self._next()) is not None:
            out.append(item)
        return out

    def _skip_to_header(self, start: int, reason: str) -> Skipped | None:
        """Drop everything before the next header at or after `start`."""
        match = _HEADER_START.search(self._buf, start)
        end = match.start() if match else max(len(self._buf) - len("content-length:"), start)
        if end == 0:
            return None
        del self._buf[:end]
        return Skipped(reason, end)

    def _next(self) -> bytes | Skipped | None:
        buf = self._buf
        if not buf:
            return None
        if not _HEADER_START.match(buf) and not buf.lower().startswith(b"content-type:"):
            return self._skip_to_header(0, "bytes outside a message")
        end = buf.find(b"\r\n\r\n")
        if end < 0:
            if len(buf) > MAX_HEADER:
                return self._skip_to_header(1, "a header block that does not end")
            return None
        length = _content_length(bytes(buf[:end]))
        body_start = end + 4
        if length is None:
            return self._skip_to_header(body_start, "a header without a valid Content-Length")
        if length > self.max_body:
            return self._skip_to_header(
                body_start, f"Content-Length {length} is over the limit of {self.max_body} bytes"
            )
        window = buf[body_start : body_start + length]
        embedded = _EMBEDDED_HEADER.search(window)
        if embedded is not None:  # the length was too long: the next message starts here
            body = bytes(window[: embedded.start()])
            del buf[: body_start + embedded.start()]
            return body
        if len(window) < length:
            return None
        del buf[: body_start + length]
        return bytes(window)


def _content_length(header: bytes) -> int | None:
    length = None
    for line in header.split(b"\r\n"):
        name, sep, value = line.partition(b":")
        if not sep:
            return None
        if name.strip().lower() == b"content-length":
            text = value.strip()
            if not text.isdigit() or len(text) > 15:
                return None
            length = int(text)
    return length


class Gate:
    """Answers what pygls would leave unanswered, and hands the rest to it.

    Per JSON-RPC and LSP: a body that is not JSON → ParseError (-32700, id null); not
    a request object → InvalidRequest (-32600); a request before `initialize` →
    ServerNotInitialized (-32002), notifications then dropped except `exit`; a
    request after `shutdown` → InvalidRequest; params that do not structure (a
    negative line, a character past 2³¹, missing params) → InvalidParams (-32602).
    """

    def __init__(self, protocol: JsonRPCProtocol) -> None:
        self.protocol = protocol
        self.initialized = False
        self.shut_down = False

    def _error(self, msg_id: Any, error: JsonRpcException) -> None:
        self.protocol._send_response(msg_id, error=error.to_response_error())

    def dispatch(self, body: bytes) -> None:
        try:
            raw = json.loads(body)
        except (ValueError, RecursionError) as exc:
            log.warning("a message that is not JSON: %s", exc)
            self._error(None, JsonRpcParseError(f"not JSON: {exc}"))
            return
        if not isinstance(raw, dict) or raw.get("jsonrpc") != "2.0":
            self._error(None, JsonRpcInvalidRequest("not a JSON-RPC 2.0 message"))
            return
        method, msg_id = raw.get("method"), raw.get("id")
        request = method is not None and "id" in raw
        if request and (isinstance(msg_id, bool) or not isinstance(msg_id, int | str)):
            self._error(None, JsonRpcInvalidRequest(f"not a valid request id: {msg_id!r}"))
            return
        if method is not None and not self._admitted(method, msg_id, request):
            return
        try:
            message = self.protocol.structure_message(raw)
        except Exception as exc:
            log.warning("%s: cannot use the message: %r", method, exc)
            if request:
                detail = repr(exc.__cause__ or exc)
                self._error(msg_id, JsonRpcInvalidParams(f"{method}: invalid params: {detail}"))
            return
        self.protocol.handle_message(message)

    def _admitted(self, method: str, msg_id: Any, request: bool) -> bool:
        if method == "exit":
            return True
        if method == "initialize":
            self.initialized = True
        elif not self.initialized:
            if request:
                self._error(msg_id, JsonRpcServerNotInitialized("the server is not initialized"))
            return False
        if self.shut_down:
            if request:
                self._error(msg_id, JsonRpcInvalidRequest("the server is shutting down"))
            return False
        if method == "shutdown":
            self.shut_down = True
        return True


def _read_chunk(stdin: BinaryIO) -> bytes:
    read1 = getattr(stdin, "read1", None)
    return bytes(read1(CHUNK) if read1 is not None else stdin.read(CHUNK))


async def read_loop(
    protocol: JsonRPCProtocol, stdin: BinaryIO, stop: threading.Event, pool: Any
) -> None:
    """Read the client's messages until end of input (or `stop`)."""
    frames, gate = FrameReader(), Gate(protocol)
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        data = await loop.run_in_executor(pool, _read_chunk, stdin)
        if not data:
            log.info("end of input: the client has gone")
            break
        for item in frames.feed(data):
            if isinstance(item, Skipped):
                log.warning("skipped %d bytes: %s", item.size, item.reason)
                continue
            try:
                gate.dispatch(item)
            except Exception:  # never let one message end the loop
                log.exception("handling a message failed")


class Writer(StdoutWriter):
    """pygls' stdout writer, except that `exit` flushes stdout rather than closing it:
    the process ends right after, and whoever flushes it last must not fail."""

    def close(self) -> None:
        self._stdout.flush()


def start_io(server: Any, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
    """pygls' `start_io`, with `read_loop` in place of its reader. An `exit` without a
    `shutdown` first ends the process with status 1, as LSP asks."""
    server._stop_event = stop = threading.Event()
    server.protocol.set_writer(Writer(stdout or sys.stdout.buffer))
    status: Any = 0
    try:
        asyncio.run(read_loop(server.protocol, stdin or sys.stdin.buffer, stop, server.thread_pool))
    except BrokenPipeError:
        log.error("the connection to the client is lost")
    except KeyboardInterrupt:
        pass
    except SystemExit as exc:  # pygls' `exit` handler
        status = exc.code
    finally:
        server.shutdown()
    if status:
        raise SystemExit(status)
