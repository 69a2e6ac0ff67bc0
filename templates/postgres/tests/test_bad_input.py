"""Input a client controls never reaches the database as something it would fail on:
each of these is a 4xx from validation, not a 500. No database needed."""

import pytest
from fastapi.testclient import TestClient

TOO_BIG_FOR_INT4 = 2**31
TOO_BIG_FOR_INT8 = 2**63


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", f"/items/{TOO_BIG_FOR_INT4}"),
        ("DELETE", f"/items/{TOO_BIG_FOR_INT4}"),
        ("GET", "/items/0"),
        ("GET", "/items/-1"),
        ("GET", f"/items?offset={TOO_BIG_FOR_INT8}"),
        ("GET", f"/items?offset={TOO_BIG_FOR_INT4}"),
        ("GET", "/items?offset=-1"),
        ("GET", "/items?limit=0"),
        ("GET", "/items?limit=101"),
    ],
)
def test_numbers_beyond_the_columns_range_are_422(client: TestClient, method: str, path: str):
    assert client.request(method, path).status_code == 422


@pytest.mark.parametrize(
    "raw_body",
    [
        b'{"name": "a\\u0000b"}',  # NUL: PostgreSQL text cannot hold it
        b'{"name": "\\ud800"}',  # a lone surrogate: not encodable as UTF-8
        b'{"name": "x\\udfff"}',
        b'{"name": ""}',
        b'{"name": 5}',
        b'{"name": "a"',  # not JSON
    ],
)
def test_names_the_database_would_refuse_are_422(client: TestClient, raw_body: bytes) -> None:
    response = client.post("/items", content=raw_body, headers={"content-type": "application/json"})

    assert response.status_code == 422
    assert all("input" not in problem for problem in response.json()["detail"])


def test_a_422_never_repeats_large_input(client: TestClient) -> None:
    response = client.post("/items", json={"name": "x" * 500_000})

    assert response.status_code == 422
    assert len(response.content) < 1_000
    assert response.json()["detail"][0]["loc"] == ["body", "name"]
