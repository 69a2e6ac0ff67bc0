"""One logging setup: LOG_LEVEL, LOG_FORMAT=json, and the request's id on every line."""

import io
import json
import logging
import re
import urllib.request

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.log import RequestIdMiddleware, configure_logging
from app.platform.settings import ConfigurationError
from app.settings import get_settings
from tests.server import Server

FLY_ID = "01JDQ4Z8K7-iad"


def app_logging_in_a_route() -> FastAPI:
    app = FastAPI()

    @app.get("/work")
    async def work() -> dict[str, str]:
        logging.getLogger("app.work").info("routine")
        logging.getLogger("app.work").warning("unusual")
        return {}

    app.add_middleware(RequestIdMiddleware)
    return app


@pytest.fixture
def captured() -> io.StringIO:
    stream = io.StringIO()
    yield stream
    configure_logging("INFO", "text")


def test_lines_carry_the_request_id_at_the_configured_level(captured: io.StringIO) -> None:
    configure_logging("WARNING", "text", stream=captured)

    response = TestClient(app_logging_in_a_route()).get("/work", headers={"fly-request-id": FLY_ID})

    assert response.headers["x-request-id"] == FLY_ID
    assert captured.getvalue().splitlines() == [f"WARNING app.work [{FLY_ID}] unusual"]


@pytest.mark.parametrize("given", [None, "", "a\nforged line", "x" * 200])
def test_without_a_usable_fly_id_a_new_one_is_made(
    captured: io.StringIO, given: str | None
) -> None:
    configure_logging("INFO", "json", stream=captured)
    headers = {} if given is None else {"fly-request-id": given}

    response = TestClient(app_logging_in_a_route()).get("/work", headers=headers)

    made = response.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    lines = [json.loads(line) for line in captured.getvalue().splitlines()]
    # (The test client logs its own requests too, outside of any request.)
    ours = [line for line in lines if line["logger"] == "app.work"]
    assert [(line["level"], line["request_id"]) for line in ours] == [
        ("INFO", made),
        ("WARNING", made),
    ]


def test_uvicorn_lines_are_json_too_and_carry_the_id() -> None:
    server = Server(LOG_FORMAT="json", LOG_LEVEL="info")
    request = urllib.request.Request(f"{server.url}/healthz", headers={"fly-request-id": FLY_ID})
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.headers["x-request-id"] == FLY_ID

    stopped = server.stop()

    lines = [json.loads(line) for line in stopped.stderr.splitlines() if line.strip()]
    loggers = {line["logger"] for line in lines}
    assert {"uvicorn.error", "uvicorn.access"} <= loggers, loggers
    access = [line for line in lines if line["logger"] == "uvicorn.access"]
    # The first is the start-up probe, which had no Fly id: it got one of its own.
    assert all(re.fullmatch(r"[0-9a-f]{32}", line["request_id"]) for line in access[:-1])
    assert access[-1]["request_id"] == FLY_ID
    assert "/healthz" in access[-1]["message"]


@pytest.mark.parametrize(("name", "value"), [("LOG_LEVEL", "loud"), ("LOG_FORMAT", "xml")])
def test_a_bad_setting_is_one_line_naming_it(
    app_env: pytest.MonkeyPatch, name: str, value: str
) -> None:
    app_env.setenv(name, value)

    with pytest.raises(ConfigurationError) as error:
        get_settings()

    assert str(error.value).startswith(f"{name} is not usable: ")
    assert "\n" not in str(error.value)
