"""Typed arguments of the `workspace/executeCommand` commands.

Each command takes one JSON object (or nothing). The object is structured into an
attrs class by the server's cattrs converter (`make_converter`), strictly: `3` is
not a string, `true` is not a count. A wrong argument is a `BadArguments` that
names the key and what it expects.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal, NewType, TypeVar

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn
from lsprotocol.converters import get_converter

A = TypeVar("A")

Mode = Literal["quick", "default", "full"]


class BadArguments(Exception):
    """Arguments a command cannot use; the message says what was expected."""


#: A whole number of at least 1.
Positive = NewType("Positive", int)


def _expects(text: str) -> dict[str, str]:
    return {"expects": text}


@attrs.frozen
class FolderArgs:
    """`{"folder"?}`: saveBaseline, openReport."""

    folder: str | None = attrs.field(default=None, metadata=_expects("a workspace folder URI"))


@attrs.frozen
class RunArgs:
    """`{"package", "bench" | "name", "folder"?, "uri"?, "mode"?, "count"?, "benchtime"?,
    "label"?}`: runBenchmark, runPackageBenchmarks, profileBenchmark."""

    folder: str | None = attrs.field(default=None, metadata=_expects("a workspace folder URI"))
    uri: str | None = attrs.field(default=None, metadata=_expects("the URI of a file"))
    package: str | None = attrs.field(default=None, metadata=_expects("an import path"))
    bench: str | None = attrs.field(default=None, metadata=_expects("a Go regexp"))
    name: tuple[str, ...] = attrs.field(
        default=(), metadata=_expects("a benchmark name or a list of names")
    )
    label: str | None = attrs.field(default=None, metadata=_expects("a string"))
    mode: Mode = attrs.field(default="quick", metadata=_expects("quick, default or full"))
    count: Positive | None = attrs.field(default=None, metadata=_expects("a positive whole number"))
    benchtime: str | None = attrs.field(default=None, metadata=_expects("a Go duration or Nx"))

    @property
    def display(self) -> str:
        """What the run is called in messages."""
        return (
            self.label
            or (self.name[0] if self.name else self.bench)
            or self.package
            or "benchmarks"
        )


@attrs.frozen
class ABArgs:
    """`{"ref"?, "folder"?, "package"?, "bench"? | "name"?, "mode"?, "count"?, "benchtime"?,
    "save"?}`: abCompare. Without `ref`, the commit the baseline records (else HEAD)."""

    folder: str | None = attrs.field(default=None, metadata=_expects("a workspace folder URI"))
    ref: str | None = attrs.field(default=None, metadata=_expects("a commit, branch or tag"))
    package: str | None = attrs.field(default=None, metadata=_expects("an import path"))
    bench: str | None = attrs.field(default=None, metadata=_expects("a Go regexp"))
    name: tuple[str, ...] = attrs.field(
        default=(), metadata=_expects("a benchmark name or a list of names")
    )
    mode: Mode = attrs.field(default="quick", metadata=_expects("quick, default or full"))
    count: Positive | None = attrs.field(default=None, metadata=_expects("a positive whole number"))
    benchtime: str | None = attrs.field(default=None, metadata=_expects("a Go duration or Nx"))
    save: bool = attrs.field(default=False, metadata=_expects("true or false"))


# --- structuring --------------------------------------------------------------------------


def _string(value: Any, _: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"not a string: {value!r}")
    return value


def _positive(value: Any, _: Any) -> Positive:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise TypeError(f"not a positive whole number: {value!r}")
    return Positive(value)


def _boolean(value: Any, _: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"not true or false: {value!r}")
    return value


def _names(value: Any, _: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,) if value else ()
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise TypeError(f"not a name or a list of names: {value!r}")


ARGUMENT_CLASSES: tuple[type[Any], ...] = (FolderArgs, RunArgs, ABArgs)


def make_converter() -> cattrs.Converter:
    """lsprotocol's converter, which also structures the command arguments (strictly)."""
    converter = get_converter()
    strict = converter.copy()
    strict.register_structure_hook(str, _string)
    strict.register_structure_hook(Positive, _positive)
    strict.register_structure_hook(bool, _boolean)
    strict.register_structure_hook_func(lambda t: t == tuple[str, ...], _names)
    for cls in ARGUMENT_CLASSES:
        converter.register_structure_hook(cls, make_dict_structure_fn(cls, strict))
    return converter


def first_object(args: Sequence[Any]) -> dict[str, Any]:
    """A command's arguments as one object: `[{...}]`, nothing, or the strings `[package,
    bench]` that older clients send."""
    if len(args) == 1 and isinstance(args[0], Mapping):
        spec = {str(k): v for k, v in args[0].items()}
        if "bench" not in spec and "benchmark" in spec:
            spec["bench"] = spec.pop("benchmark")
        return spec
    if len(args) <= 2 and all(isinstance(a, str) for a in args):
        return dict(zip(("package", "bench"), args, strict=False))
    raise BadArguments(
        'expected one object {"package": ..., "bench": ...} or the strings package, bench'
    )


_FIELD = re.compile(r"@ \$\.(\w+)")


def structure(converter: cattrs.Converter, args: Sequence[Any], cls: type[A]) -> A:
    """The arguments as `cls`; BadArguments naming each wrong key and what it expects."""
    spec = first_object(args)
    try:
        return converter.structure(spec, cls)
    except (cattrs.BaseValidationError, TypeError, ValueError) as exc:
        problems = []
        fields = attrs.fields_dict(cls)  # type: ignore[arg-type]
        for line in cattrs.transform_error(exc):
            match = _FIELD.search(line)
            if match is None or match.group(1) not in fields:
                problems.append(line)
                continue
            key = match.group(1)
            expects = fields[key].metadata.get("expects", "something else")
            problems.append(f"{key}: expected {expects}, got {spec.get(key)!r}")
        raise BadArguments("; ".join(problems)) from exc
