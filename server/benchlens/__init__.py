"""benchlens: Go benchmark results compared against a baseline, where Go developers work."""

__version__ = "0.1.0"
