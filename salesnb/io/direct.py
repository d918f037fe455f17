"""Loading a source straight into an empty table: no staging table, no upsert, indexes built once.

When the table a source belongs to is empty (and nothing is wrong so far in
the import), every row is new, so there is nothing to compare and nothing to
update.  The rows then go straight into the table, through the same driver
path and in the same storage form as the staging tables, inside a
``SAVEPOINT``:

- a duplicate id inside the file is refused by the primary key;
- references are checked afterwards by an anti-join per reference column
  over the table's distinct values (every row in it is this source's);
- once more than ``defer_rows`` rows are loaded, the table's secondary
  (non-unique) indexes are dropped and built again at the end: one sort
  instead of millions of B-tree inserts.  DDL is transactional on SQLite and
  PostgreSQL, so a rollback brings them back.

Anything wrong → ``ROLLBACK TO SAVEPOINT`` (rows and indexes as they were)
and :class:`Fallback`: the caller imports the source again through staging
(:mod:`salesnb.io.bulk`), which names every problem with its row and column.
"""

from __future__ import annotations

import itertools

import pandas as pd
from sqlalchemy import Connection, Table, exists, select

from ..models import Base
from ..schema import TableSpec
from .bulk import insert_defaults, reference_columns
from .writer import ChunkWriter, column_kinds, storage_constant

_savepoints = itertools.count(1)


class Fallback(Exception):
    """The direct load met a problem: it was rolled back, the source must go through staging."""


def is_empty(conn: Connection, table: Table) -> bool:
    """True when ``table`` has no row (one probe of its first page)."""
    return conn.execute(select(1).select_from(table).limit(1)).first() is None


def secondary_indexes(conn: Connection, table: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the table's non-unique indexes, as the database itself holds them."""
    if conn.dialect.name == "sqlite":
        listed = conn.exec_driver_sql(f'PRAGMA main.index_list("{table}")').all()
        names = [row[1] for row in listed if row[2] == 0 and row[3] == "c"]  # not unique, made by CREATE INDEX
        if not names:
            return []
        found = dict(conn.exec_driver_sql(
            "SELECT name, sql FROM main.sqlite_master WHERE type = 'index' AND tbl_name = ?", (table,)).all())
        return [(name, found[name]) for name in names]
    return [tuple(row) for row in conn.exec_driver_sql(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = CAST(%(table)s AS regclass) AND NOT x.indisunique AND NOT x.indisprimary "
        "ORDER BY i.relname", {"table": f'"{table}"'}).all()]


class DirectLoad:
    """One source written straight into its empty table inside a savepoint.

    Use as ``begin()``, ``write()`` per chunk, then ``finish()``; on
    :class:`Fallback` (or any reading problem) call ``abort()``.
    """

    def __init__(self, conn: Connection, spec: TableSpec, columns: list[str], defer_rows: int):
        self.conn = conn
        self.spec = spec
        self.columns = columns
        self.target: Table = Base.metadata.tables[spec.name]
        self.defer_rows = defer_rows
        defaults = insert_defaults(self.target, set(columns))
        constants = {name: storage_constant(self.target.c[name], value, conn) for name, value in defaults.items()}
        self.writer = ChunkWriter(conn, spec.name, columns, column_kinds(spec), constants=constants)
        self.savepoint = f"salesnb_direct_{next(_savepoints)}"
        self.deferred: list[tuple[str, str]] | None = None  # indexes dropped for the load, rebuilt by finish()
        self.rows = 0

    def begin(self) -> None:
        if self.conn.dialect.name == "sqlite" and not self.conn.connection.driver_connection.in_transaction:
            # pysqlite opens its transaction only before DML; a SAVEPOINT outside one would commit on RELEASE
            self.conn.exec_driver_sql("BEGIN IMMEDIATE")
        self.conn.exec_driver_sql(f"SAVEPOINT {self.savepoint}")

    def write(self, typed: pd.DataFrame, n: int) -> None:
        """Insert one converted chunk; a key already in the table (a duplicate in the file) → :class:`Fallback`."""
        try:
            self.writer.write(typed, n)
        except self.conn.dialect.dbapi.IntegrityError as exc:
            raise Fallback(str(exc)) from None
        self.rows += n
        if self.deferred is None and self.rows >= self.defer_rows:
            self._end_writing()
            self.deferred = secondary_indexes(self.conn, self.spec.name)
            for name, _ in self.deferred:
                self.conn.exec_driver_sql(f'DROP INDEX "{name}"')

    def dangling(self) -> bool:
        """Whether any reference of the loaded rows names a row that does not exist.

        Run after the indexes are back: reference columns are indexed, so each
        distinct value is looked up once (300 owners rather than 500,000 rows).
        """
        for column, ref in reference_columns(self.spec, self.columns):
            table_name, key = ref.split(".")
            referenced = Base.metadata.tables[table_name]
            if referenced is self.target:
                referenced = referenced.alias()
            value = self.target.c[column]
            values = select(value.label("value")).where(value.is_not(None)).distinct().subquery()
            query = select(1).where(~exists().where(referenced.c[key] == values.c.value)).select_from(values).limit(1)
            if self.conn.execute(query).first() is not None:
                return True
        return False

    def _end_writing(self) -> None:
        try:
            self.writer.close()
        except self.conn.dialect.dbapi.IntegrityError as exc:
            raise Fallback(str(exc)) from None

    def finish(self) -> None:
        """Rebuild the deferred indexes, check references and release the savepoint (:class:`Fallback` if a reference dangles)."""
        self._end_writing()
        for _, ddl in self.deferred or ():
            self.conn.exec_driver_sql(ddl)
        if self.dangling():
            raise Fallback("dangling reference")
        self.conn.exec_driver_sql(f"RELEASE SAVEPOINT {self.savepoint}")

    def abort(self) -> None:
        """Undo everything since ``begin()``: rows, dropped indexes."""
        try:
            self.writer.close()
        except self.conn.dialect.dbapi.Error:
            pass  # the rows it refused are rolled back with the rest
        self.conn.exec_driver_sql(f"ROLLBACK TO SAVEPOINT {self.savepoint}")
        self.conn.exec_driver_sql(f"RELEASE SAVEPOINT {self.savepoint}")
