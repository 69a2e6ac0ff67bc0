from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest
from fastapi.testclient import TestClient

from app.platform import testing
from app.settings import get_settings

MakeClient = Callable[..., TestClient]


@pytest.fixture
def app_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """The environment the app starts in under test: what the platform needs to start
    (app/platform/testing.py), nothing left over from Fly, and the settings read afresh."""
    for name in testing.CLEARED:
        monkeypatch.delenv(name, raising=False)
    for name, value in testing.environment().items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


@pytest.fixture
def make_client(app_env: pytest.MonkeyPatch) -> Iterator[MakeClient]:
    """Starts the app (lifespan included) with the given environment variables set."""
    with ExitStack() as stack:

        def make(**env: str) -> TestClient:
            for key, value in env.items():
                app_env.setenv(key, value)
            get_settings.cache_clear()
            # Imported here: importing app.main builds the app, which reads the settings.
            from app.main import create_app

            return stack.enter_context(TestClient(create_app()))

        yield make


@pytest.fixture
def client(make_client: MakeClient) -> TestClient:
    return make_client()
