"""Managed by create-fly-fastapi: `--update` rewrites it, merging your edits three-way.

What the database could not do, answered as a 503 with a small JSON body, and logged once per
kind of failure and period rather than once per request.
"""

import logging
import time

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from psycopg.errors import QueryCanceled
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

logger = logging.getLogger(__name__)


class OncePerKind:
    """One log line per kind of failure and period, with a count of the ones not logged:
    an outage under load would otherwise write a line (or a traceback) per request."""

    def __init__(self, period_seconds: float = 30.0) -> None:
        self.period = period_seconds
        self.last: dict[str, float] = {}
        self.unlogged: dict[str, int] = {}

    def warn(self, kind: str, cause: Exception) -> None:
        now = time.monotonic()
        if now - self.last.get(kind, -self.period) < self.period:
            self.unlogged[kind] = self.unlogged.get(kind, 0) + 1
            return
        self.last[kind] = now
        more = self.unlogged.pop(kind, 0)
        since = f" ({more} more since the last line)" if more else ""
        logger.warning("%s: %s%s", kind, type(cause).__name__, since)


def database_unavailable(log: OncePerKind):
    """503 with a small JSON body when the database cannot answer: it is down, the pool has
    no free connection, or a statement ran past its timeout. All of them pass."""

    async def handler(request: Request, error: Exception) -> JSONResponse:
        if isinstance(error, PoolTimeoutError):
            kind = "database pool exhausted"
        elif isinstance(getattr(error, "orig", None), QueryCanceled):
            kind = "database statement timeout"
        else:
            kind = "database unavailable"
        log.warn(kind, error)
        return JSONResponse({"detail": kind}, status_code=503, headers={"Retry-After": "5"})

    return handler


def install_database_error_handlers(app: FastAPI) -> None:
    unavailable = database_unavailable(OncePerKind())
    # Connection and timeout errors only: a constraint violation is a bug, and stays a 500.
    for error in (OperationalError, InterfaceError, PoolTimeoutError):
        app.add_exception_handler(error, unavailable)
