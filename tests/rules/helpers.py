"""Evaluate one rule three ways (predicate, pandas mask, SQL) on the same rows and check they agree."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import BigInteger, Column, MetaData, String, Table, delete, insert, select

from salesnb.models import Base
from salesnb.rules import to_mask, to_predicate, to_sql
from salesnb.rules.fields import computed_names, field_set

_SQL_TYPES = {"int": BigInteger, "str": lambda: String(200)}


def _computed_source(conn, table, pk, rows):
    """The table with its computed fields as columns, their values taken from ``rows`` (as the engine would)."""
    fs = field_set(table)
    names = computed_names(fs)
    tbl = Base.metadata.tables[table]
    if not names:
        return tbl
    values = Table(f"test_{table}_computed", MetaData(), Column(pk.name, String(200), primary_key=True),
                   *(Column(n, _SQL_TYPES[fs.get(n).kind]()) for n in names), prefixes=["TEMPORARY"])
    values.create(conn, checkfirst=True)
    conn.execute(delete(values))
    if rows:
        conn.execute(insert(values), [{pk.name: r[pk.name], **{n: r.get(n) for n in names}} for r in rows])
    computed = [select(values.c[n]).where(values.c[pk.name] == tbl.c[pk.name]).scalar_subquery().label(n)
                for n in names]
    return select(tbl, *computed).subquery(f"{table}_computed")


def evaluate_three(engine, table, rows, rule, as_of=None, related=None):
    """The primary keys ``rule`` selects; asserts the predicate, the masks and SQL agree.

    ``related`` maps a table name to its rows (for exists / not_exists).
    """
    related = related or {}
    tbl = Base.metadata.tables[table]
    pk = list(tbl.primary_key.columns)[0]
    with engine.begin() as conn:
        for name in [table, *related]:
            conn.execute(delete(Base.metadata.tables[name]))
        for name, data in [(table, rows), *related.items()]:
            if data:
                columns = Base.metadata.tables[name].c
                keys = {k for k in set().union(*data) if k in columns}
                conn.execute(insert(Base.metadata.tables[name]),
                             [dict.fromkeys(keys) | {k: v for k, v in r.items() if k in keys} for r in data])
        source = _computed_source(conn, table, pk, rows)
        in_sql = set(conn.scalars(select(source.c[pk.name]).where(to_sql(rule, table, as_of, source=source))))
        stored = pd.read_sql(select(source), conn)
        stored_related = {name: pd.read_sql(select(Base.metadata.tables[name]), conn) for name in related}
    predicate = to_predicate(rule, table, as_of, related=related)
    in_python = {r[pk.name] for r in rows if predicate(r)}
    frame = pd.DataFrame(rows, columns=[c for c in stored.columns if c != "extra" and c != "frozen_reason"])
    frames = {name: pd.DataFrame(data, columns=[c for c in stored_related[name].columns if c != "extra"])
              for name, data in related.items()}
    in_frame = set(frame.loc[to_mask(rule, frame, table, as_of, related=frames), pk.name])
    in_stored = set(stored.loc[to_mask(rule, stored, table, as_of, related=stored_related), pk.name])
    assert in_python == in_sql == in_frame == in_stored, (rule, in_python, in_sql, in_frame, in_stored)
    return in_sql
