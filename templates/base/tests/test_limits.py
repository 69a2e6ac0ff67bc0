"""Request bodies are bounded (MAX_REQUEST_BODY_BYTES): past the bound, 413, whether the
size is declared or the body arrives in chunks."""

from collections.abc import Iterator

from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from app.limits import BodySizeLimitMiddleware
from tests.conftest import MakeClient

LIMIT = 1_000


def echo_length_app() -> TestClient:
    app = FastAPI()

    @app.post("/upload")
    async def upload(request: Request) -> dict[str, int]:
        return {"bytes": len(await request.body())}

    app.add_middleware(BodySizeLimitMiddleware, max_bytes=LIMIT)
    return TestClient(app)


def chunks(total: int, size: int = 100) -> Iterator[bytes]:
    for _ in range(total // size):
        yield b"x" * size


def test_a_body_within_the_limit_is_read() -> None:
    assert echo_length_app().post("/upload", content=b"x" * LIMIT).json() == {"bytes": LIMIT}


def test_a_declared_length_over_the_limit_is_413_before_reading() -> None:
    response = echo_length_app().post("/upload", content=b"x" * (LIMIT + 1))

    assert response.status_code == 413
    assert response.json() == {"detail": "request body too large"}


def test_a_chunked_body_over_the_limit_is_413() -> None:
    response = echo_length_app().post("/upload", content=chunks(LIMIT * 5))

    assert response.status_code == 413
    assert response.json() == {"detail": "request body too large"}


def test_the_app_applies_the_configured_limit(make_client: MakeClient) -> None:
    client = make_client(MAX_REQUEST_BODY_BYTES="100")

    response = client.post("/healthz", content=b"x" * 101)

    assert response.status_code == 413
