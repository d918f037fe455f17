"""The contract approval queue as the approval app lists it: who, what, and the latest feasibility verdict.

The workflow itself (submit / approve / reject / edit) is :mod:`salesnb.contracts`;
this module only reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, Select, case, func, select
from sqlalchemy.orm import aliased

from ..auth.visibility import Scope
from ..db import session_scope
from ..models import Attachment, Contract, ContractSubmission, Customer, Lane, User
from .messages import frozen_explanation

QUEUE_STATUSES = ("pending_approval", "frozen")


@dataclass(frozen=True)
class QueueItem:
    """One contract waiting for a decision."""

    contract_id: str
    customer_name: str
    owner_id: str
    owner_name: str
    amount: Decimal
    product_line: str | None
    quantity: int | None
    dest_region: str | None
    promised_delivery_days: int | None
    status: str
    submitted_at: datetime | None
    feasible: bool | None  # latest submission's verdict; None when never checked
    verdict: dict[str, Any] | None  # the latest submission's figures (Feasibility.to_dict())
    frozen_reason: dict[str, Any] | None
    guarantees: int  # how many delivery guarantee documents are attached
    frozen_why: str = ""  # why it is frozen, always said for a frozen contract (also one frozen by import)
    frozen_suggestion: str = ""

    @property
    def checked(self) -> bool:
        return self.feasible is not None


VERDICTS = ("feasible", "frozen", "unchecked")


def _queue_select(statuses: tuple[str, ...], scope: Scope | None, *columns) -> Select:
    """``columns`` of the queued contracts in ``scope``, joined to their latest submission and guarantees."""
    earlier = aliased(ContractSubmission)
    latest = (select(func.max(earlier.id)).where(earlier.contract_id == Contract.contract_id)
              .correlate(Contract).scalar_subquery())
    return (
        select(*columns)
        .select_from(Contract)
        .outerjoin(ContractSubmission, ContractSubmission.id == latest)
        .where(Contract.status.in_(statuses), (scope or Scope(None)).clause(Contract.owner_id))
    )


def _verdict_case():
    """``feasible`` / ``frozen`` / ``unchecked`` in SQL, as :func:`salesnb.widgets…verdict_of` says it."""
    return case((Contract.status == "frozen", "frozen"),
                (ContractSubmission.feasible.is_(True), "feasible"), else_="unchecked")


def queue_counts(engine: Engine, statuses: tuple[str, ...] = QUEUE_STATUSES, *,
                 scope: Scope | None = None) -> dict[str, int]:
    """How many queued contracts in ``scope`` are feasible, frozen and unchecked (one grouped query)."""
    verdict = _verdict_case().label("verdict")
    stmt = _queue_select(statuses, scope, verdict, func.count()).group_by(verdict)
    counts = dict.fromkeys(VERDICTS, 0)
    with engine.connect() as conn:
        for name, n in conn.execute(stmt):
            counts[name] = int(n)
    return counts


def approval_queue(engine: Engine, statuses: tuple[str, ...] = QUEUE_STATUSES, *,
                   scope: Scope | None = None, verdict: str = "", contract_id: str = "",
                   limit: int | None = None, offset: int = 0) -> list[QueueItem]:
    """Contracts in ``statuses`` (pending approval and frozen by default), oldest submission first.

    ``scope`` keeps the contracts of the owners a person sees (:func:`salesnb.auth.scope_of`);
    ``verdict`` (one of :data:`VERDICTS`) and ``contract_id`` filter in the database, and
    ``limit`` / ``offset`` give one page (the whole queue when ``limit`` is None).
    """
    docs = (select(func.count(Attachment.id))
            .where(Attachment.entity_type == "contract", Attachment.kind == "delivery_guarantee",
                   Attachment.entity_id == Contract.contract_id)
            .correlate(Contract).scalar_subquery())
    keys = _queue_select(statuses, scope, Contract.contract_id, ContractSubmission.feasible,
                         ContractSubmission.details)
    if verdict:
        keys = keys.where(_verdict_case() == verdict)
    if contract_id:
        keys = keys.where(Contract.contract_id == contract_id)
    keys = keys.order_by(Contract.submitted_at.is_(None), Contract.submitted_at, Contract.contract_id).offset(offset)
    if limit is not None:
        keys = keys.limit(limit)
    page = keys.subquery()
    query = (
        select(Contract, Customer.name, User.name, page.c.feasible, page.c.details, docs)
        .join(page, page.c.contract_id == Contract.contract_id)
        .outerjoin(Customer, Customer.customer_id == Contract.customer_id)
        .outerjoin(User, User.user_id == Contract.owner_id)
        .order_by(Contract.submitted_at.is_(None), Contract.submitted_at, Contract.contract_id)
    )
    with session_scope(engine) as session:
        return [
            QueueItem(
                contract_id=c.contract_id, customer_name=customer or c.customer_id, owner_id=c.owner_id,
                owner_name=owner or c.owner_id, amount=c.amount, product_line=c.product_line,
                quantity=c.quantity, dest_region=c.dest_region, promised_delivery_days=c.promised_delivery_days,
                status=c.status, submitted_at=c.submitted_at, feasible=feasible, verdict=details,
                frozen_reason=c.frozen_reason, guarantees=int(n or 0),
                **_frozen(c),
            )
            for c, customer, owner, feasible, details, n in session.execute(query)
        ]


def _frozen(contract: Contract) -> dict[str, str]:
    if contract.status != "frozen":
        return {}
    why, suggestion = frozen_explanation(contract)
    return {"frozen_why": why, "frozen_suggestion": suggestion}


def destinations(engine: Engine) -> list[str]:
    """Destination regions some carrier lane serves."""
    with session_scope(engine) as session:
        return list(session.scalars(select(Lane.dest_region).distinct().order_by(Lane.dest_region)))
