"""Send writes to the primary region, where the writable database is.

A Machine outside PRIMARY_REGION answers a write with 409 and a `fly-replay` header;
Fly's proxy then replays the request on a Machine in the primary region.
See https://fly.io/docs/networking/dynamic-request-routing/
"""

from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


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
        # A request that was already replayed must be served here, or it would loop.
        return not any(name == b"fly-replay-src" for name, _ in scope["headers"])
