"""/readyz follows the database; /healthz does not, and the pool outlives no shutdown."""

import signal

from app.platform.testing import UNREACHABLE_DATABASE_URL
from tests.conftest import MakeClient
from tests.server import Server


def test_readiness_is_503_when_the_database_is_unreachable(make_client: MakeClient) -> None:
    client = make_client(DATABASE_URL=UNREACHABLE_DATABASE_URL)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


def test_liveness_stays_up_when_the_database_is_unreachable(make_client: MakeClient) -> None:
    client = make_client(DATABASE_URL=UNREACHABLE_DATABASE_URL)

    assert client.get("/healthz").status_code == 200


def test_a_sigterm_with_a_request_running_still_closes_the_pool() -> None:
    stopped = Server(DATABASE_URL=UNREACHABLE_DATABASE_URL).stop_while_busy()

    assert stopped.returncode in (0, -signal.SIGTERM), stopped.stderr
    assert "database pool closed" in stopped.stderr
