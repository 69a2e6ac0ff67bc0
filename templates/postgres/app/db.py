"""Database access: the URL normaliser, the engine and the per-request session."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase

from app.settings import Settings

DRIVER = "postgresql+psycopg"


def normalize_database_url(url: str) -> str:
    """Point a PostgreSQL URL at the psycopg 3 driver, keeping everything after the scheme.

    Fly hands out `postgres://` (which SQLAlchemy rejects) and `postgresql://` (which it
    maps to psycopg2); both, and any `postgresql+<driver>://`, become `postgresql+psycopg://`.
    The query string (`sslmode=disable` on legacy Fly Postgres) is kept as it is.
    """
    scheme, separator, rest = url.strip().partition("://")
    if not separator or scheme.split("+", 1)[0].lower() not in {"postgres", "postgresql"}:
        # Name the scheme only: the rest of the URL may hold a password.
        raise ValueError(f"not a PostgreSQL URL (scheme {scheme.split(':', 1)[0]!r})")
    return f"{DRIVER}://{rest}"


class Base(DeclarativeBase):
    # Predictable constraint names keep Alembic migrations reviewable and reversible.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


def create_engine(settings: Settings) -> AsyncEngine:
    if not settings.database_url:
        raise RuntimeError("DATABASE_URL is not set; see .env.example")
    return create_async_engine(
        normalize_database_url(settings.database_url),
        # Machines that were suspended or stopped wake with dead connections: test before use.
        pool_pre_ping=True,
        pool_recycle=600,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=10,
        connect_args={
            "connect_timeout": settings.db_connect_timeout_seconds,
            # No server-side prepared statements: they break behind PgBouncer in transaction mode.
            "prepare_threshold": None,
        },
    )


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with request.app.state.sessionmaker() as session:
        yield session


Session = Annotated[AsyncSession, Depends(get_session)]
