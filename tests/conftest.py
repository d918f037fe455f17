"""Shared fixtures: a fresh, migrated database on SQLite and on PostgreSQL for every test.

``engine`` and ``db_url`` are parametrised over the backends named in
``SALESNB_TEST_BACKENDS`` (default ``sqlite,postgresql``).  PostgreSQL comes
from ``SALESNB_TEST_PG_URL`` (default the local server, user postgres); each
xdist worker gets its own database, truncated between tests.  An unreachable
PostgreSQL fails the run: it is never skipped.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from salesnb.db import make_engine, upgrade
from salesnb.models import Base
from salesnb.timeutil import set_local_tz

BACKENDS = [b.strip() for b in os.environ.get("SALESNB_TEST_BACKENDS", "sqlite,postgresql").split(",") if b.strip()]
PG_URL = os.environ.get("SALESNB_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _worker() -> str:
    """Names this worker's PostgreSQL database (``SALESNB_TEST_DB_TAG`` keeps concurrent runs apart)."""
    return os.environ.get("SALESNB_TEST_DB_TAG", "") + os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(autouse=True)
def _local_zone():
    set_local_tz("Asia/Shanghai")
    yield


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A migrated empty SQLite database, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_database_url() -> str:
    """A migrated PostgreSQL database for this worker (dropped and re-created per session).

    Commits in it do not wait for the WAL flush (``synchronous_commit = off``):
    a test database need not survive a server crash, and on a busy disk each
    synchronous commit costs milliseconds.  Visibility and locking are unchanged.
    """
    admin_url = make_url(PG_URL)
    name = f"salesnb_test_{_worker()}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
        conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    admin.dispose()
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


# DELETE is used rather than TRUNCATE: on small tables it is more than ten times
# faster (TRUNCATE of ~30 tables takes over a second per test).  Children first.
_EMPTY_PG = "".join(f'DELETE FROM "{table.name}";' for table in reversed(Base.metadata.sorted_tables)) + """
DO $$
DECLARE seq text;
BEGIN
  FOR seq IN SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename) FROM pg_sequences
             WHERE schemaname = current_schema() AND last_value IS NOT NULL LOOP
    EXECUTE 'ALTER SEQUENCE ' || seq || ' RESTART';
  END LOOP;
END $$;"""


@pytest.fixture(scope="session")
def pg_cleaner(pg_database_url):
    """Empties every table and restarts its id sequence: one round trip on a connection kept for the session."""
    import psycopg

    conninfo = make_url(pg_database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        def clean() -> None:
            with conn.transaction():
                conn.execute(_EMPTY_PG)
        yield clean


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path, sqlite_template) -> str:
    """URL of an empty, migrated database on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "salesnb.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    request.getfixturevalue("pg_cleaner")()
    return request.getfixturevalue("pg_database_url")


@pytest.fixture
def engine(db_url):
    """An engine on an empty, migrated database (each backend)."""
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def fresh_statistics(engine):
    """PostgreSQL's statistics of the empty tables, for tests of when a bulk write refreshes them: the cleaner
    DELETEs rows, which leaves an earlier test's statistics (salesnb.db.refresh_statistics compares with them).
    VACUUM as well: statistics of no rows on the pages a DELETE left make the planner expect no rows at all
    in the later tests of this worker, however many they write (every join a nested loop)."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    return engine


@pytest.fixture
def sqlite_engine(tmp_path, sqlite_template):
    """SQLite only, for tests about SQLite specifics."""
    path = tmp_path / "salesnb.db"
    shutil.copy(sqlite_template, path)
    eng = make_engine(f"sqlite:///{path}")
    yield eng
    eng.dispose()


@pytest.fixture
def english():
    """Messages in English for this test (the product's default is zh-CN)."""
    from salesnb.i18n import get_language, set_language

    previous = get_language()
    set_language("en")
    yield
    set_language(previous)
