"""Leads for the scorecard app: find a lead by id or customer name, read one, number a new one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func, or_, select

from ..auth.visibility import Scope
from ..customer_search import ESCAPE, fold, index_customer_names, key_match, like_pattern, unindexed
from ..db import session_scope
from ..models import Customer, CustomerSearchKey, Lead


@dataclass(frozen=True)
class LeadHit:
    """One lead suggestion."""

    lead_id: str
    customer_id: str
    customer_name: str
    status: str
    grade: str | None


def search_leads(engine: Engine, text: str, limit: int = 20, *, scope: Scope | None = None) -> list[LeadHit]:
    """Leads whose id, or whose customer's name (pinyin too), contains ``text``; newest first (those in ``scope``).

    One query with a limit: the customer's name is matched on its search keys
    (:mod:`salesnb.customer_search`), the lead id with ``LIKE``.
    """
    query = fold(text or "")
    if not query:
        return []
    if unindexed(engine):
        index_customer_names(engine)
    customers = select(CustomerSearchKey.customer_id).where(key_match(query))
    stmt = (select(Lead.lead_id, Lead.customer_id, Customer.name, Lead.status, Lead.grade)
            .outerjoin(Customer, Customer.customer_id == Lead.customer_id)
            .where((scope or Scope(None)).clause(Lead.owner_id),
                   or_(func.lower(Lead.lead_id).like(like_pattern(query), escape=ESCAPE),
                       Lead.customer_id.in_(customers)))
            .order_by(Lead.created_at.desc(), Lead.lead_id).limit(limit))
    with session_scope(engine) as session:
        return [LeadHit(lead_id, customer_id, name or customer_id, status, grade)
                for lead_id, customer_id, name, status, grade in session.execute(stmt)]


def lead_snapshot(engine: Engine, lead_id: str, *, scope: Scope | None = None) -> dict[str, object]:
    """A lead's columns plus its non-column scorecard answers (``extra["scorecard"]``) and customer name.

    ``KeyError`` when there is no such lead (or none in ``scope``).
    """
    with session_scope(engine) as session:
        lead = session.scalar(select(Lead).where(Lead.lead_id == lead_id, (scope or Scope(None)).clause(Lead.owner_id)))
        if lead is None:
            raise KeyError(lead_id)
        data = {c.name: getattr(lead, c.name) for c in Lead.__table__.columns if c.name != "extra"}
        data.update((lead.extra or {}).get("scorecard") or {})
        customer = session.get(Customer, lead.customer_id)
        data["customer_name"] = customer.name if customer else lead.customer_id
    return data


def next_lead_id(engine: Engine, at: datetime) -> str:
    """A new lead id for ``at``'s day: ``L20260316-001``, ``-002`` …"""
    prefix = f"L{at:%Y%m%d}-"
    with session_scope(engine) as session:
        taken = set(session.scalars(select(Lead.lead_id).where(Lead.lead_id.like(f"{prefix}%"))))
    n = 1
    while f"{prefix}{n:03d}" in taken:
        n += 1
    return f"{prefix}{n:03d}"
