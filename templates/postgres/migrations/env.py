"""Alembic environment. The URL comes from the app's settings, never from alembic.ini:
a `%` in a password would break ini interpolation."""

import zlib
from logging.config import fileConfig

from alembic import context
from sqlalchemy import create_engine, pool, text

from app import models  # noqa: F401  (registers the tables on Base.metadata)
from app.db import Base
from app.settings import get_settings

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)

target_metadata = Base.metadata

# One key for this project's migrations: concurrent `alembic upgrade head` runs (two deploys'
# release commands) take turns on it instead of racing to create the same tables.
MIGRATION_LOCK = zlib.crc32(b"alembic upgrade head")


def database_url() -> str:
    # A missing or malformed URL ends the release command here, with one line naming it.
    settings = get_settings()
    # The direct connection when given: a pooler in transaction mode breaks session state.
    return settings.direct_database_url or settings.database_url


def run_migrations_offline() -> None:
    context.configure(
        url=database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = create_engine(database_url(), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            # Held until this transaction ends, so it works through PgBouncer in transaction
            # mode too. Alembic reads the current revision after it, seeing the last run's.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
