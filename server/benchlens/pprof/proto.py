"""The profile.proto messages, declared from the format's documented field numbers.

google/pprof's `proto/profile.proto` (package `perftools.profiles`, proto3) is the
format `go test -cpuprofile`/`-memprofile` write, gzip-compressed. Rather than
generated code, the messages are described here as a `FileDescriptorProto` and
turned into classes by the protobuf runtime, in a private descriptor pool so that
no other library's copy of the same package can clash. Only the fields benchlens
reads or rewrites are declared: the runtime keeps unknown fields as they are, so a
profile re-encoded after a rewrite keeps everything it had.
"""

from __future__ import annotations

from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

_FieldType = int
_INT64: _FieldType = descriptor_pb2.FieldDescriptorProto.TYPE_INT64
_UINT64: _FieldType = descriptor_pb2.FieldDescriptorProto.TYPE_UINT64
_BOOL: _FieldType = descriptor_pb2.FieldDescriptorProto.TYPE_BOOL
_STRING: _FieldType = descriptor_pb2.FieldDescriptorProto.TYPE_STRING
_MESSAGE: _FieldType = descriptor_pb2.FieldDescriptorProto.TYPE_MESSAGE
_ONE = descriptor_pb2.FieldDescriptorProto.LABEL_OPTIONAL
_MANY = descriptor_pb2.FieldDescriptorProto.LABEL_REPEATED

PACKAGE = "perftools.profiles"

#: message → (field name, number, type, repeated, message type) as in profile.proto.
_MESSAGES: dict[str, tuple[tuple[str, int, _FieldType, bool, str], ...]] = {
    "Profile": (
        ("sample_type", 1, _MESSAGE, True, "ValueType"),
        ("sample", 2, _MESSAGE, True, "Sample"),
        ("mapping", 3, _MESSAGE, True, "Mapping"),
        ("location", 4, _MESSAGE, True, "Location"),
        ("function", 5, _MESSAGE, True, "Function"),
        ("string_table", 6, _STRING, True, ""),
        ("drop_frames", 7, _INT64, False, ""),
        ("keep_frames", 8, _INT64, False, ""),
        ("time_nanos", 9, _INT64, False, ""),
        ("duration_nanos", 10, _INT64, False, ""),
        ("period_type", 11, _MESSAGE, False, "ValueType"),
        ("period", 12, _INT64, False, ""),
        ("comment", 13, _INT64, True, ""),
        ("default_sample_type", 14, _INT64, False, ""),
    ),
    "ValueType": (
        ("type", 1, _INT64, False, ""),
        ("unit", 2, _INT64, False, ""),
    ),
    "Sample": (
        ("location_id", 1, _UINT64, True, ""),
        ("value", 2, _INT64, True, ""),
        ("label", 3, _MESSAGE, True, "Label"),
    ),
    "Label": (
        ("key", 1, _INT64, False, ""),
        ("str", 2, _INT64, False, ""),
        ("num", 3, _INT64, False, ""),
        ("num_unit", 4, _INT64, False, ""),
    ),
    "Mapping": (
        ("id", 1, _UINT64, False, ""),
        ("memory_start", 2, _UINT64, False, ""),
        ("memory_limit", 3, _UINT64, False, ""),
        ("file_offset", 4, _UINT64, False, ""),
        ("filename", 5, _INT64, False, ""),
        ("build_id", 6, _INT64, False, ""),
        ("has_functions", 7, _BOOL, False, ""),
        ("has_filenames", 8, _BOOL, False, ""),
        ("has_line_numbers", 9, _BOOL, False, ""),
        ("has_inline_frames", 10, _BOOL, False, ""),
    ),
    "Location": (
        ("id", 1, _UINT64, False, ""),
        ("mapping_id", 2, _UINT64, False, ""),
        ("address", 3, _UINT64, False, ""),
        ("line", 4, _MESSAGE, True, "Line"),
        ("is_folded", 5, _BOOL, False, ""),
    ),
    "Line": (
        ("function_id", 1, _UINT64, False, ""),
        ("line", 2, _INT64, False, ""),
        ("column", 3, _INT64, False, ""),
    ),
    "Function": (
        ("id", 1, _UINT64, False, ""),
        ("name", 2, _INT64, False, ""),
        ("system_name", 3, _INT64, False, ""),
        ("filename", 4, _INT64, False, ""),
        ("start_line", 5, _INT64, False, ""),
    ),
}


def _file_descriptor() -> descriptor_pb2.FileDescriptorProto:
    file = descriptor_pb2.FileDescriptorProto(
        name="benchlens/pprof/profile.proto", package=PACKAGE, syntax="proto3"
    )
    for message, fields in _MESSAGES.items():
        desc = file.message_type.add(name=message)
        for name, number, kind, repeated, type_name in fields:
            field = desc.field.add(
                name=name, number=number, type=kind, label=_MANY if repeated else _ONE
            )
            if type_name:
                field.type_name = f".{PACKAGE}.{type_name}"
    return file


def _profile_class() -> type[Any]:
    pool = descriptor_pool.DescriptorPool()
    pool.Add(_file_descriptor())
    return message_factory.GetMessageClass(pool.FindMessageTypeByName(f"{PACKAGE}.Profile"))


#: The `perftools.profiles.Profile` message class (fields as in profile.proto).
ProfileMessage: type[Any] = _profile_class()
