"""The contract approval queue as the approval app lists it: who, what, and the latest feasibility verdict.

The workflow itself (submit / approve / reject / edit) is :mod:`salesnb.contracts`;
this module only reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, func, select

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


def approval_queue(engine: Engine, statuses: tuple[str, ...] = QUEUE_STATUSES, *,
                   scope: Scope | None = None) -> list[QueueItem]:
    """Contracts in ``statuses`` (pending approval and frozen by default), oldest submission first.

    ``scope`` keeps the contracts of the owners a person sees (:func:`salesnb.auth.scope_of`).
    """
    latest = (select(ContractSubmission.contract_id, func.max(ContractSubmission.id).label("sid"))
              .group_by(ContractSubmission.contract_id).subquery())
    docs = (select(Attachment.entity_id, func.count(Attachment.id).label("n"))
            .where(Attachment.entity_type == "contract", Attachment.kind == "delivery_guarantee")
            .group_by(Attachment.entity_id).subquery())
    query = (
        select(Contract, Customer.name, User.name, ContractSubmission.feasible, ContractSubmission.details, docs.c.n)
        .outerjoin(Customer, Customer.customer_id == Contract.customer_id)
        .outerjoin(User, User.user_id == Contract.owner_id)
        .outerjoin(latest, latest.c.contract_id == Contract.contract_id)
        .outerjoin(ContractSubmission, ContractSubmission.id == latest.c.sid)
        .outerjoin(docs, docs.c.entity_id == Contract.contract_id)
        .where(Contract.status.in_(statuses), (scope or Scope(None)).clause(Contract.owner_id))
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
