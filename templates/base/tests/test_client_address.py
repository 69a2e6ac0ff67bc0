"""request.client on Fly is the address Fly's proxy saw, not one the client wrote itself."""

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.testclient import TestClient
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from app.client_address import FlyClientAddressMiddleware

FORGED = {"x-forwarded-for": "6.6.6.6", "x-forwarded-proto": "https"}


def behind_fly_proxy(on_fly: bool = True) -> TestClient:
    """The app as uvicorn serves it on Fly: proxy headers trusted (FORWARDED_ALLOW_IPS=*)."""
    app = FastAPI()

    @app.get("/whoami")
    async def whoami(request: Request) -> dict[str, str | None]:
        return {"client": request.client.host if request.client else None}

    @app.get("/old")
    async def old(request: Request) -> RedirectResponse:
        return RedirectResponse(request.url_for("whoami"))

    app.add_middleware(FlyClientAddressMiddleware, on_fly=on_fly)
    return TestClient(ProxyHeadersMiddleware(app, trusted_hosts="*"), base_url="http://api.test")


def test_a_forged_x_forwarded_for_does_not_become_the_client() -> None:
    # What Fly forwards when a client at 203.0.113.7 sends its own X-Forwarded-For.
    headers = {**FORGED, "x-forwarded-for": "6.6.6.6, 203.0.113.7", "fly-client-ip": "203.0.113.7"}

    assert behind_fly_proxy().get("/whoami", headers=headers).json() == {"client": "203.0.113.7"}
    # Without the middleware, uvicorn would have believed the forged entry.
    forged = behind_fly_proxy(on_fly=False).get("/whoami", headers=headers).json()
    assert forged == {"client": "6.6.6.6"}


def test_redirects_stay_on_https_behind_the_proxy() -> None:
    response = behind_fly_proxy().get(
        "/old", headers={**FORGED, "fly-client-ip": "203.0.113.7"}, follow_redirects=False
    )

    assert response.headers["location"] == "https://api.test/whoami"


def test_a_malformed_header_is_ignored() -> None:
    response = behind_fly_proxy().get("/whoami", headers={"fly-client-ip": "not-an-ip"})

    assert response.json() == {"client": "testclient"}


def test_outside_fly_the_header_is_not_trusted() -> None:
    response = behind_fly_proxy(on_fly=False).get("/whoami", headers={"fly-client-ip": "1.2.3.4"})

    assert response.json() == {"client": "testclient"}
