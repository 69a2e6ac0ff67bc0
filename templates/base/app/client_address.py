"""The client's address, as Fly's proxy saw it.

uvicorn trusts the proxy headers (FORWARDED_ALLOW_IPS in fly.toml) so that the scheme is
https behind Fly's TLS and redirects stay on https. It also takes the client address from the
leftmost X-Forwarded-For entry, which the client writes itself: Fly appends to that header,
it does not replace it. Fly sets `Fly-Client-IP` on every request it proxies, so on Fly that
is the address request.client reports.
"""

from ipaddress import ip_address

from starlette.types import ASGIApp, Receive, Scope, Send

HEADER = b"fly-client-ip"


class FlyClientAddressMiddleware:
    def __init__(self, app: ASGIApp, on_fly: bool) -> None:
        self.app = app
        # Outside Fly nobody sets the header for us, and a client could send its own.
        self.on_fly = on_fly

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.on_fly and scope["type"] in ("http", "websocket"):
            address = self._fly_client_ip(scope)
            if address is not None:
                scope["client"] = (address, 0)
        await self.app(scope, receive, send)

    @staticmethod
    def _fly_client_ip(scope: Scope) -> str | None:
        for name, value in scope["headers"]:
            if name == HEADER:
                try:
                    return str(ip_address(value.decode("latin-1").strip()))
                except ValueError:
                    return None
        return None
