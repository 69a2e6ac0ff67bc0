"""When the database cannot answer, /items says so with a 503 and a small JSON body, and the
log gets one line per kind of failure, not a traceback per request."""

import logging

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from app.platform.database_errors import install_database_error_handlers
from app.platform.testing import UNREACHABLE_DATABASE_URL
from tests.conftest import MakeClient


def test_an_unreachable_database_is_a_503_and_one_log_line(
    make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client(DATABASE_URL=UNREACHABLE_DATABASE_URL)
    caplog.set_level(logging.INFO)

    responses = [client.get("/items") for _ in range(5)]

    assert {response.status_code for response in responses} == {503}
    assert responses[0].json() == {"detail": "database unavailable"}
    assert responses[0].headers["retry-after"] == "5"
    warnings = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert [record.getMessage() for record in warnings] == [
        "database unavailable: OperationalError"
    ]
    assert all(record.exc_info is None for record in caplog.records)


def test_a_pool_timeout_is_a_503() -> None:
    app = FastAPI()

    @app.get("/busy")
    async def busy() -> None:
        raise PoolTimeoutError("QueuePool limit of size 1 overflow 0 reached")

    install_database_error_handlers(app)

    response = TestClient(app).get("/busy")

    assert response.status_code == 503
    assert response.json() == {"detail": "database pool exhausted"}


def test_a_constraint_violation_stays_a_server_error() -> None:
    from sqlalchemy.exc import IntegrityError

    app = FastAPI()

    @app.get("/bug")
    async def bug() -> None:
        raise IntegrityError("INSERT", {}, Exception("duplicate key"))

    install_database_error_handlers(app)

    assert TestClient(app, raise_server_exceptions=False).get("/bug").status_code == 500
