"""The fast write path: stage converted rows in a temp table, check them set-based, upsert in one statement.

Rows go into a temporary staging table through the raw driver — SQLite
``executemany``, PostgreSQL ``COPY`` — in exactly the storage form SQLAlchemy
uses (SQLite: naive-UTC ``YYYY-MM-DD HH:MM:SS.ffffff`` text, money as REAL,
booleans 0/1, JSON as text; PostgreSQL: timestamptz, numeric, boolean, json),
so the ORM reads them back unchanged.  Duplicate keys and dangling references
are found with joins on the staged rows (with their Excel row numbers), never
one query per row.  The upsert is a single
``INSERT … SELECT … ON CONFLICT (pk) DO UPDATE SET … WHERE <any column differs>``,
so re-importing unchanged data writes nothing.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np
import pandas as pd
from sqlalchemy import (
    JSON,
    Column,
    Connection,
    Integer,
    MetaData,
    Table,
    Text,
    and_,
    cast,
    exists,
    func,
    literal,
    null,
    or_,
    select,
    true,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from ..models import Base
from ..schema import TableSpec
from .writer import ChunkWriter, column_kinds

ROW = "_row"
_numbers = itertools.count(1)


class Staging:
    """A temporary table holding one source's converted rows plus their Excel row numbers."""

    def __init__(self, conn: Connection, spec: TableSpec, columns: list[str]):
        self.conn = conn
        self.spec = spec
        self.columns = columns
        self.target: Table = Base.metadata.tables[spec.name]
        self.kinds = column_kinds(spec)
        self.dialect = conn.dialect.name
        kw = {"postgresql_on_commit": "DROP"} if self.dialect == "postgresql" else {}
        self.table = Table(
            f"_imp_{next(_numbers)}_{spec.name}", MetaData(),
            Column(ROW, Integer), *[Column(c, self.target.c[c].type) for c in columns],
            prefixes=["TEMPORARY"], **kw,
        )
        if self.dialect == "sqlite":
            # untyped columns: values arrive in storage form, the target's affinity applies on the upsert
            cols = ", ".join(f'"{c}"' for c in columns)
            conn.exec_driver_sql(f'CREATE TEMPORARY TABLE "{self.table.name}" ("{ROW}" INTEGER, {cols})')
        else:
            self.table.create(conn)
        self.writer = ChunkWriter(conn, self.table.name, columns, self.kinds, leading=ROW)
        self.rows = 0
        self.indexed = False

    @property
    def key_columns(self) -> list[Column]:
        return [self.table.c[k] for k in self.spec.primary_key]

    # ------------------------------------------------------------ loading

    def load(self, typed: pd.DataFrame, rows: np.ndarray) -> None:
        """Append a converted chunk (columns ⊆ ``self.columns``) with its row numbers."""
        self.writer.write(typed, len(rows), leading=rows)
        self.rows += len(rows)

    def loaded(self) -> None:
        """Every chunk is in: finish writing (before any query on the staged rows)."""
        self.writer.close()

    def index_keys(self) -> None:
        """Index the key columns, so other sources can look rows up here."""
        if not self.indexed:
            cols = ", ".join(f'"{k}"' for k in self.spec.primary_key)
            self.conn.exec_driver_sql(f'CREATE INDEX "ix{self.table.name}" ON "{self.table.name}" ({cols})')
            self.indexed = True

    # ------------------------------------------------------------ set-based checks

    def duplicates(self) -> Iterator[tuple[int, tuple, int]]:
        """(row, key, first row) for every row whose key an earlier row already had."""
        keys = self.key_columns
        first = (
            select(*keys, func.min(self.table.c[ROW]).label("first"))
            .where(*[k.is_not(None) for k in keys])
            .group_by(*keys).having(func.count() > 1).subquery()
        )
        query = (
            select(self.table.c[ROW], *keys, first.c.first)
            .join(first, and_(*[k == first.c[k.name] for k in keys]))
            .where(self.table.c[ROW] > first.c.first)
            .order_by(self.table.c[ROW])
        )
        for row in self.conn.execute(query):
            yield row[0], tuple(row[1:-1]), row[-1]

    def dangling(self, column: str, ref: str, also: list[Staging]) -> Iterator[tuple[int, str]]:
        """(row, value) for values of ``column`` found neither in the referenced table nor in ``also``."""
        target_name, target_col = ref.split(".")
        target = Base.metadata.tables[target_name]
        value = self.table.c[column]
        conditions = [value.is_not(None), ~exists().where(target.c[target_col] == value)]
        for other in also:
            alias = other.table.alias()
            conditions.append(~exists().where(alias.c[target_col] == value))
        query = select(self.table.c[ROW], value).where(*conditions).order_by(self.table.c[ROW])
        for row in self.conn.execute(query):
            yield row[0], row[1]

    # ------------------------------------------------------------ upsert

    def upsert(self) -> tuple[int, int, int]:
        """Insert new keys, update changed rows, leave identical rows alone: (inserted, updated, unchanged)."""
        target = self.target
        keys = list(self.spec.primary_key)
        matched = self.conn.scalar(
            select(func.count()).select_from(self.table).join(
                target, and_(*[target.c[k] == self.table.c[k] for k in keys]))
        )
        defaults = insert_defaults(target, set(self.columns))
        names = [*self.columns, *defaults]
        source = select(
            *[self.table.c[c] for c in self.columns],
            *[literal(value, type_=target.c[name].type) for name, value in defaults.items()],
        ).where(true())
        dialect_insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        stmt = dialect_insert(target).from_select(names, source)
        update = [c for c in self.columns if c not in keys]
        # when no staged key is in the table yet, a plain INSERT … SELECT: nothing to compare
        if matched and update:
            excluded = stmt.excluded
            changed = or_(*[_comparable(target.c[c]).is_distinct_from(_comparable(excluded[c])) for c in update])
            reset = {c.name: null() for c in target.columns if c.info.get("reset_on_change")}
            stmt = stmt.on_conflict_do_update(index_elements=keys, set_={**{c: excluded[c] for c in update}, **reset},
                                              where=changed)
        elif matched:
            stmt = stmt.on_conflict_do_nothing(index_elements=keys)
        affected = self.conn.execute(stmt, execution_options={"preserve_rowcount": True}).rowcount
        inserted = self.rows - matched
        updated = affected - inserted
        return inserted, updated, self.rows - affected

    def drop(self) -> None:
        """Drop the staging table (a failed PostgreSQL transaction drops it on rollback anyway)."""
        try:
            self.writer.close()
            self.conn.exec_driver_sql(f'DROP TABLE IF EXISTS "{self.table.name}"')
        except DBAPIError:
            if self.dialect != "postgresql":
                raise


def _comparable(col):
    # PostgreSQL has no equality operator for json; compare the text
    return cast(col, Text) if isinstance(col.type, JSON) else col


def insert_defaults(target: Table, present: set[str]) -> dict[str, object]:
    """Scalar Python-side defaults of columns the source does not provide (used on insert only)."""
    out: dict[str, object] = {}
    for col in target.columns:
        if col.name in present or col.default is None:
            continue
        arg = getattr(col.default, "arg", None)
        if arg is not None and not callable(arg):
            out[col.name] = arg
    return out


def reference_columns(spec: TableSpec, columns: list[str]) -> list[tuple[str, str]]:
    """(column, "table.column") for the source's columns that reference another table."""
    return [(c.name, c.ref) for c in spec.columns if c.ref and c.name in columns]
