"""The built-in breakpoint checks, exactly as docs/design.md "Default check semantics" defines them.

All are evaluated as of a given time; thresholds are parameters
(``[checks.NAME]`` in ``salesnb.toml``).  They are contributed through the
``salesnb_checks`` hook like any plugin's checks.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, String, case, cast, false, select

from ..models import Contract, Invoice, Task
from ..plugins.hookspecs import hookimpl
from ..receivables.queries import invoice_customer_join
from . import messages  # noqa: F401  (registers the texts)
from .base import Check, CheckContext, first_owner, materialised, related_owner
from .blind import Needs
from .computed import DEFAULT_SLA_TARGETS, days_overdue, payment_terms, sla_cutoffs, sla_level
from .feasibility import infeasible_hits, judge_pending

INVOICE_BUCKETS = (30, 60, 90)


def _before(hours: Any) -> dict[str, Any]:
    return {"as_of": True, "offset": {"hours": -float(hours)}}


def _i18n(name: str) -> dict[str, str]:
    return {"title": f"check.{name}.title", "message": f"check.{name}.message"}


# ---------------------------------------------------------------- rule checks

lead_response_overdue = Check(
    name="lead_response_overdue", table="leads", severity="warning", params={"hours": 4},
    # as_of − created_at > hours  ⇔  created_at < as_of − hours
    rule=lambda p: {"all": [
        {"field": "first_response_at", "op": "is_null"},
        {"field": "created_at", "op": "lt", "value": _before(p["hours"])},
    ]},
    needs=(Needs("leads", "first_response_at", scope="check.scope.leads"),),
    **_i18n("lead_response_overdue"),
)

_ACCEPTED = {"field": "status", "op": "eq", "value": "accepted"}
_SHIPPED = {"field": "status", "op": "in", "value": ["shipped", "delivered"]}
_PENDING = {"field": "status", "op": "eq", "value": "pending_approval"}
_ISSUED = {"field": "status", "op": "in", "value": ["issued", "partially_paid"]}

quote_not_ordered = Check(
    name="quote_not_ordered", table="quotes", severity="critical", params={"hours": 48}, started="accepted_at",
    rule=lambda p: {"all": [
        {"field": "status", "op": "eq", "value": "accepted"},
        {"field": "accepted_at", "op": "le", "value": _before(p["hours"])},
        {"not_exists": {"table": "orders", "on": {"quote_id": "quote_id"}}},
    ]},
    needs=(Needs("quotes", "accepted_at", _ACCEPTED, "check.scope.accepted_quotes"),
           Needs("orders", "quote_id", scope="check.scope.orders")),
    **_i18n("quote_not_ordered"),
)

_order_owner = first_owner(related_owner("contract_id", "contracts"), related_owner("quote_id", "quotes"))

shipped_without_tracking = Check(
    name="shipped_without_tracking", table="orders", severity="critical", params={"hours": 24}, owner=_order_owner,
    started="shipped_at",
    # a missing shipment and a shipment with an empty tracking number both count;
    # any shipment of the order with a non-empty tracking number clears it
    rule=lambda p: {"all": [
        {"field": "status", "op": "in", "value": ["shipped", "delivered"]},
        {"field": "shipped_at", "op": "le", "value": _before(p["hours"])},
        {"not_exists": {"table": "shipments", "on": {"order_id": "order_id"},
                        "where": {"field": "tracking_no", "op": "not_empty"}}},
    ]},
    needs=(Needs("orders", "shipped_at", _SHIPPED, "check.scope.shipped_orders"), Needs("shipments"),
           Needs("shipments", "tracking_no", scope="check.scope.shipments")),
    **_i18n("shipped_without_tracking"),
)

claim_stalled = Check(
    name="claim_stalled", table="payment_claims", severity="warning", params={"hours": 48}, started="submitted_at",
    rule=lambda p: {"all": [
        {"field": "status", "op": "eq", "value": "finance_review"},
        {"field": "submitted_at", "op": "le", "value": _before(p["hours"])},
    ]},
    **_i18n("claim_stalled"),
)


# the required fields of the default 意向评分卡 that live on the lead (an imported lead may lack them)
SCORECARD_COLUMNS = ("budget_provided", "delivery_date_specified", "purchase_freq_per_month")

scorecard_incomplete = Check(
    name="scorecard_incomplete", table="leads", severity="warning", params={"fields": list(SCORECARD_COLUMNS)},
    started="created_at",
    # open leads (imported, synced) whose card misses a required answer; the app never saves one
    rule=lambda p: {"all": [
        {"field": "status", "op": "eq", "value": "open"},
        {"any": [{"field": f, "op": "is_null"} for f in p["fields"]]},
    ]},
    **_i18n("scorecard_incomplete"),
)


# ---------------------------------------------------------------- query checks

delivery_infeasible = Check(
    name="delivery_infeasible", table="contracts", severity="critical",
    query=infeasible_hits, prefetch=judge_pending,
    needs=(*(Needs("contracts", c, _PENDING, "check.scope.pending_contracts")
             for c in ("submitted_at", "promised_delivery_days", "product_line", "quantity", "dest_region")),
           Needs("production_slots"), Needs("lanes")),
    **_i18n("delivery_infeasible"),
)


def bucket_label(days: int, edges: tuple[int, ...] = INVOICE_BUCKETS) -> str:
    """The aging bucket of ``days`` overdue: 1-30, 31-60, 61-90, 90+ with the default edges."""
    low = 1
    for edge in edges:
        if days <= edge:
            return f"{low}-{edge}"
        low = edge + 1
    return f"{edges[-1]}+"


def bucket_labels(edges: tuple[int, ...] = INVOICE_BUCKETS) -> tuple[str, ...]:
    return tuple(bucket_label(e, edges) for e in edges) + (f"{edges[-1]}+",)


def _invoice_overdue(ctx: CheckContext) -> Select:
    """Issued, unpaid invoices past issued_at + the contract's payment terms; days overdue rounded up.

    A finding carries what stays put while the invoice stays unpaid (its bucket, its terms: due = started_at +
    payment_terms_days), not the day count: that grows every day, and every open finding would be rewritten
    by every run (the receivables apps count the days as of now)."""
    inv = Invoice.__table__
    edges = tuple(int(e) for e in ctx.params["buckets"])
    # each invoice's contract joined once (on SQLite its order looked up only when needed)
    sqlite = ctx.session is not None and ctx.session.get_bind().dialect.name == "sqlite"
    joined, contract_id = invoice_customer_join(order_lookup=sqlite)
    default = int(ctx.params["default_terms_days"])
    figures = materialised(
        select(inv.c.invoice_id, Contract.owner_id.label("owner_id"), contract_id,
               payment_terms(Contract.payment_terms_days, default).label("terms"),
               days_overdue(inv, ctx.as_of, default, Contract.payment_terms_days).label("days"), inv.c.issued_at)
        .select_from(joined)
        .where(inv.c.status.in_(ctx.params["statuses"]), inv.c.issued_at.is_not(None)),
        "figures")
    f = figures.c
    bucket = case(*((f.days <= edge, bucket_label(edge, edges)) for edge in edges), else_=f"{edges[-1]}+")
    return select(
        cast(f.invoice_id, String).label("entity_id"), f.owner_id.label("owner_id"), bucket.label("bucket"),
        f.issued_at.label("started_at"), f.terms.label("payment_terms_days"), f.contract_id,
    ).where(f.days > 0)


invoice_overdue = Check(
    name="invoice_overdue", table="invoices", severity="warning", query=_invoice_overdue, owner=None,
    params={"buckets": list(INVOICE_BUCKETS), "default_terms_days": 0, "statuses": ["issued", "partially_paid"]},
    breakdown=("bucket", bucket_labels()),
    needs=(Needs("invoices", "issued_at", _ISSUED, "check.scope.issued_invoices"),
           Needs("contracts", "payment_terms_days", scope="check.scope.contracts")),
    **_i18n("invoice_overdue"),
)


def _sla_breach(ctx: CheckContext) -> Select:
    tasks = Task.__table__
    cutoffs = sla_cutoffs(ctx.session, ctx.as_of, ctx.params.get("targets"), ctx.params["multiples"])
    if not cutoffs:
        return select(cast(tasks.c.task_id, String).label("entity_id")).where(false())
    level = sla_level(tasks, cutoffs)
    return select(
        cast(tasks.c.task_id, String).label("entity_id"), tasks.c.owner_id.label("owner_id"),
        level.label("level"), tasks.c.created_at.label("started_at"), tasks.c.node.label("node"),
    ).where(tasks.c.done_at.is_(None), level > 0)


sla_breach = Check(
    name="sla_breach", table="tasks", severity="warning", query=_sla_breach,
    params={"targets": {}, "multiples": [1, 2, 4]}, breakdown=("level", ("1", "2", "3")),
    **_i18n("sla_breach"),
)

BUILTIN_CHECKS: tuple[Check, ...] = (
    lead_response_overdue, quote_not_ordered, shipped_without_tracking, delivery_infeasible,
    claim_stalled, invoice_overdue, sla_breach, scorecard_incomplete,
)
for _check in BUILTIN_CHECKS:
    _check.source = "builtin"


@hookimpl
def salesnb_checks() -> list[Check]:
    """The built-in checks."""
    return list(BUILTIN_CHECKS)

