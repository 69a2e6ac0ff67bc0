import pytest

from app.db import normalize_database_url


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (
            "postgres://user:pw@db.flycast:5432/app?sslmode=disable",
            "postgresql+psycopg://user:pw@db.flycast:5432/app?sslmode=disable",
        ),
        (
            "postgresql://user:pw@pgbouncer.example.flympg.net/app",
            "postgresql+psycopg://user:pw@pgbouncer.example.flympg.net/app",
        ),
        ("postgresql+psycopg2://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql+asyncpg://u@h/d?ssl=require", "postgresql+psycopg://u@h/d?ssl=require"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
        ("POSTGRES://u@h/d", "postgresql+psycopg://u@h/d"),
        ("  postgresql://u:p%40ss@h/d  ", "postgresql+psycopg://u:p%40ss@h/d"),
    ],
)
def test_normalizes_to_psycopg_and_keeps_the_rest(given: str, expected: str) -> None:
    assert normalize_database_url(given) == expected


@pytest.mark.parametrize("given", ["mysql://u:secret@h/d", "sqlite:///app.db", "not a url", ""])
def test_rejects_other_databases_without_echoing_the_password(given: str) -> None:
    with pytest.raises(ValueError, match="not a PostgreSQL URL") as error:
        normalize_database_url(given)

    assert "secret" not in str(error.value)
