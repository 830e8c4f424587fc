"""Editor settings: the layers a client sends, and the keys that configure the server itself.

The comparison settings (thresholds, severities, paths...) are read by the core's
`load_config`, with these layers on top of `.benchlens.toml`. The server's own keys
(`debounce_ms`, `notifications`, `trusted`) are taken out here. No pygls types.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from benchlens.config import WORKSPACE_LAYER

#: Default debounce of file-system events, in milliseconds.
DEFAULT_DEBOUNCE_MS = 200
#: Keys of the editor settings that configure the server itself, not the comparison.
SERVER_KEYS = frozenset({"debounce_ms", "debounceMs", "notifications", "trusted"})


class Level(enum.IntEnum):
    """How serious a message is; the values are LSP's `MessageType`."""

    ERROR = 1
    WARNING = 2
    INFO = 3
    LOG = 4


class Notifications(enum.Enum):
    """Which messages pop up (`window/showMessage`); every message is also logged."""

    OFF = "off"
    ON_ERROR = "onError"
    ON_WARNING = "onWarning"
    ALWAYS = "always"

    def shows(self, level: Level) -> bool:
        worst = {
            Notifications.OFF: 0,
            Notifications.ON_ERROR: Level.ERROR,
            Notifications.ON_WARNING: Level.WARNING,
            Notifications.ALWAYS: Level.INFO,
        }[self]
        return level <= worst


@dataclass(frozen=True)
class ServerOptions:
    """Settings of the server process (not of the comparison)."""

    debounce: float = DEFAULT_DEBOUNCE_MS / 1000
    #: The client's word on workspace trust (see `read_trust`).
    trusted: bool = True
    notifications: Notifications = Notifications.ON_ERROR
    #: What was wrong with the `trusted` value (then the workspace is not trusted).
    trust_problem: str | None = None


def settings_layer(raw: Any) -> dict[str, Any]:
    """Editor settings as a plain mapping; `{"benchlens": {...}}` is unwrapped."""
    if not isinstance(raw, Mapping):
        return {}
    if set(raw) == {"benchlens"} and isinstance(raw["benchlens"], Mapping):
        raw = raw["benchlens"]
    return {str(k): v for k, v in raw.items()}


def deep_merge(base: Mapping[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    """`top` over `base`, tables merged key by key (so one severity can be changed alone)."""
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def read_trust(layer: Mapping[str, Any]) -> tuple[bool, str | None]:
    """Whether a settings layer trusts the workspace, and a problem with its value.

    It fails closed: a layer that says nothing trusts; one that says anything but
    JSON `true` (`false`, `"true"`, `1`, `null`) does not, and a value that is not
    a boolean is reported.
    """
    if "trusted" not in layer:
        return True, None
    value = layer["trusted"]
    if isinstance(value, bool):
        return value, None
    return False, f"trusted: expected true or false, got {value!r}; the workspace is not trusted"


def _debounce(settings: Mapping[str, Any], problems: list[str]) -> float:
    debounce_ms: Any = DEFAULT_DEBOUNCE_MS
    for key in ("debounce_ms", "debounceMs"):
        if key in settings:
            debounce_ms = settings[key]
    if isinstance(debounce_ms, bool) or not isinstance(debounce_ms, int | float):
        problems.append(f"debounce_ms: expected a number of milliseconds, got {debounce_ms!r}")
        debounce_ms = DEFAULT_DEBOUNCE_MS
    elif not 0 <= debounce_ms <= 10_000:
        problems.append(f"debounce_ms: {debounce_ms} is out of range [0, 10000]")
        debounce_ms = DEFAULT_DEBOUNCE_MS
    return float(debounce_ms) / 1000


def _notifications(settings: Mapping[str, Any], problems: list[str]) -> Notifications:
    value = settings.get("notifications", Notifications.ON_ERROR.value)
    try:
        return Notifications(value)
    except ValueError:
        choices = ", ".join(n.value for n in Notifications)
        problems.append(f"notifications: expected one of {choices}, got {value!r}")
        return Notifications.ON_ERROR


def split_server_options(
    settings: Mapping[str, Any], trusted: bool = True
) -> tuple[dict[str, Any], ServerOptions, list[str]]:
    """Separate the server's own keys from the comparison settings `load_config` reads.

    `trusted` is the trust already granted by `initializationOptions`; these settings
    can only take it away (the workspace's own layer cannot even do that: it is not
    the client's word).
    """
    problems: list[str] = []
    config_settings = {k: v for k, v in settings.items() if k not in SERVER_KEYS}
    trust, trust_problem = read_trust(settings)
    # The workspace's own layer (`WORKSPACE_LAYER`, see `load_config`) may set the server's
    # debounce and pop-ups too, over the user's; never its trust.
    own = dict(settings)
    workspace = settings.get(WORKSPACE_LAYER)
    if isinstance(workspace, Mapping):
        config_settings[WORKSPACE_LAYER] = {
            k: v for k, v in workspace.items() if k not in SERVER_KEYS
        }
        own.update((k, v) for k, v in workspace.items() if k in SERVER_KEYS - {"trusted"})
    options = ServerOptions(
        debounce=_debounce(own, problems),
        trusted=trusted and trust,
        notifications=_notifications(own, problems),
        trust_problem=trust_problem,
    )
    return config_settings, options, problems
