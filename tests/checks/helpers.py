"""Hand-made data for the check tests: rows with sensible defaults, written in one transaction."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from salesnb.db import session_scope
from salesnb.models import (
    Contract, Customer, Invoice, Lane, Lead, Order, PaymentClaim, ProductionSlot, Quote, Shipment, Task, User,
)
from salesnb.timeutil import to_local

AS_OF = to_local(datetime(2026, 3, 10, 9, 0))  # a Tuesday, local time
H = timedelta(hours=1)
D = timedelta(days=1)
US = timedelta(microseconds=1)

DEFAULTS: dict[type, dict[str, Any]] = {
    User: {"name": "rep", "role": "sales", "region": "华东"},
    Customer: {"name": "客户"},
    Lead: {"customer_id": "C1", "owner_id": "U1", "created_at": AS_OF - D, "budget_provided": True,
           "delivery_date_specified": True, "purchase_freq_per_month": 1},  # a complete card: no scorecard_incomplete
    Quote: {"customer_id": "C1", "owner_id": "U1", "amount": Decimal("100.00"), "status": "quoted"},
    Contract: {"customer_id": "C1", "owner_id": "U1", "amount": Decimal("100.00"), "status": "approved"},
    Order: {"created_at": AS_OF - 5 * D, "status": "open"},
    Shipment: {},
    Invoice: {"amount": Decimal("100.00"), "status": "issued"},
    PaymentClaim: {"owner_id": "U1", "amount": Decimal("100.00"), "status": "finance_review"},
    Task: {"entity_type": "lead", "entity_id": "L1", "owner_id": "U1"},
    ProductionSlot: {},
    Lane: {"carrier": "顺丰"},
}


def add(engine, model: type, *rows: dict[str, Any]) -> None:
    """Insert ``rows`` of ``model`` (each a dict of columns, over the defaults) in one transaction."""
    with session_scope(engine) as s:
        for row in rows:
            s.add(model(**{**DEFAULTS.get(model, {}), **row}))


def base_people(engine) -> None:
    add(engine, User, {"user_id": "M1", "name": "经理", "role": "sales_manager", "region": "华东"},
        {"user_id": "U1", "manager_id": "M1"}, {"user_id": "U2", "region": "华南", "manager_id": "M1"})
    add(engine, Customer, {"customer_id": "C1"})
