"""Leads for the scorecard app: find a lead by id or customer name, read one, number a new one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select

from ..auth.visibility import Scope
from ..customers import fold, match_score
from ..db import session_scope
from ..models import Customer, Lead


@dataclass(frozen=True)
class LeadHit:
    """One lead suggestion."""

    lead_id: str
    customer_id: str
    customer_name: str
    status: str
    grade: str | None


def search_leads(engine: Engine, text: str, limit: int = 20, *, scope: Scope | None = None) -> list[LeadHit]:
    """Leads whose id, or whose customer's name (pinyin too), contains ``text``; newest first (those in ``scope``)."""
    query = fold(text or "")
    if not query:
        return []
    with session_scope(engine) as session:
        rows = session.execute(
            select(Lead.lead_id, Lead.customer_id, Customer.name, Lead.status, Lead.grade, Lead.created_at)
            .outerjoin(Customer, Customer.customer_id == Lead.customer_id)
            .where((scope or Scope(None)).clause(Lead.owner_id))
            .order_by(Lead.created_at.desc(), Lead.lead_id)
        ).all()
    hits = []
    for lead_id, customer_id, name, status, grade, _created in rows:
        if query in fold(lead_id) or match_score(query, name or "", customer_id) is not None:
            hits.append(LeadHit(lead_id, customer_id, name or customer_id, status, grade))
            if len(hits) >= limit:
                break
    return hits


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
