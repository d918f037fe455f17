"""Evaluate one rule three ways (predicate, pandas mask, SQL) on the same rows and check they agree."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import delete, insert, select

from salesnb.models import Base
from salesnb.rules import to_mask, to_predicate, to_sql


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
                keys = set().union(*data)
                conn.execute(insert(Base.metadata.tables[name]), [dict.fromkeys(keys) | r for r in data])
        in_sql = set(conn.scalars(select(pk).where(to_sql(rule, table, as_of))))
        stored = pd.read_sql(select(tbl), conn)
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
