"""Migrations and the items API against a real database named by TEST_DATABASE_URL.

The tests drop and recreate the tables there: never point it at data you want to keep.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from fastapi.testclient import TestClient

from app.settings import get_settings

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
pytestmark = pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="set TEST_DATABASE_URL to run the database tests"
)

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"


@pytest.fixture(scope="module")
def migrated() -> Iterator[Config]:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DATABASE_URL", TEST_DATABASE_URL or "")
        env.delenv("DIRECT_DATABASE_URL", raising=False)
        get_settings.cache_clear()
        config = Config(str(ALEMBIC_INI))
        command.downgrade(config, "base")
        command.upgrade(config, "head")
        yield config
    get_settings.cache_clear()


def test_migrations_go_down_and_up_again(migrated: Config) -> None:
    command.downgrade(migrated, "base")
    command.upgrade(migrated, "head")


def test_readiness_is_200_with_the_database_up(migrated: Config, client: TestClient) -> None:
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_items_round_trip(migrated: Config, client: TestClient) -> None:
    created = client.post("/items", json={"name": "first"})
    assert created.status_code == 201
    item = created.json()
    assert item["name"] == "first"

    assert client.get(f"/items/{item['id']}").json() == item
    assert item in client.get("/items").json()

    assert client.delete(f"/items/{item['id']}").status_code == 204
    assert client.get(f"/items/{item['id']}").status_code == 404


def test_rejects_an_empty_name(migrated: Config, client: TestClient) -> None:
    assert client.post("/items", json={"name": ""}).status_code == 422
