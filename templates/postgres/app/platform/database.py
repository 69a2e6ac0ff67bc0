"""Managed by create-fly-fastapi: `--update` rewrites it, merging your edits three-way.

The engine, tuned for Fly: Machines that wake with dead connections, poolers that refuse
prepared statements and startup options, and a bound on every statement.
"""

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from app.platform.settings import PlatformSettings


def create_engine(settings: PlatformSettings) -> AsyncEngine:
    engine = create_async_engine(
        # Already checked and pointed at psycopg 3 by the settings.
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
