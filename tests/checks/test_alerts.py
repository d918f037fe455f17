"""New findings reach their owners: one digest per owner per run, in the run's transaction."""

from datetime import datetime, timedelta

from sqlalchemy import select

from salesnb.checks import run_checks
from salesnb.db import session_scope
from salesnb.models import Lead, OutboxMessage, Quote, User

AS_OF = datetime(2026, 11, 20, 18, 0)


def _seed(engine):
    with session_scope(engine) as s:
        s.add_all([
            User(user_id="M1", name="王经理", role="sales_manager"),
            User(user_id="S1", name="张三", role="sales", manager_id="M1"),
            User(user_id="S2", name="李四<b>", role="sales", manager_id="M1"),
            User(user_id="O1", name="运营", role="ops"),
        ])
        for i in range(7):  # 7 leads of S1 with no first response after 5 h
            s.add(Lead(lead_id=f"L{i}", customer_id="C1", owner_id="S1", created_at=AS_OF - timedelta(hours=5)))
        s.add(Lead(lead_id="L-ok", customer_id="C1", owner_id="S2", created_at=AS_OF - timedelta(hours=5),
                   first_response_at=AS_OF - timedelta(hours=4)))
        # an accepted quote of S2 with no order after 3 days: critical → the manager is cc'ed
        s.add(Quote(quote_id="Q1", customer_id="C1", owner_id="S2", amount=100, status="accepted",
                    accepted_at=AS_OF - timedelta(days=3)))


def _outbox(engine):
    with session_scope(engine) as s:
        return {m.entity_id: (m.recipients, m.cc, m.subject, m.body)
                for m in s.scalars(select(OutboxMessage).where(OutboxMessage.event_type == "checks.new_findings"))}


def test_one_digest_per_owner_with_counts_examples_and_cc(engine):
    _seed(engine)
    report = run_checks(engine, AS_OF, only=["lead_response_overdue", "quote_not_ordered"], language="zh-CN")
    assert report.alerts == 2
    sent = _outbox(engine)
    assert set(sent) == {"S1", "S2"}
    recipients, cc, subject, body = sent["S1"]
    assert recipients == ["S1"] and cc == []  # warnings only: no cc
    assert "7" in subject and "张三" in subject
    assert body.count("[提醒]") == 7 and "my_work.ipynb" in body  # every item listed (fewer than the cap), then the link
    recipients, cc, subject, body = sent["S2"]
    assert recipients == ["S2"] and cc == ["M1"]  # a critical finding copies the manager


def test_rerun_adds_no_alert_and_new_findings_alert_again(engine):
    _seed(engine)
    run_checks(engine, AS_OF, only=["lead_response_overdue"])
    again = run_checks(engine, AS_OF + timedelta(minutes=10), only=["lead_response_overdue"])
    assert again.alerts == 0
    with session_scope(engine) as s:
        s.add(Lead(lead_id="L-new", customer_id="C1", owner_id="S1", created_at=AS_OF))
    later = run_checks(engine, AS_OF + timedelta(hours=5), only=["lead_response_overdue"])
    assert later.alerts == 1
    with session_scope(engine) as s:
        rows = s.scalars(select(OutboxMessage).where(OutboxMessage.event_type == "checks.new_findings")).all()
    assert [r.entity_id for r in rows] == ["S1", "S1"]
    assert "L-new" in rows[-1].body and "L0 " not in rows[-1].body


def test_alerts_can_be_turned_off(engine):
    _seed(engine)
    report = run_checks(engine, AS_OF, only=["lead_response_overdue"], alerts=False)
    assert report.alerts == 0 and _outbox(engine) == {}


def test_items_are_ranked_critical_then_oldest_then_largest(engine):
    _seed(engine)
    with session_scope(engine) as s:
        for i, (days, amount) in enumerate([(3, 500), (3, 900), (6, 100)]):
            s.add(Quote(quote_id=f"QS{i}", customer_id="C1", owner_id="S1", amount=amount, status="accepted",
                        accepted_at=AS_OF - timedelta(days=days)))
    run_checks(engine, AS_OF, only=["lead_response_overdue", "quote_not_ordered"])
    with session_scope(engine) as s:
        [row] = s.scalars(select(OutboxMessage).where(OutboxMessage.entity_id == "S1")).all()
    items = row.payload["items"]
    assert [i["id"] for i in items[:3]] == ["QS2", "QS1", "QS0"]  # critical: oldest first, then the larger amount
    assert [i["severity"] for i in items] == ["critical"] * 3 + ["warning"] * 7
    assert items[1]["amount"] == 900.0 and row.payload["total"] == 10
    assert row.cc == ["M1"] and row.body.index("QS2") < row.body.index("L0 ")
