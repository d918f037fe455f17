"""A new lead from the scorecard app: a new customer when needed, the card checked first, the first-response clock.

:func:`save_new_lead` checks the 意向评分卡 before anything is written (an
incomplete card creates neither customer nor lead: 未完成不得保存), creates
the customer when the rep typed a name nobody knows, saves and grades the
lead (:func:`~salesnb.scorecards.save_lead`), and opens its
``lead_first_response`` task at once so the SLA engine starts the clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import audit
from ..auth.people import Actor
from ..auth.permissions import authorize
from ..errors import ScorecardError
from ..i18n import t
from ..models import Customer, Lead, Task
from ..timeutil import now
from .definition import DEFAULT_NAME
from .grading import GradeResult, check_answers, save_lead
from .store import get_scorecard

FIRST_RESPONSE_NODE = "lead_first_response"


def next_customer_id(session: Session, at: datetime) -> str:
    """A new customer id for ``at``'s day: ``C20260316-001``, ``-002`` …"""
    prefix = f"C{at:%Y%m%d}-"
    taken = set(session.scalars(select(Customer.customer_id).where(Customer.customer_id.like(f"{prefix}%"))))
    n = 1
    while f"{prefix}{n:03d}" in taken:
        n += 1
    return f"{prefix}{n:03d}"


def create_customer(session: Session, name: str, *, region: str | None = None, industry: str | None = None,
                    owner_id: str | None = None, actor: Actor | str, at: datetime | None = None) -> Customer:
    """Create a customer called ``name`` (refused when empty or when a customer of that name exists).

    Who may: as creating a lead for ``owner_id`` (``lead.edit``).
    """
    at = at or now()
    person = authorize(session, actor, "lead.edit", owner_id)
    name = " ".join(str(name or "").split())
    if not name:
        raise ScorecardError("lead.customer_name_required")
    existing = session.scalars(select(Customer).where(func.lower(Customer.name) == name.lower())).first()
    if existing is not None:
        raise ScorecardError("lead.customer_exists", name=name, id=existing.customer_id)
    customer = Customer(customer_id=next_customer_id(session, at), name=name[:200], region=region or None,
                        industry=industry or None, owner_id=owner_id or None, created_at=at)
    session.add(customer)
    session.flush()
    audit.record(session, actor=person.user_id, action="customer.create", entity_type="customers",
                 entity_id=customer.customer_id, after={"name": customer.name, "region": region, "owner_id": owner_id},
                 at=at)
    return customer


def start_first_response(session: Session, lead: Lead, at: datetime | None = None) -> Task | None:
    """Open the lead's ``lead_first_response`` task (its owner's, from the lead's creation) unless answered or open."""
    if lead.first_response_at is not None:
        return None
    task_id = f"{FIRST_RESPONSE_NODE}:{lead.lead_id}"
    if session.get(Task, task_id) is not None:
        return None
    task = Task(task_id=task_id, node=FIRST_RESPONSE_NODE, entity_type="lead", entity_id=lead.lead_id,
                owner_id=lead.owner_id, created_at=lead.created_at or at or now(), kind="workflow",
                title=t("lead.first_response.title", lead_id=lead.lead_id), details={"customer_id": lead.customer_id})
    session.add(task)
    session.flush()
    return task


def save_new_lead(session: Session, lead: Mapping[str, Any], answers: Mapping[str, Any], actor: Actor | str, *,
                  new_customer: Mapping[str, Any] | None = None, scorecard: str = DEFAULT_NAME,
                  at: datetime | None = None, language: str | None = None) -> GradeResult:
    """Create a lead (and, with ``new_customer`` — ``name``, ``region``, ``industry`` —, its customer).

    The card is checked first: an incomplete card raises
    :class:`~salesnb.scorecards.IncompleteScorecard` and nothing is written.
    The lead's first-response task starts at once.
    """
    at = at or now()
    card = get_scorecard(session, scorecard)
    check_answers(card, answers, str(lead.get("lead_id") or "-"), language)
    data = dict(lead)
    if new_customer is not None:
        customer = create_customer(session, str(new_customer.get("name") or ""), region=new_customer.get("region"),
                                   industry=new_customer.get("industry"), owner_id=data.get("owner_id"),
                                   actor=actor, at=at)
        data["customer_id"] = customer.customer_id
    data.setdefault("created_at", at)
    result = save_lead(session, data, answers, actor, scorecard=scorecard, at=at, language=language)
    start_first_response(session, session.get(Lead, result.lead_id), at)
    return result
