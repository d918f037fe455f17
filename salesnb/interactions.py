"""Customer Q&A records (技术问答) added by hand, checked against the permission matrix (``interaction.add``).

The customer's owner or someone above them, a director or ops may add one;
it is audited with the acting user id.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import audit
from .auth.people import Actor
from .auth.permissions import authorize
from .errors import SalesnbError
from .i18n import register
from .models import Customer, Interaction
from .timeutil import now


register({
    "zh-CN": {
        "interaction.no_customer": "客户 {id} 不存在（可能已被删除）",
        "interaction.empty": "请至少填写问题、已发资料或对接工程师中的一项",
    },
    "en": {
        "interaction.no_customer": "Customer {id} does not exist (it may have been deleted)",
        "interaction.empty": "Fill in at least the question, the material sent or the engineer",
    },
})


def add_interaction(session: Session, customer_id: str, *, actor: Actor | str, question: str | None = None,
                    at: datetime | None = None, channel: str | None = None, materials: str | None = None,
                    engineer: str | None = None, interaction_id: str | None = None) -> Interaction:
    """Record a customer's question, the material sent or the engineer involved (at least one of them).

    Shown on the customer card at once; ids are ``I<date>-<n>`` unless given.
    """
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise SalesnbError("interaction.no_customer", id=customer_id)
    person = authorize(session, actor, "interaction.add", customer.owner_id)
    values = {k: (str(v).strip() or None) if v is not None else None
              for k, v in (("question", question), ("materials", materials), ("engineer", engineer),
                           ("channel", channel))}
    if not any(values[k] for k in ("question", "materials", "engineer")):
        raise SalesnbError("interaction.empty")
    at = at or now()
    if interaction_id is None:
        prefix = f"I{at:%Y%m%d}-"
        taken = set(session.scalars(select(Interaction.interaction_id).where(
            Interaction.interaction_id.like(f"{prefix}%"))))
        n = 1
        while f"{prefix}{n:03d}" in taken:
            n += 1
        interaction_id = f"{prefix}{n:03d}"
    row = Interaction(interaction_id=interaction_id, customer_id=customer_id, at=at,
                      channel=(values["channel"] or "")[:100] or None, question=values["question"],
                      materials=values["materials"], engineer=(values["engineer"] or "")[:100] or None)
    session.add(row)
    session.flush()
    audit.record(session, actor=person.user_id, action="interaction.add", entity_type="interaction",
                 entity_id=interaction_id, after={"customer_id": customer_id, **values}, at=at)
    return row
