"""Alembic environment: runs on the connection ``indicators.store.migrate`` hands it, or on the configured URL."""

from alembic import context
from sqlalchemy import create_engine

from indicators.store.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("alembic: no connection handed in and no sqlalchemy.url configured")
    engine = create_engine(url)
    with engine.connect() as connection:
        _run(connection)


def _run(connection) -> None:
    # render_as_batch lets later migrations alter tables on SQLite as on PostgreSQL
    context.configure(
        connection=connection, target_metadata=target_metadata, render_as_batch=True, compare_type=True
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
