"""pprof profiles (profile.proto), decoded with the protobuf runtime: no text scraping."""

from benchlens.pprof.profile import (
    Frame,
    Profile,
    ProfileFormatError,
    Sample,
    load_profile,
    rewrite_file_paths,
)

__all__ = [
    "Frame",
    "Profile",
    "ProfileFormatError",
    "Sample",
    "load_profile",
    "rewrite_file_paths",
]
