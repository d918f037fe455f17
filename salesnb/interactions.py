"""Customer Q&A records (技术问答) added by hand, checked against the permission matrix (``interaction.add``).

The customer's owner or someone above them, a director or ops may add one;
it is audited with the acting user id.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import audit
from .auth.people import Actor
from .auth.permissions import authorize
from .errors import SalesnbError
from .models import Customer, Interaction
from .timeutil import now


def add_interaction(session: Session, customer_id: str, *, actor: Actor | str, question: str,
                    at: datetime | None = None, channel: str | None = None, materials: str | None = None,
                    engineer: str | None = None, interaction_id: str | None = None) -> Interaction:
    """Record a customer's question (and the materials sent, the engineer involved)."""
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise SalesnbError(f"no customer {customer_id!r}")
    person = authorize(session, actor, "interaction.add", customer.owner_id)
    if not question or not question.strip():
        raise SalesnbError("a Q&A record needs the question")
    at = at or now()
    if interaction_id is None:
        count = session.scalar(select(func.count()).select_from(Interaction)
                               .where(Interaction.customer_id == customer_id)) or 0
        interaction_id = f"QA-{customer_id}-{count + 1}"
    row = Interaction(interaction_id=interaction_id, customer_id=customer_id, at=at, channel=channel,
                      question=question.strip(), materials=materials, engineer=engineer)
    session.add(row)
    session.flush()
    audit.record(session, actor=person.user_id, action="interaction.add", entity_type="interaction",
                 entity_id=interaction_id, after={"customer_id": customer_id, "question": row.question}, at=at)
    return row
