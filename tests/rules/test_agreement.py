"""Property: the predicate, the pandas mask and the SQL expression of any rule select the same rows."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import delete, insert, select

from salesnb.models import Base
from salesnb.rules import to_mask, to_predicate, to_sql
from salesnb.timeutil import to_local

from .strategies import AS_OF, records, rules

SETTINGS = settings(max_examples=60, deadline=None, derandomize=False,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
CASES = {
    # outer table, related (table, related column, outer column), columns left out of generated rows
    "contracts": (("orders", "contract_id", "contract_id"), ("extra", "frozen_reason")),
    "leads": (("quotes", "lead_id", "lead_id"), ("extra",)),
}


def _agree(engine, table, related, rows, rel_rows, rule):
    as_of = to_local(AS_OF)
    tbl, rel_tbl = Base.metadata.tables[table], Base.metadata.tables[related[0]]
    pk = tbl.primary_key.columns.values()[0]
    with engine.begin() as conn:
        conn.execute(delete(tbl))
        conn.execute(delete(rel_tbl))
        if rows:
            conn.execute(insert(tbl), rows)
        if rel_rows:
            conn.execute(insert(rel_tbl), rel_rows)
        in_sql = set(conn.scalars(select(pk).where(to_sql(rule, table, as_of))))
        stored = pd.read_sql(select(tbl), conn)
        stored_rel = pd.read_sql(select(rel_tbl), conn)
    predicate = to_predicate(rule, table, as_of, related={related[0]: rel_rows})
    in_python = {r[pk.name] for r in rows if predicate(r)}
    frame = pd.DataFrame(rows, columns=[c for c in stored.columns if c not in ("extra", "frozen_reason")])
    rel_frame = pd.DataFrame(rel_rows, columns=stored_rel.columns.drop("extra"))
    mask = to_mask(rule, frame, table, as_of, related={related[0]: rel_frame})
    in_frame = set(frame.loc[mask, pk.name])
    stored_mask = to_mask(rule, stored, table, as_of, related={related[0]: stored_rel})
    in_stored = set(stored.loc[stored_mask, pk.name])
    assert in_python == in_sql == in_frame == in_stored, (rule, in_python, in_sql, in_frame, in_stored)


@pytest.mark.parametrize("table", sorted(CASES))
def test_rules_agree(engine, table):
    related, skip = CASES[table]
    rel_table, _, link = related
    pool = 5  # related rows point at one of the first outer keys, or at nothing

    @SETTINGS
    @given(rows=records(table, skip), rel_rows=records(rel_table, ("extra",), ids="R"), rule=rules(table, related))
    def check(rows, rel_rows, rule):
        for i, r in enumerate(rel_rows):
            r[link] = f"K{i % pool}" if r[link] is not None else None
        _agree(engine, table, related, rows, rel_rows, rule)

    check()
