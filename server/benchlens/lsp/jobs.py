"""The one run (or profile) in progress, and the shape of every command's answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from benchlens.runner import Cancellable


@dataclass(frozen=True)
class ActiveRun:
    label: str
    job: Cancellable

    def cancel(self) -> None:
        self.job.cancel()


#: What every command answers: `{"status": "ok" | "cancelled" | "failed" | "refused",
#: "message": ..., ...}`.
Result = dict[str, Any]


def result(status: str, message: str, **extra: Any) -> Result:
    return {"status": status, "message": message, **extra}
