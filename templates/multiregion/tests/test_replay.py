from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.platform.replay import REPLAYABLE_BODY_BYTES, FlyReplayMiddleware


def client_in(region: str | None, primary: str = "iad") -> TestClient:
    app = FastAPI()

    @app.api_route("/things", methods=["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"])
    async def things() -> dict[str, str]:
        return {"served": "here"}

    app.add_middleware(FlyReplayMiddleware, primary_region=primary, current_region=region)
    return TestClient(app)


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_writes_outside_the_primary_region_are_replayed_there(method: str) -> None:
    response = client_in("lhr").request(method, "/things")

    assert response.status_code == 409
    assert response.headers["fly-replay"] == "region=iad"


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS"])
def test_reads_are_served_in_every_region(method: str) -> None:
    assert client_in("lhr").request(method, "/things").status_code == 200


def test_writes_in_the_primary_region_are_served() -> None:
    assert client_in("iad").post("/things").json() == {"served": "here"}


def test_a_replayed_request_is_never_replayed_again() -> None:
    replayed = {"fly-replay-src": "instance=abc;region=lhr"}

    response = client_in("lhr").post("/things", headers=replayed)

    assert response.status_code == 200


def test_nothing_is_replayed_outside_fly() -> None:
    assert client_in(None).post("/things").status_code == 200


def test_a_write_too_large_for_fly_to_replay_is_served_here() -> None:
    # Fly cannot replay a body over 1 MB: a fly-replay answer would fail the request.
    response = client_in("lhr").post("/things", content=b"x" * (REPLAYABLE_BODY_BYTES + 1))

    assert response.status_code == 200
    assert "fly-replay" not in response.headers


def test_a_write_of_unknown_size_is_served_here() -> None:
    def chunks() -> Iterator[bytes]:
        yield b"x" * 10

    assert client_in("lhr").post("/things", content=chunks()).status_code == 200


def test_a_write_up_to_the_limit_is_still_replayed() -> None:
    response = client_in("lhr").post("/things", content=b"x" * REPLAYABLE_BODY_BYTES)

    assert response.status_code == 409
    assert response.headers["fly-replay"] == "region=iad"
