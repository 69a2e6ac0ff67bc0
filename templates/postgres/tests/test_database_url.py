import pytest

from app.platform.database_url import normalize_database_url


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
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
        ("POSTGRES://u@h/d", "postgresql+psycopg://u@h/d"),
        ("  postgresql://u:p%40ss@h/d  ", "postgresql+psycopg://u:p%40ss@h/d"),
        ("postgresql://u@[::1]:5432/d", "postgresql+psycopg://u@[::1]:5432/d"),
        ("postgresql:///d", "postgresql+psycopg:///d"),
        (
            "postgresql://u@h/d?options=-c%20statement_timeout%3D5s",
            "postgresql+psycopg://u@h/d?options=-c%20statement_timeout%3D5s",
        ),
    ],
)
def test_normalizes_to_psycopg_and_keeps_the_rest(given: str, expected: str) -> None:
    assert normalize_database_url(given) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql+asyncpg://u@h/d?ssl=require", "postgresql+psycopg://u@h/d?sslmode=require"),
        ("postgresql://u@h/d?ssl=true", "postgresql+psycopg://u@h/d?sslmode=require"),
        ("postgresql://u@h/d?ssl=false", "postgresql+psycopg://u@h/d?sslmode=disable"),
        (
            "postgresql://u@h/d?ssl=verify-full&application_name=api",
            "postgresql+psycopg://u@h/d?sslmode=verify-full&application_name=api",
        ),
    ],
)
def test_turns_asyncpg_ssl_into_libpq_sslmode(given: str, expected: str) -> None:
    assert normalize_database_url(given) == expected


@pytest.mark.parametrize("given", ["mysql://u:secret@h/d", "sqlite:///app.db", "not a url", ""])
def test_rejects_other_databases_without_echoing_the_password(given: str) -> None:
    with pytest.raises(ValueError, match="not a PostgreSQL URL") as error:
        normalize_database_url(given)

    assert "secret" not in str(error.value)


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("postgresql://...", "is not a valid host name"),
        ("postgresql://u:secret@.../d", "is not a valid host name"),
        ("postgresql://u:secret@h:port/d", "the port is not a number"),
        ("postgresql://u:secret@h/d?sslmode=required", "sslmode='required' is not one of"),
        ("postgresql://u:secret@h/d?ssl=maybe", "ssl='maybe' is not a TLS mode"),
        ("postgresql://u:secret@h/d?pool_size=5", 'invalid URI query parameter: "pool_size"'),
    ],
)
def test_rejects_what_psycopg_would_reject_with_the_reason(given: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason) as error:
        normalize_database_url(given)

    assert "secret" not in str(error.value)
