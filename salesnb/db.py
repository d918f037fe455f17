"""Engines and sessions: SQLite (WAL) by default, any SQLAlchemy URL via ``SALESNB_DB_URL``."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import (ARRAY, Boolean, Connection, Engine, Select, Table, bindparam, create_engine, event,
                        insert, inspect, text)
from sqlalchemy.engine import make_url
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.expression import ClauseElement, ColumnElement, Executable

from .config import load_settings

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
MIGRATION_LOCK_KEY = 0x73616C65736E6201  # PostgreSQL advisory lock held while migrating ("salesnb" + 1)


def normalise_url(url: str) -> str:
    """Use psycopg 3 for ``postgresql://`` URLs."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def make_engine(url: str | None = None, **kw) -> Engine:
    """Create an engine for ``url`` (default: settings), with SQLite tuned for concurrent use."""
    url = normalise_url(url or load_settings().db_url)
    if url.startswith("sqlite"):
        parsed = make_url(url)
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **kw)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kw.setdefault("pool_pre_ping", True)
    # No statements prepared by psycopg (it prepares one after 5 runs): PostgreSQL may then plan it once for any
    # values, and a plan made for a 10-value array filtered every row against 10,000 (grading's promotions).
    kw["connect_args"] = {"prepare_threshold": None, **kw.get("connect_args", {})}
    return create_engine(url, **kw)


@lru_cache(maxsize=16)
def get_engine(url: str | None = None) -> Engine:
    """A cached engine per URL (``None`` means the configured database)."""
    return make_engine(url)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error."""
    with session_factory(engine or get_engine())() as session:
        with session.begin():
            yield session


def serialise(session: Session | Connection, name: str) -> None:
    """Hold the lock ``name`` until the caller's transaction ends: a read-then-write (the next version of a
    rule, a seed row) then sees what a concurrent writer committed before it.

    PostgreSQL: a transaction-level advisory lock on ``name``.  SQLite has one writer at a time: the
    transaction takes the database's write lock now (``BEGIN IMMEDIATE``) instead of at its first write.
    """
    conn = session.connection() if isinstance(session, Session) else session
    if conn.dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(f"salesnb:{name}".encode()).digest()[:8], "big", signed=True)
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
    elif conn.dialect.name == "sqlite" and not conn.connection.dbapi_connection.in_transaction:
        # pysqlite opens its transaction at the first write; until then every read stood alone
        conn.exec_driver_sql("BEGIN IMMEDIATE")


# Rows a step writes to a table after which PostgreSQL re-reads the table's statistics: autovacuum gets to a table
# that grew from nothing to a million rows only later, and until then the next run's queries plan for the old size
# (a sequential scan of the escalation log for each batch of tasks, of the bank matches for each batch of payers).
ANALYZE_AFTER = 5_000
# ... and only when they are this share of the rows the statistics know of: a next day's 40,000 findings do not
# change the plans for 3 million, and analysing them cost 0.2-0.7 s a table (autovacuum's own rule is 10 %)
ANALYZE_SHARE = 0.1


def refresh_statistics(session: Session | Connection, written: int, *tables: str) -> None:
    """After a step wrote ``written`` rows to ``tables``: from :data:`ANALYZE_AFTER` rows on, PostgreSQL analyses
    those of them whose statistics know of fewer than ``written`` / :data:`ANALYZE_SHARE` rows (in the step's
    transaction, which sees its own rows).  SQLite's planner needs no statistics here."""
    conn = session.connection() if isinstance(session, Session) else session
    if conn.dialect.name != "postgresql" or written < ANALYZE_AFTER:
        return
    known = dict(conn.execute(text("SELECT relname, reltuples FROM pg_class "
                                   "WHERE oid = ANY(CAST(:names AS regclass[]))"), {"names": list(tables)}).all())
    stale = [name for name in tables if written > ANALYZE_SHARE * max(known.get(name, 0), 0)]
    if stale:
        conn.exec_driver_sql("ANALYZE " + ", ".join(stale))


def _set_local(session: Session | Connection, settings: dict[str, str]) -> None:
    """PostgreSQL: ``SET LOCAL`` each of ``settings`` for the rest of the transaction.  Nothing on SQLite."""
    conn = session.connection() if isinstance(session, Session) else session
    if conn.dialect.name != "postgresql":
        return
    for name, value in settings.items():
        conn.execute(text(f"SET LOCAL {name} = {value}"))


def plan_for_bulk(session: Session | Connection, *, whole_cursor: bool = False) -> None:
    """PostgreSQL, for the rest of the transaction: no JIT (compiling a step's few big statements cost more than
    it saved); with ``whole_cursor``, cursors planned for all their rows, which the caller reads (a cursor is
    otherwise planned for its first tenth: nested loops).  Nothing on SQLite."""
    _set_local(session, {"cursor_tuple_fraction": "1.0", "jit": "off"} if whole_cursor else {"jit": "off"})


def plan_beside(session: Session | Connection) -> None:
    """PostgreSQL, for the rest of the transaction: no parallel workers and no JIT, for reads that run beside
    another step (the daily run's KPI counts, in a thread): on a small server their workers would take the
    cores the step is using, and it waits for nothing they compute.  Nothing on SQLite."""
    _set_local(session, {"max_parallel_workers_per_gather": "0", "jit": "off"})


def plan_for_counts(session: Session | Connection) -> None:
    """PostgreSQL, for the rest of the transaction: no sorts where a hash does (the KPI counts: whole tables
    grouped into few groups, 1.3 M contracts into 84,000 owner-region-days).  The planner cannot tell how few
    groups a local day makes, expects one a row, and sorted every row instead of hashing them (the contracts:
    an index scan in owner order and a sort, 3.8 s; hashed, 1.2 s).  Nothing on SQLite."""
    _set_local(session, {"enable_sort": "off", "enable_incremental_sort": "off"})


class among(ColumnElement[bool]):  # noqa: N801 - used like a function: among(column, values)
    """``column IN (values)``, on PostgreSQL ``column = ANY(:values)``: one array parameter however many values.
    psycopg parses a statement's text in Python to find its parameters, and an ``IN`` list of 2,000 makes every
    statement a new text (an escalation batch's recipients: 0.1 s of parsing each, 2.5 s of a next day)."""

    inherit_cache = False
    type = Boolean()
    _is_implicitly_boolean = True  # a condition as it is, not "(…) = 1" on SQLite

    def __init__(self, column, values: Iterable):
        self.column, self.values = column, list(values)


@compiles(among)
def _among(element: among, compiler, **kw) -> str:
    return compiler.process(element.column.in_(element.values), **kw)


@compiles(among, "postgresql")
def _among_postgresql(element: among, compiler, **kw) -> str:
    values = bindparam(None, element.values, type_=ARRAY(element.column.type))
    return f"{compiler.process(element.column, **kw)} = ANY({compiler.process(values, **kw)})"


class CreateTempTableAs(Executable, ClauseElement):
    """``CREATE TEMPORARY TABLE name AS query``: unlike ``INSERT … SELECT``, PostgreSQL may run the query with
    parallel workers, and no index is kept up to date row by row (build one afterwards)."""

    inherit_cache = False

    def __init__(self, name: str, query: Select):
        self.name, self.query = name, query


@compiles(CreateTempTableAs)
def _create_temp_table_as(element: CreateTempTableAs, compiler, **kw) -> str:
    return f"CREATE TEMPORARY TABLE {compiler.preparer.quote(element.name)} AS {compiler.process(element.query, **kw)}"


INSERT_BATCH = 10_000  # rows per executemany of insert_columns on SQLite


def insert_columns(conn: Connection, table: Table, **columns: list) -> None:
    """Insert rows given as one list per column into a (temporary) table.

    On PostgreSQL one ``COPY`` (psycopg writes the rows in C: 136,006 rows of seven columns in 0.14 s, an
    ``INSERT … SELECT`` of unnested arrays took 0.8 s, row by row a million keys took 50 s), then the table is
    analysed (temporary tables never are automatically).  On SQLite one executemany of the rows as tuples
    when no column's type converts its values and no column left out has a default SQLAlchemy computes
    (SQLAlchemy building a parameter dict a row cost 0.4 s of the breaker's 136,006 verdicts), else an
    executemany per :data:`INSERT_BATCH` rows through SQLAlchemy."""
    names = ", ".join(conn.dialect.identifier_preparer.quote(name) for name in columns)
    if conn.dialect.name == "postgresql":
        with conn.connection.driver_connection.cursor() as cursor, \
                cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in zip(*columns.values()):
                copy.write_row(row)
        conn.exec_driver_sql(f"ANALYZE {table.name}")
        return
    converts = any(table.c[name].type.dialect_impl(conn.dialect).bind_processor(conn.dialect) for name in columns)
    # a column left out whose default or onupdate SQLAlchemy computes needs SQLAlchemy's INSERT too
    defaulted = any(c.default is not None or c.onupdate is not None for c in table.columns if c.name not in columns)
    if not converts and not defaulted:
        rows = list(zip(*columns.values()))
        if rows:  # an empty list would run the statement once, without parameters
            marks = ", ".join("?" * len(columns))
            conn.exec_driver_sql(f"INSERT INTO {conn.dialect.identifier_preparer.format_table(table)} ({names}) "
                                 f"VALUES ({marks})", rows)
        return
    rows = [dict(zip(columns, values)) for values in zip(*columns.values())]
    for start in range(0, len(rows), INSERT_BATCH):
        conn.execute(insert(table), rows[start:start + INSERT_BATCH])


def alembic_config(engine: Engine):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


# The newest migration in salesnb/migrations/versions (a test checks it is Alembic's head): a command on an
# up-to-date store sees that with one query, without importing Alembic (cron pays every command's start).
HEAD_REVISION = "0028"


def upgrade(engine: Engine | None = None, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` with Alembic.

    Safe when several processes start at once on a fresh database: the
    migration runs under a lock (an advisory lock on PostgreSQL, the write
    lock on SQLite) and the others then find the schema up to date.  An
    up-to-date schema is recognised with one query, without the lock or Alembic.
    """
    engine = engine or get_engine()
    if revision == "head" and current_revision(engine) == HEAD_REVISION:
        return
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def current_revision(engine: Engine | None = None) -> str | None:
    """The revision recorded in ``alembic_version`` (None on an empty database); one query, no Alembic."""
    with (engine or get_engine()).connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
