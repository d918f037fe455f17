"""Alembic environment: uses the engine handed over by :func:`salesnb.db.upgrade`."""

from alembic import context
from sqlalchemy import text

from salesnb.db import MIGRATION_LOCK_KEY, make_engine
from salesnb.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine") or make_engine(config.get_main_option("sqlalchemy.url") or None)
    with engine.connect() as connection:
        # one migration at a time: a second process waits here, then finds the schema up to date
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        elif connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
