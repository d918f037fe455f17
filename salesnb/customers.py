"""Customer look-ups: find a customer by part of its name (pinyin too) and gather its Q&A card.

The Q&A card (客户问答速查卡) answers "what has this customer asked, what did
we send, who talked to them, and what is still open with them" from the
canonical tables: interactions, and the customer's leads, quotes, contracts,
orders, shipments, invoices and payment claims, plus open findings on them.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Engine, or_, select

from . import audit
from .auth.visibility import Scope
from .customer_search import CustomerHit, fold, match_score, search_customers  # noqa: F401 - their old home
from .db import session_scope
from .errors import SalesnbError
from .i18n import register
from .models import (
    Contract,
    Customer,
    Finding,
    Interaction,
    Invoice,
    Lead,
    Order,
    PaymentClaim,
    Quote,
    Shipment,
    User,
)

#: The seven stages of the sales process, in order.
STAGES = ("touch", "qualify", "quote", "contract", "order", "delivery", "payment")

register({
    "zh-CN": {
        "stage.touch": "客户触达", "stage.qualify": "需求确认", "stage.quote": "方案报价",
        "stage.contract": "合同签署", "stage.order": "订单执行", "stage.delivery": "交付验收",
        "stage.payment": "回款结算",
    },
    "en": {
        "stage.touch": "Touch", "stage.qualify": "Qualify", "stage.quote": "Quote",
        "stage.contract": "Contract", "stage.order": "Order", "stage.delivery": "Delivery",
        "stage.payment": "Payment",
    },
})

# Where a check's findings belong when the check is known; otherwise by entity type.
_CHECK_STAGE = {
    "lead_response_overdue": "touch",
    "scorecard_incomplete": "qualify",
    "quote_not_ordered": "quote",
    "delivery_infeasible": "contract",
    "shipped_without_tracking": "delivery",
    "claim_stalled": "payment",
    "invoice_overdue": "payment",
}
_ENTITY_STAGE = {
    "customer": "touch", "lead": "qualify", "quote": "quote", "contract": "contract",
    "order": "order", "shipment": "delivery", "invoice": "payment", "payment_claim": "payment",
    "claim": "payment",
}



@dataclass(frozen=True)
class StageIssue:
    """Something still open with the customer at one stage.

    ``kind`` names the situation (``lead_no_response``, ``quote_not_ordered``,
    ``finding`` …); ``detail`` carries the values a message needs.
    """

    stage: str
    kind: str
    entity_type: str
    entity_id: str
    detail: dict[str, object] = field(default_factory=dict)


@dataclass
class CustomerCardData:
    """Everything the Q&A card shows for one customer."""

    customer_id: str
    name: str
    region: str | None
    industry: str | None
    owner: str | None
    interactions: list[dict[str, object]]
    materials: list[str]
    engineers: list[tuple[str, int]]
    issues: list[StageIssue]

    def issues_by_stage(self) -> dict[str, list[StageIssue]]:
        """Issues grouped by stage, every stage present, in process order."""
        grouped: dict[str, list[StageIssue]] = {stage: [] for stage in STAGES}
        for issue in self.issues:
            grouped[issue.stage].append(issue)
        return grouped


# ---------------------------------------------------------------- the card

def customer_card(engine: Engine, customer_id: str, *, scope: Scope | None = None) -> CustomerCardData:
    """The Q&A card of ``customer_id``; raises ``KeyError`` when there is no such customer (or none in ``scope``)."""
    with session_scope(engine) as s:
        customer = s.scalar(select(Customer).where(Customer.customer_id == customer_id,
                                                   (scope or Scope(None)).clause(Customer.owner_id)))
        if customer is None:
            raise KeyError(customer_id)
        owner = s.get(User, customer.owner_id) if customer.owner_id else None
        interactions = list(s.scalars(
            select(Interaction).where(Interaction.customer_id == customer_id)
            .order_by(Interaction.at.desc(), Interaction.interaction_id)
        ))
        leads = list(s.scalars(select(Lead).where(Lead.customer_id == customer_id).order_by(Lead.lead_id)))
        quotes = list(s.scalars(select(Quote).where(Quote.customer_id == customer_id).order_by(Quote.quote_id)))
        contracts = list(s.scalars(
            select(Contract).where(Contract.customer_id == customer_id).order_by(Contract.contract_id)))
        quote_ids = [q.quote_id for q in quotes]
        contract_ids = [c.contract_id for c in contracts]
        orders = list(s.scalars(select(Order).where(or_(
            Order.contract_id.in_(contract_ids), Order.quote_id.in_(quote_ids))).order_by(Order.order_id)))
        order_ids = [o.order_id for o in orders]
        tracked = set(s.scalars(select(Shipment.order_id).where(
            Shipment.order_id.in_(order_ids), Shipment.tracking_no.is_not(None), Shipment.tracking_no != "")))
        invoices = list(s.scalars(select(Invoice).where(or_(
            Invoice.contract_id.in_(contract_ids), Invoice.order_id.in_(order_ids))).order_by(Invoice.invoice_id)))
        invoice_ids = [i.invoice_id for i in invoices]
        claims = list(s.scalars(select(PaymentClaim).where(
            PaymentClaim.invoice_id.in_(invoice_ids), PaymentClaim.status == "finance_review")
            .order_by(PaymentClaim.claim_id)))
        ordered_quotes = {o.quote_id for o in orders if o.quote_id}
        entity_ids = {customer_id, *(x.lead_id for x in leads), *quote_ids, *contract_ids, *order_ids,
                      *invoice_ids, *(c.claim_id for c in claims)}
        findings = list(s.scalars(select(Finding).where(
            Finding.resolved_at.is_(None), Finding.entity_id.in_(entity_ids)).order_by(Finding.first_seen)))

        issues = [StageIssue(_finding_stage(f), "finding", f.entity_type, f.entity_id,
                             {"check": f.check_name, "message": f.message, "severity": f.severity})
                  for f in findings]
        flagged = {(f.check_name, f.entity_id) for f in findings}
        issues += _workflow_issues(leads, quotes, contracts, orders, tracked, invoices, claims,
                                   ordered_quotes, flagged)
        data = CustomerCardData(
            customer_id=customer.customer_id,
            name=customer.name,
            region=customer.region,
            industry=customer.industry,
            owner=owner.name if owner else customer.owner_id,
            interactions=[{
                "at": i.at, "channel": i.channel, "question": i.question,
                "materials": i.materials, "engineer": i.engineer,
            } for i in interactions],
            materials=_unique(_split_list(i.materials) for i in reversed(interactions)),
            engineers=Counter(i.engineer.strip() for i in interactions if i.engineer and i.engineer.strip())
            .most_common(),
            issues=issues,
        )
    return data


def _finding_stage(finding: Finding) -> str:
    if finding.check_name in _CHECK_STAGE:
        return _CHECK_STAGE[finding.check_name]
    node = (finding.details or {}).get("node") if isinstance(finding.details, dict) else None
    if node:
        for prefix, stage in (("lead", "touch"), ("quote", "quote"), ("contract", "contract"),
                              ("shipment", "delivery"), ("invoice", "payment"), ("claim", "payment")):
            if str(node).startswith(prefix):
                return stage
    return _ENTITY_STAGE.get(finding.entity_type, "touch")


def _workflow_issues(leads, quotes, contracts, orders, tracked, invoices, claims, ordered_quotes,
                     flagged) -> list[StageIssue]:
    issues: list[StageIssue] = []
    for lead in leads:
        if lead.status != "open":
            continue
        if lead.first_response_at is None and ("lead_response_overdue", lead.lead_id) not in flagged:
            issues.append(StageIssue("touch", "lead_no_response", "lead", lead.lead_id,
                                     {"created_at": lead.created_at}))
        if None in (lead.budget_provided, lead.delivery_date_specified, lead.purchase_freq_per_month) \
                and ("scorecard_incomplete", lead.lead_id) not in flagged:
            issues.append(StageIssue("qualify", "scorecard_incomplete", "lead", lead.lead_id, {}))
    for quote in quotes:
        if quote.status in ("draft", "quoted"):
            issues.append(StageIssue("quote", "quote_pending", "quote", quote.quote_id,
                                     {"amount": quote.amount, "status": quote.status}))
        elif (quote.status == "accepted" and quote.quote_id not in ordered_quotes
              and ("quote_not_ordered", quote.quote_id) not in flagged):
            issues.append(StageIssue("quote", "quote_not_ordered", "quote", quote.quote_id,
                                     {"accepted_at": quote.accepted_at}))
    for contract in contracts:
        if contract.status in ("pending_approval", "frozen") and (
                "delivery_infeasible", contract.contract_id) not in flagged:
            issues.append(StageIssue("contract", f"contract_{contract.status}", "contract",
                                     contract.contract_id, {"amount": contract.amount}))
    for order in orders:
        if order.status == "open":
            issues.append(StageIssue("order", "order_open", "order", order.order_id,
                                     {"created_at": order.created_at}))
        elif (order.status in ("shipped", "delivered") and order.order_id not in tracked
              and ("shipped_without_tracking", order.order_id) not in flagged):
            issues.append(StageIssue("delivery", "shipped_no_tracking", "order", order.order_id,
                                     {"shipped_at": order.shipped_at}))
    for invoice in invoices:
        if invoice.status in ("issued", "partially_paid") and ("invoice_overdue", invoice.invoice_id) not in flagged:
            outstanding = (invoice.amount or Decimal(0)) - (invoice.paid_amount or Decimal(0))
            issues.append(StageIssue("payment", "invoice_unpaid", "invoice", invoice.invoice_id,
                                     {"outstanding": outstanding}))
    for claim in claims:
        if ("claim_stalled", claim.claim_id) not in flagged:
            issues.append(StageIssue("payment", "claim_in_review", "payment_claim", claim.claim_id,
                                     {"submitted_at": claim.submitted_at}))
    return issues


def _split_list(text: str | None) -> list[str]:
    """Materials are written as a list separated by 、，,;； or new lines."""
    if not text:
        return []
    return [part.strip() for part in re.split(r"[、，,;；\n]+", text) if part.strip()]


def _unique(groups) -> list[str]:
    seen: dict[str, None] = {}
    for group in groups:
        for item in group:
            seen.setdefault(item, None)
    return list(seen)


def last_contact(card: CustomerCardData) -> datetime | None:
    """When the customer was last in touch (the newest interaction)."""
    times = [i["at"] for i in card.interactions if i.get("at")]
    return max(times) if times else None


# ---------------------------------------------------------------- Q&A records

register({
    "zh-CN": {
    },
    "en": {
    },
})


def customer_owner(engine: Engine, customer_id: str) -> str | None:
    """The customer's owner (``customers.owner_id``); ``None`` when unset or no such customer."""
    with session_scope(engine) as s:
        customer = s.get(Customer, customer_id)
        return customer.owner_id if customer is not None else None
