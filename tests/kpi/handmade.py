"""A small hand-made data set whose KPI values the tests work out by hand.

``AS_OF`` is Wednesday 2026-03-11 12:00 Asia/Shanghai, in ISO week 2026-W11
(Mon 03-09 … Sun 03-15); the week before is 2026-W10 (03-02 … 03-08).
Reps: r1 张三 (East), r2 李四 (East), r3 王五 (North); m1 is their manager.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from salesnb.db import session_scope
from salesnb.models import (
    Contract, ContractSubmission, Customer, Finding, Lead, Order, Quote, Shipment, User,
)

TZ = ZoneInfo("Asia/Shanghai")
AS_OF = datetime(2026, 3, 11, 12, 0, tzinfo=TZ)


def ts(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


def add_users(session) -> None:
    session.add_all([
        User(user_id="m1", name="赵经理", role="sales_manager", region="East"),
        User(user_id="r1", name="张三", role="sales", manager_id="m1", region="East"),
        User(user_id="r2", name="李四", role="sales", manager_id="m1", region="East"),
        User(user_id="r3", name="王五", role="sales", manager_id="m1", region="North"),
        Customer(customer_id="c1", name="客户一"),
    ])


def lead(lead_id, owner, created, responded=None, card=(None, None, None), *, region=None,
         status="open", converted_at=None, grade=None) -> Lead:
    budget, dated, freq = card
    return Lead(lead_id=lead_id, customer_id="c1", owner_id=owner, region=region, created_at=created,
                first_response_at=responded, budget_provided=budget, delivery_date_specified=dated,
                purchase_freq_per_month=freq, status=status, converted_at=converted_at, grade=grade)


def add_leads(session) -> None:
    session.add_all([
        # week 2026-W10
        lead("L1", "r1", ts(3, 2), ts(3, 2, 10), (True, True, 3), status="converted", converted_at=ts(3, 8)),
        lead("L2", "r1", ts(3, 3), ts(3, 3, 13), (True, True, 2), grade="B"),  # exactly 4 h; stored grade wins
        lead("L3", "r2", ts(3, 4), ts(3, 4, 13, 1), (True, False, 1), grade="A"),  # 4 h 1 min
        lead("L4", "r3", ts(3, 5)),  # never answered, empty card
        lead("L5", "r3", ts(3, 6), ts(3, 6, 9, 30), (False, False, 0), region="South"),
        # week 2026-W11
        lead("L6", "r1", ts(3, 9, 10), ts(3, 9, 11), (True, True, 5), status="converted", converted_at=ts(3, 10)),
        lead("L6b", "r3", ts(3, 9, 0, 30), ts(3, 9, 1), (True, None, 2)),  # Monday 00:30 local = Sunday in UTC
        lead("L7", "r2", ts(3, 11, 9), ts(3, 11, 10), (True, True, 2), status="converted",
             converted_at=ts(3, 12)),  # 3 h old at as_of; converted after as_of
        lead("L8", "r2", ts(3, 10), ts(3, 12), (False, True, None)),  # answered after as_of
        lead("L9", "r1", ts(3, 12), ts(3, 12, 10), (True, True, 3)),  # created after as_of
    ])


def add_pipeline(session) -> None:
    session.add_all([
        Quote(quote_id="Q1", customer_id="c1", owner_id="r1", amount=Decimal("100"), status="accepted",
              accepted_at=ts(3, 2, 10)),
        Quote(quote_id="Q2", customer_id="c1", owner_id="r2", amount=Decimal("100"), status="accepted",
              accepted_at=ts(3, 5)),
        Quote(quote_id="Q3", customer_id="c1", owner_id="r1", amount=Decimal("100"), status="accepted",
              accepted_at=ts(3, 10, 10)),  # 26 h before as_of: still in its grace period
        Quote(quote_id="Q4", customer_id="c1", owner_id="r2", amount=Decimal("100"), status="quoted"),
        Contract(contract_id="C1", customer_id="c1", owner_id="r1", amount=Decimal("100"), submitted_at=ts(3, 3)),
        Contract(contract_id="C2", customer_id="c1", owner_id="r2", amount=Decimal("100"), submitted_at=ts(3, 4)),
        Contract(contract_id="C3", customer_id="c1", owner_id="r1", amount=Decimal("100"), submitted_at=ts(3, 10)),
        Contract(contract_id="C4", customer_id="c1", owner_id="r2", amount=Decimal("100"), submitted_at=ts(3, 12)),
        ContractSubmission(contract_id="C1", owner_id="r1", submitted_at=ts(3, 3), feasible=True, details={}),
        ContractSubmission(contract_id="C3", owner_id="r1", submitted_at=ts(3, 10), feasible=False, details={}),
        Order(order_id="O1", quote_id="Q1", created_at=ts(3, 3), status="delivered", shipped_at=ts(3, 4)),
        Order(order_id="O2", contract_id="C2", created_at=ts(3, 4), status="shipped", shipped_at=ts(3, 5)),
        Order(order_id="O3", quote_id="Q1", created_at=ts(3, 10), status="shipped", shipped_at=ts(3, 11, 0)),
        Order(order_id="O4", contract_id="C1", created_at=ts(3, 10), status="open"),
        Shipment(shipment_id="S1", order_id="O1", tracking_no="SF1"),
        Shipment(shipment_id="S2", order_id="O2", tracking_no="  "),
    ])


def finding(fid, owner, first_seen, resolved=None, region=None, check="quote_not_ordered") -> Finding:
    return Finding(id=fid, check_name=check, entity_type="quote", entity_id=f"E{fid}", owner_id=owner,
                   region=region, first_seen=first_seen, last_seen=resolved or first_seen, resolved_at=resolved)


def add_findings(session) -> None:
    session.add_all([
        finding(1, "r1", ts(3, 2, 10), ts(3, 4), region="East"),
        finding(2, "r2", ts(3, 3), ts(3, 10)),
        finding(3, "r3", ts(3, 5)),
        finding(4, "r1", ts(3, 9), ts(3, 11, 10)),
        finding(5, "r2", ts(3, 10), ts(3, 12)),  # resolved after as_of: still open
        finding(6, "r3", ts(2, 25), ts(3, 2)),
        finding(7, "r1", ts(3, 12)),  # after as_of
    ])


def build(engine) -> None:
    """Write the whole hand-made data set."""
    with session_scope(engine) as session:
        add_users(session)
        session.flush()
        add_leads(session)
        add_pipeline(session)
        add_findings(session)
