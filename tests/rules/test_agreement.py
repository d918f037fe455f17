"""Property: the predicate, the pandas mask and the SQL expression of any rule select the same rows."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from salesnb.timeutil import to_local

from .helpers import evaluate_three
from .strategies import AS_OF, records, related_within, rules

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
CASES = {
    # outer table, related (table, related column, outer column), columns left out of generated rows
    "contracts": (("orders", "contract_id", "contract_id"), ("extra", "frozen_reason")),
    "leads": (("quotes", "lead_id", "lead_id"), ("extra",)),
}


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
        evaluate_three(engine, table, rows, rule, to_local(AS_OF), related={rel_table: rel_rows})

    check()


@pytest.mark.parametrize("table", sorted(CASES))
def test_related_rows_within_agree(engine, table):
    """"No related row within N hours of a field": every compiler counts the same related rows in time."""
    related, skip = CASES[table]
    rel_table, _, link = related

    @SETTINGS
    @given(rows=records(table, skip), rel_rows=records(rel_table, ("extra",), ids="R"),
           rule=related_within(table, related))
    def check(rows, rel_rows, rule):
        for i, r in enumerate(rel_rows):
            r[link] = f"K{i % 5}" if r[link] is not None else None
        evaluate_three(engine, table, rows, rule, to_local(AS_OF), related={rel_table: rel_rows})

    check()
