"""Database access: the engine and the per-request session."""

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import MetaData, event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase

from app.settings import Settings


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
    engine = create_async_engine(
        # Already checked and pointed at psycopg 3 by app.settings.
        settings.database_url,
        # Machines that were suspended or stopped wake with dead connections: test before use.
        pool_pre_ping=True,
        pool_recycle=600,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout_seconds,
        connect_args={
            "connect_timeout": settings.db_connect_timeout_seconds,
            # No server-side prepared statements: they break behind PgBouncer in transaction mode.
            "prepare_threshold": None,
        },
    )
    timeout_ms = settings.db_statement_timeout_ms

    @event.listens_for(engine.sync_engine, "connect")
    def bound_every_statement(dbapi_connection: Any, connection_record: Any) -> None:
        # Set once per new connection, outside a transaction: a SET inside one would be
        # undone by the pool's rollback. (Not a startup option: PgBouncer refuses those.)
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        cursor = dbapi_connection.cursor()
        cursor.execute(f"SET statement_timeout = {int(timeout_ms)}")
        cursor.close()
        dbapi_connection.autocommit = autocommit

    return engine


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with request.app.state.sessionmaker() as session:
        yield session


Session = Annotated[AsyncSession, Depends(get_session)]
