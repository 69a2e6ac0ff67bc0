"""Managed by create-fly-fastapi: `--update` rewrites it, merging your edits three-way.

Writes go to the primary region, where the writable database is.

A Machine outside PRIMARY_REGION answers a write with 409 and a `fly-replay` header;
Fly's proxy then replays the request on a Machine in the primary region.
See https://fly.io/docs/networking/dynamic-request-routing/

Fly cannot replay a request body over 1 MB. Such a write (or one whose size is not declared)
is served where it landed instead: the database in the primary region is reachable from
every region, only slower. Fly's advice for large uploads is that the client sends them with
`fly-prefer-region: <primary region>`, so they land there in the first place.
"""

from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Fly's limit for a replayed body, read as the smaller of 1 MB and 1 MiB.
REPLAYABLE_BODY_BYTES = 1_000_000


class FlyReplayMiddleware:
    def __init__(self, app: ASGIApp, primary_region: str, current_region: str | None) -> None:
        self.app = app
        self.primary_region = primary_region
        # Outside Fly (local runs, tests) FLY_REGION is unset and nothing is replayed.
        self.active = bool(current_region) and current_region != primary_region

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.active and scope["type"] == "http" and self._should_replay(scope):
            response = Response(
                status_code=409, headers={"fly-replay": f"region={self.primary_region}"}
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    @staticmethod
    def _should_replay(scope: Scope) -> bool:
        if scope["method"] in READ_METHODS:
            return False
        headers = dict(scope["headers"])
        # A request that was already replayed must be served here, or it would loop.
        if b"fly-replay-src" in headers:
            return False
        # A body Fly could not replay (too large, or of unknown size): serve it here.
        unknown = b"" if b"transfer-encoding" in headers else b"0"
        length = headers.get(b"content-length", unknown)
        return length.isdigit() and int(length) <= REPLAYABLE_BODY_BYTES
