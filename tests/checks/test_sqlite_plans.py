"""How SQLite is asked to run the checks at scale: plans that read what the check needs, not whole tables."""

from __future__ import annotations

from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

from salesnb.checks import run_checks
from salesnb.checks.base import CheckContext
from salesnb.checks.builtin import invoice_overdue, lead_response_overdue
from salesnb.models import Lead

from .helpers import AS_OF, H, add, base_people


def plan_of(engine, query) -> str:
    sql = str(query.compile(engine, compile_kwargs={"literal_binds": True}))
    with engine.connect() as conn:
        return " | ".join(row[-1] for row in conn.execute(text("EXPLAIN QUERY PLAN " + sql)))


def hits_of(check, session):
    return select(func.count()).select_from(check.hits(CheckContext(AS_OF, check.params, "zh-CN", session)).subquery())


def test_unanswered_leads_are_read_from_their_own_index(sqlite_engine):
    with Session(sqlite_engine) as session:
        plan = plan_of(sqlite_engine, hits_of(lead_response_overdue, session))
    assert "leads USING INDEX ix_leads_unanswered" in plan, plan


def test_an_overdue_invoices_order_is_read_only_for_its_contract(sqlite_engine):
    with Session(sqlite_engine) as session:
        plan = plan_of(sqlite_engine, hits_of(invoice_overdue, session))
    # a look-up when the invoice has no contract of its own, not a join of every invoice's order
    assert "CORRELATED SCALAR SUBQUERY" in plan and "orders USING INDEX sqlite_autoindex_orders_1" in plan, plan
    assert "SEARCH orders USING INDEX sqlite_autoindex_orders_1 (order_id=?) LEFT-JOIN" not in plan, plan


def test_findings_no_longer_hit_are_found_against_the_hits_ids(sqlite_engine):
    base_people(sqlite_engine)
    add(sqlite_engine, Lead, {"lead_id": "L1", "created_at": AS_OF - 9 * H},
        {"lead_id": "L2", "created_at": AS_OF - 9 * H})
    run_checks(sqlite_engine, AS_OF, only=["lead_response_overdue"])
    statements = []
    event.listen(sqlite_engine, "before_cursor_execute",
                 lambda conn, cursor, statement, *args: statements.append(statement))
    report = run_checks(sqlite_engine, AS_OF, only=["lead_response_overdue"])
    assert report.checks["lead_response_overdue"].persisting == 2
    delta = next(s for s in statements if s.startswith("CREATE TEMPORARY TABLE salesnb_check_delta"))
    assert "findings.entity_id NOT IN (SELECT hit.entity_id" in " ".join(delta.split()), delta


def test_open_findings_are_counted_by_level_and_bucket_from_the_index_alone(sqlite_engine):
    from salesnb.models import Finding

    f = Finding.__table__
    for column in ("level", "bucket"):
        query = (select(f.c[column], func.count()).where(f.c.check_name == "sla_breach", f.c.resolved_at.is_(None))
                 .group_by(f.c[column]))
        assert "USING COVERING INDEX ix_findings_open" in plan_of(sqlite_engine, query), column
