"""No request or notification can take the server down: a handler that fails is logged
and answered with an empty result."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, cast

from benchlens.lsp.server import BenchlensServer
from benchlens.lsp.settings import Level

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Awaitable[Any]])


def guarded(default: Any) -> Callable[[F], F]:
    """Turn any exception in a handler into a log message and `default`."""

    def wrap(fn: F) -> F:
        @functools.wraps(fn)
        async def handler(server: BenchlensServer, params: Any) -> Any:
            try:
                return await fn(server, params)
            except Exception as exc:
                log.exception("%s failed", fn.__name__)
                server.notifier.log(f"{fn.__name__} failed: {exc!r}", Level.ERROR)
                return default

        return cast(F, handler)

    return wrap
