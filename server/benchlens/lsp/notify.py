"""Messages to the user: every one goes to the log (`window/logMessage`); pop-ups
(`window/showMessage`) only as the `notifications` setting allows, and news about a
folder only once (a reload does not repeat a problem the user has already seen)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from benchlens.lsp.notices import Notice
from benchlens.lsp.settings import Level, Notifications

log = logging.getLogger(__name__)

PREFIX = "benchlens: "


class Notifier:
    def __init__(self, server: LanguageServer, setting: Callable[[], Notifications]) -> None:
        self._server = server
        self._setting = setting
        #: Notice keys already told, by folder and group.
        self._told: dict[tuple[str, str], set[str]] = {}

    def log(self, message: str, level: Level = Level.INFO) -> None:
        self._server.window_log_message(
            types.LogMessageParams(type=types.MessageType(level), message=PREFIX + message)
        )

    def show(self, message: str, level: Level = Level.WARNING, *, popup: bool = True) -> None:
        """Log `message`, and pop it up when the setting allows messages of its level."""
        self.log(message, level)
        if popup and self._setting().shows(level):
            self._server.window_show_message(
                types.ShowMessageParams(type=types.MessageType(level), message=PREFIX + message)
            )

    def once(self, folder: str, group: str, notices: Iterable[Notice]) -> None:
        """Tell the notices of `group` not told yet; forget those that are gone (so a
        problem that comes back is told again)."""
        told = self._told.setdefault((folder, group), set())
        current = set()
        for notice in notices:
            current.add(notice.key)
            if notice.key not in told:
                self.show(notice.text, notice.level, popup=notice.popup)
        self._told[(folder, group)] = current

    def forget(self, folder: str) -> None:
        for key in [k for k in self._told if k[0] == folder]:
            del self._told[key]
