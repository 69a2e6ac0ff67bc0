"""Migrations and the items API against a real database named by TEST_DATABASE_URL.

The tests drop and recreate the tables there: never point it at data you want to keep.
"""

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest
from alembic import command
from alembic.config import Config
from fastapi.testclient import TestClient

from app.settings import get_settings
from tests.conftest import MakeClient

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
pytestmark = pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="set TEST_DATABASE_URL to run the database tests"
)

ROOT = Path(__file__).resolve().parents[1]
ALEMBIC_INI = ROOT / "alembic.ini"


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


def test_the_largest_id_is_a_404_not_an_error(migrated: Config, client: TestClient) -> None:
    assert client.get(f"/items/{2**31 - 1}").status_code == 404
    assert client.get(f"/items?offset={2**31 - 1}").json() == []


def locked_items_table() -> psycopg.Connection:
    """Another session holding a lock that makes every read of items wait."""
    holder = psycopg.connect(TEST_DATABASE_URL or "")
    holder.execute("LOCK TABLE items IN ACCESS EXCLUSIVE MODE")
    return holder


def test_a_statement_behind_a_lock_times_out_as_a_503(
    migrated: Config, make_client: MakeClient
) -> None:
    client = make_client(DATABASE_URL=TEST_DATABASE_URL or "", DB_STATEMENT_TIMEOUT_MS="300")
    holder = locked_items_table()
    # Without a statement timeout the request would wait for the lock as long as it is held.
    release = threading.Timer(5, holder.close)
    release.start()
    try:
        started = time.monotonic()
        response = client.get("/items")
        elapsed = time.monotonic() - started
    finally:
        release.cancel()
        holder.close()

    assert response.status_code == 503
    assert response.json() == {"detail": "database statement timeout"}
    assert elapsed < 3
    assert client.get("/items").status_code == 200


def test_waiting_for_a_pooled_connection_is_bounded_and_a_503(
    migrated: Config, make_client: MakeClient
) -> None:
    client = make_client(
        DATABASE_URL=TEST_DATABASE_URL or "",
        DB_POOL_SIZE="1",
        DB_MAX_OVERFLOW="0",
        DB_POOL_TIMEOUT_SECONDS="0.3",
        DB_STATEMENT_TIMEOUT_MS="2000",
    )
    holder = locked_items_table()
    release = threading.Timer(5, holder.close)
    release.start()
    try:
        with ThreadPoolExecutor(2) as pool:
            first = pool.submit(client.get, "/items")
            time.sleep(0.5)
            second = pool.submit(client.get, "/items")
            answers = sorted(
                response.json().get("detail", "") for response in (first.result(), second.result())
            )
    finally:
        release.cancel()
        holder.close()

    assert answers == ["database pool exhausted", "database statement timeout"]


def alembic(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "DATABASE_URL": TEST_DATABASE_URL or "", "DIRECT_DATABASE_URL": ""}
    return subprocess.Popen(
        [sys.executable, "-m", "alembic", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def waiting_lock_requests(connection: psycopg.Connection) -> int:
    row = connection.execute("SELECT count(*) FROM pg_locks WHERE NOT granted").fetchone()
    return row[0] if row else 0


def test_concurrent_release_commands_take_turns(migrated: Config) -> None:
    """Two deploys' release commands at once: the advisory lock in migrations/env.py makes
    the second wait, then find nothing to do, instead of both creating the same tables.

    Both are held at the door (the version table locked) until both are waiting, so they
    really do run at the same moment; then the door opens."""
    command.downgrade(migrated, "base")
    door = psycopg.connect(TEST_DATABASE_URL or "")
    observer = psycopg.connect(TEST_DATABASE_URL or "", autocommit=True)
    try:
        door.execute("LOCK TABLE alembic_version IN ACCESS EXCLUSIVE MODE")
        runs = [alembic("upgrade", "head") for _ in range(2)]
        deadline = time.monotonic() + 60
        while waiting_lock_requests(observer) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        door.rollback()
        outputs = [run.communicate(timeout=120)[0] for run in runs]
    finally:
        door.close()
        observer.close()

    assert [run.returncode for run in runs] == [0, 0], outputs
    assert "(head)" in alembic("current").communicate(timeout=60)[0]
