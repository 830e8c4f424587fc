"""A pprof profile read into plain values: samples as stacks of source frames.

`load_profile` reads a profile file as `go test -cpuprofile`/`-memprofile` (or
`go tool pprof -proto`) write it: gzip-compressed profile.proto, or the raw
protobuf. Inlined calls are expanded, so every `Frame` is one function at one
source line, leaf first. Anything that is not a readable profile — a truncated
download, a text file, a profile whose ids point nowhere — raises
`ProfileFormatError` naming the file and what is wrong with it.
"""

from __future__ import annotations

import gzip
import os
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from google.protobuf.message import DecodeError

from benchlens.pprof.proto import ProfileMessage

#: Profiles larger than this once decompressed are refused (a gzip bomb, or not a
#: benchmark's profile): a few seconds of a benchmark make kilobytes to megabytes.
MAX_DECODED_BYTES = 512 * 1024 * 1024

_GZIP_MAGIC = b"\x1f\x8b"


class ProfileFormatError(Exception):
    """The file is not a readable pprof profile; the message names the file."""

    def __init__(self, path: str | Path, reason: str) -> None:
        super().__init__(f"{path}: not a readable pprof profile: {reason}")
        self.path = str(path)
        self.reason = reason


@dataclass(frozen=True)
class Frame:
    """One function at one source line (an inlined call is a frame of its own)."""

    function: str
    file: str
    line: int


@dataclass(frozen=True)
class Sample:
    """A stack, leaf first, and its values (one per `Profile.sample_types` entry)."""

    stack: tuple[Frame, ...]
    values: tuple[int, ...]


@dataclass(frozen=True)
class Profile:
    """What benchlens reads of a profile: the sample types and the samples."""

    path: str
    #: (type, unit) per sample value: `("cpu", "nanoseconds")`, `("alloc_space", "bytes")`.
    sample_types: tuple[tuple[str, str], ...]
    samples: tuple[Sample, ...]
    period: int = 0
    duration_ns: int = 0

    def value_index(self, sample_type: str) -> int:
        """The index of `sample_type` among the values; ProfileFormatError if absent."""
        for i, (kind, _unit) in enumerate(self.sample_types):
            if kind == sample_type:
                return i
        kinds = ", ".join(k for k, _ in self.sample_types) or "none"
        raise ProfileFormatError(self.path, f"no {sample_type!r} values (it has {kinds})")

    def total(self, index: int) -> int:
        return sum(s.values[index] for s in self.samples)


def _decompress(path: Path, data: bytes) -> bytes:
    if not data.startswith(_GZIP_MAGIC):
        return data
    out = bytearray()
    stream = data
    while stream:
        # A gzip file may hold several members; decompress each, bounded in size.
        inflater = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
        try:
            out += inflater.decompress(stream, MAX_DECODED_BYTES + 1 - len(out))
        except zlib.error as exc:
            raise ProfileFormatError(path, f"corrupt gzip data ({exc})") from exc
        if len(out) > MAX_DECODED_BYTES:
            raise ProfileFormatError(path, f"larger than {MAX_DECODED_BYTES >> 20} MiB decoded")
        if not inflater.eof:
            raise ProfileFormatError(path, "truncated gzip data (the file ends early)")
        stream = inflater.unused_data
        if stream and not stream.startswith(_GZIP_MAGIC):
            break  # trailing garbage after a complete member: gzip ignores it too
    return bytes(out)


def parse_message(path: str | Path, data: bytes) -> Any:
    """The raw `perftools.profiles.Profile` message of a profile file's bytes."""
    if not data:
        raise ProfileFormatError(path, "the file is empty")
    raw = _decompress(Path(path), data)
    message = ProfileMessage()
    try:
        message.ParseFromString(raw)
    except (DecodeError, RuntimeError, ValueError) as exc:
        raise ProfileFormatError(path, f"invalid profile.proto data ({exc})") from exc
    return message


def read_message(path: str | Path) -> Any:
    """`parse_message` of a file; an unreadable file is a ProfileFormatError too."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ProfileFormatError(path, exc.strerror or str(exc)) from exc
    return parse_message(path, data)


def _string(path: str | Path, table: Sequence[str], index: int, what: str) -> str:
    if 0 <= index < len(table):
        return table[index]
    raise ProfileFormatError(path, f"{what} names string {index}, past the end of the table")


def decode(path: str | Path, message: Any) -> Profile:
    """The plain `Profile` of a raw message, every reference checked."""
    strings: Sequence[str] = message.string_table
    if strings and strings[0] != "":
        raise ProfileFormatError(path, "string_table[0] is not empty")
    types = tuple(
        (
            _string(path, strings, t.type, "a sample type"),
            _string(path, strings, t.unit, "a sample type"),
        )
        for t in message.sample_type
    )
    if not types:
        raise ProfileFormatError(path, "no sample types")
    functions = {
        f.id: (
            _string(path, strings, f.name, "a function"),
            _string(path, strings, f.filename, "a function"),
        )
        for f in message.function
    }
    frames_of: dict[int, tuple[Frame, ...]] = {}
    for loc in message.location:
        frames: list[Frame] = []
        for line in loc.line:
            found = functions.get(line.function_id)
            if found is None:
                raise ProfileFormatError(
                    path, f"location {loc.id} names function {line.function_id}, which is not there"
                )
            frames.append(Frame(found[0], found[1], int(line.line)))
        if not frames:  # not symbolised: the address is all there is
            frames.append(Frame(f"0x{loc.address:x}", "", 0))
        frames_of[loc.id] = tuple(frames)
    samples = []
    width = len(types)
    for sample in message.sample:
        if len(sample.value) != width:
            raise ProfileFormatError(
                path, f"a sample has {len(sample.value)} values for {width} sample types"
            )
        stack: list[Frame] = []
        for location_id in sample.location_id:
            found_frames = frames_of.get(location_id)
            if found_frames is None:
                raise ProfileFormatError(
                    path, f"a sample names location {location_id}, which is not there"
                )
            stack.extend(found_frames)
        samples.append(Sample(tuple(stack), tuple(int(v) for v in sample.value)))
    return Profile(
        str(path), types, tuple(samples), int(message.period), int(message.duration_nanos)
    )


def load_profile(path: str | Path) -> Profile:
    """Read a profile file (gzip or raw profile.proto); ProfileFormatError if it is not one."""
    return decode(path, read_message(path))


def rewrite_file_paths(
    source: str | Path, target: str | Path, rewrite: Callable[[str], str]
) -> None:
    """Copy the profile `source` to `target` (gzip) with every function's file name
    passed through `rewrite`: the baseline side, built in a temporary worktree, then
    names the workspace's files, and `pprof -diff_base` pairs its functions with the
    current side's. Written atomically; ProfileFormatError if `source` is no profile."""
    message = read_message(source)
    strings = list(message.string_table)
    for index in {f.filename for f in message.function}:
        if 0 < index < len(strings):
            strings[index] = rewrite(strings[index])
    del message.string_table[:]
    message.string_table.extend(strings)
    data = gzip.compress(message.SerializeToString(), mtime=0)
    target = Path(target)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)
