"""Shared setup for the contract tests: a rep, their manager, a customer, slots and lanes."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from salesnb.db import session_scope
from salesnb.models import Contract, Customer, Lane, ProductionSlot, User
from salesnb.timeutil import local_tz

SUBMIT_AT = datetime(2026, 3, 2, 10, 0, tzinfo=local_tz())  # a Monday
DAY0 = SUBMIT_AT.date()


def seed(engine, *, contracts: dict[str, dict] | None = None) -> None:
    """Users U1 (rep) → M1 (manager), customer C1, slots for line P on day 5 (cap 10) and 12 (cap 100),
    lane 顺丰 → 华东 in 3 days and 德邦 → 华东 in 5 days; contracts as given (defaults: K1 needing 8 days)."""
    contracts = contracts or {"K1": {}}
    with session_scope(engine) as s:
        s.add_all([
            User(user_id="M1", name="王经理", role="sales_manager"),
            User(user_id="U1", name="李销售", role="sales", manager_id="M1"),
            User(user_id="U2", name="赵销售", role="sales", manager_id="M1"),
            Customer(customer_id="C1", name="上海某某贸易有限公司", owner_id="U1"),
            ProductionSlot(product_line="P", date=DAY0 + timedelta(days=5), free_capacity=10),
            ProductionSlot(product_line="P", date=DAY0 + timedelta(days=12), free_capacity=100),
            ProductionSlot(product_line="P", date=DAY0 - timedelta(days=1), free_capacity=1000),
            Lane(carrier="德邦", dest_region="华东", transit_days=5),
            Lane(carrier="顺丰", dest_region="华东", transit_days=3),
        ])
        for cid, terms in contracts.items():
            values = dict(customer_id="C1", owner_id="U1", amount=100000, product_line="P", quantity=10,
                          dest_region="华东", promised_delivery_days=8, payment_terms_days=30)
            values.update(terms)
            s.add(Contract(contract_id=cid, **values))


def day(n: int) -> date:
    return DAY0 + timedelta(days=n)
