"""A missing or malformed database URL stops the service and the migrations with one line
naming the variable: no traceback, and never the password."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.platform.settings import ConfigurationError
from app.settings import get_settings

ROOT = Path(__file__).resolve().parents[1]
# What a pasted placeholder looks like; psycopg alone would fail on it with an idna error.
PLACEHOLDER = "postgresql://..."


@pytest.fixture(autouse=True)
def fresh_settings(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("DIRECT_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DATABASE_URL": ""}, "DATABASE_URL is not usable: is empty"),
        ({"DATABASE_URL": PLACEHOLDER}, "DATABASE_URL is not usable: '...' is not a valid host"),
        (
            {"DATABASE_URL": "mysql://u:secret@h/d"},
            "DATABASE_URL is not usable: not a PostgreSQL",
        ),
        (
            {"DATABASE_URL": "postgres://u:secret@h:port/d"},
            "DATABASE_URL is not usable: the port",
        ),
        (
            {"DATABASE_URL": "postgresql://u@h/d", "DIRECT_DATABASE_URL": PLACEHOLDER},
            "DIRECT_DATABASE_URL is not usable: '...' is not a valid host",
        ),
    ],
)
def test_a_bad_url_is_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: str
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)

    with pytest.raises(ConfigurationError) as error:
        get_settings()

    message = str(error.value)
    assert message.startswith(expected)
    assert "\n" not in message
    assert "secret" not in message


def test_an_empty_direct_url_means_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/d")
    monkeypatch.setenv("DIRECT_DATABASE_URL", "")

    settings = get_settings()

    assert settings.direct_database_url is None
    assert settings.database_url == "postgresql+psycopg://u@h/d"


def run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    # An explicit empty value wins over a local .env file, as on Fly a secret would.
    environment = {**os.environ, "DATABASE_URL": "", "DIRECT_DATABASE_URL": "", **env}
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("args", "env", "variable"),
    [
        (["uvicorn", "app.main:app", "--port", "0"], {"DATABASE_URL": PLACEHOLDER}, "DATABASE_URL"),
        (["uvicorn", "app.main:app", "--port", "0"], {}, "DATABASE_URL"),
        (
            ["alembic", "upgrade", "head"],
            {"DATABASE_URL": "postgresql://u@127.0.0.1:9/d", "DIRECT_DATABASE_URL": PLACEHOLDER},
            "DIRECT_DATABASE_URL",
        ),
    ],
)
def test_the_server_and_the_release_command_stop_with_one_line(
    args: list[str], env: dict[str, str], variable: str
) -> None:
    result = run(args, **env)

    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"{variable} is not usable")
