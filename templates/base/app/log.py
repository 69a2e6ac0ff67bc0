"""One logging configuration for the app and uvicorn: level and format from the settings,
and the request's id on every line logged while it is handled."""

import json
import logging
import re
import sys
import uuid
from contextvars import ContextVar
from typing import IO

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Fly's proxy gives every request an id; logs that carry it can be matched with Fly's.
FLY_REQUEST_ID = b"fly-request-id"
RESPONSE_HEADER = "x-request-id"
HANDLER_NAME = "app"
TEXT_FORMAT = "%(levelname)s %(name)s [%(request_id)s] %(message)s"
# The header comes from outside: only a plain token goes into the logs.
PLAUSIBLE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")

request_id: ContextVar[str] = ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log search (LOG_FORMAT=json)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry)


def configure_logging(level: str, log_format: str, stream: IO[str] | None = None) -> None:
    """Send every logger, uvicorn's included, through one handler on the root logger."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(HANDLER_NAME)
    handler.addFilter(RequestIdFilter())
    json_lines = log_format == "json"
    handler.setFormatter(JsonFormatter() if json_lines else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for previous in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(previous)
    root.addHandler(handler)
    root.setLevel(level)
    # uvicorn set up its own handlers before it imported the app: route them through ours.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.setLevel(logging.NOTSET)
        logger.propagate = True


class RequestIdMiddleware:
    """Binds the request's id (Fly's, or a new one) to its log lines and its response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(FLY_REQUEST_ID, b"").decode("latin-1").strip()
        value = given if PLAUSIBLE_ID.fullmatch(given) else uuid.uuid4().hex
        token = request_id.set(value)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[RESPONSE_HEADER] = value
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            request_id.reset(token)
