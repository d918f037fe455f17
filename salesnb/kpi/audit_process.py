"""Process audit: which of the seven stages' hand-offs broke for each order, before vs after a date.

A *breakpoint* is one (order, stage, kind) — e.g. order O1, stage ``order``,
kind ``quote_not_ordered``.  Two sources feed it, and the same breakpoint
seen by both counts once:

* the checks' findings (open or resolved, first seen by ``as_of``) on any
  entity of the order's chain — its lead, quote, contract, the order itself,
  its shipments, invoices, payment claims, and the workflow tasks of those;
* the event history in the canonical tables, so that orders older than the
  checks are audited too (see :data:`HISTORY_RULES`): late first response,
  incomplete scorecard, quote not traceable to a lead, infeasible contract
  submission, order entered more than 48 h after the quote was accepted,
  shipped without tracking number, payment claim reviewed after 48 h, and
  every fired SLA escalation.

A finding's stage comes from :data:`CHECK_STAGES` (``sla_breach`` by its
node through :data:`NODE_STAGES`), else from ``details["stage"]``, else from
the type of entity it is on (:data:`ENTITY_STAGES`).  Breakpoints per order
are averaged over the orders created by ``as_of``; ``split`` compares the
orders created before a date with those created on or after it, and the
reduction ``(before − after) / before`` is the article's 流程断点修复率.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from ..auth.visibility import Scope
from .compliance import ORDER_GRACE_HOURS, REQUIRED_SCORECARD_FIELDS, RESPONSE_HOURS, TRACKING_GRACE_HOURS
from .data import KpiData
from .frames import utc

STAGES = ("touch", "qualify", "quote", "contract", "order", "delivery", "payment")

CHECK_STAGES: dict[str, str] = {
    "lead_response_overdue": "touch",
    "scorecard_incomplete": "qualify",
    "quote_without_lead": "quote",
    "order_without_quote": "quote",
    "delivery_infeasible": "contract",
    "quote_not_ordered": "order",
    "shipped_without_tracking": "delivery",
    "claim_stalled": "payment",
    "invoice_overdue": "payment",
}
NODE_STAGES: dict[str, str] = {
    "lead_first_response": "touch",
    "contract_approval": "contract",
    "shipment_booking": "order",
    "invoice_confirm": "payment",
    "claim_review": "payment",
}
ENTITY_STAGES: dict[str, str] = {
    "customer": "touch", "lead": "qualify", "quote": "quote", "contract": "contract",
    "order": "order", "shipment": "delivery", "invoice": "payment", "payment_claim": "payment",
}
_ENTITY_ALIASES = {"claim": "payment_claim", "payment_claims": "payment_claim"}

ORDERS_SQL = """
SELECT o.order_id, o.contract_id, COALESCE(o.quote_id, c.quote_id) AS quote_id, q.lead_id,
       o.created_at, o.status, o.shipped_at, q.accepted_at, COALESCE(c.owner_id, q.owner_id) AS owner_id
FROM orders o
LEFT JOIN contracts c ON c.contract_id = o.contract_id
LEFT JOIN quotes q ON q.quote_id = COALESCE(o.quote_id, c.quote_id)
WHERE o.created_at <= :as_of
"""
SHIPMENTS_SQL = "SELECT shipment_id, order_id, tracking_no FROM shipments"
INVOICES_SQL = "SELECT invoice_id, order_id, contract_id FROM invoices"
CLAIMS_SQL = "SELECT claim_id, invoice_id, submitted_at, reviewed_at FROM payment_claims WHERE submitted_at <= :as_of"
TASKS_SQL = "SELECT task_id, node, entity_type, entity_id FROM tasks"
FINDINGS_SQL = """
SELECT check_name, entity_type, entity_id, details FROM findings WHERE first_seen <= :as_of
"""
ESCALATIONS_SQL = "SELECT DISTINCT task_id, node FROM escalation_log WHERE fired_at <= :as_of"
SUBMISSIONS_SQL = """
SELECT DISTINCT contract_id FROM contract_submissions WHERE feasible = :no AND submitted_at <= :as_of
"""


@dataclass
class ProcessAudit:
    """Breakpoints of every order (``breakpoints``: order_id, stage, kind) and the orders audited."""

    as_of: datetime
    orders: pd.DataFrame  # order_id, created_at
    breakpoints: pd.DataFrame  # order_id, stage, kind

    def per_order(self) -> pd.DataFrame:
        """One row per order: the number of breakpoints in each stage and in total."""
        counts = self.breakpoints.groupby(["order_id", "stage"]).size().unstack("stage", fill_value=0)
        counts = counts.reindex(columns=list(STAGES), fill_value=0)
        table = self.orders.set_index("order_id")[["created_at"]].join(counts).fillna(0)
        table[list(STAGES)] = table[list(STAGES)].astype(int)
        table["total"] = table[list(STAGES)].sum(axis=1)
        return table.reset_index()

    def summary(self, orders: pd.DataFrame | None = None) -> pd.DataFrame:
        """Per stage: breakpoints per order and share of orders with a break there (plus a ``total`` row)."""
        table = self.per_order() if orders is None else orders
        n = len(table)
        rows = []
        for stage in (*STAGES, "total"):
            col = table[stage] if n else pd.Series(dtype=int)
            rows.append({"stage": stage, "breakpoints": int(col.sum()),
                         "per_order": float(col.sum()) / n if n else None,
                         "orders_broken_share": float((col > 0).sum()) / n if n else None})
        return pd.DataFrame(rows).assign(orders=n)

    def mean_per_order(self) -> float | None:
        """Breakpoints per order on average."""
        row = self.summary().set_index("stage").loc["total"]
        return row["per_order"]

    def split(self, at: datetime) -> pd.DataFrame:
        """Per stage: breakpoints per order for orders created before ``at`` vs on/after it, and the reduction."""
        table = self.per_order()
        cut = utc(at)
        before = self.summary(table[table["created_at"] < cut]).set_index("stage")
        after = self.summary(table[table["created_at"] >= cut]).set_index("stage")
        out = pd.DataFrame({
            "before_orders": before["orders"], "before_per_order": before["per_order"],
            "after_orders": after["orders"], "after_per_order": after["per_order"],
        })
        base = out["before_per_order"].astype(float)
        out["reduction"] = ((base - out["after_per_order"].astype(float)) / base.where(base > 0)).astype(float)
        return out.reset_index()


def process_audit(engine: Engine, as_of: datetime, *, scope: Scope | None = None) -> ProcessAudit:
    """Audit every order created by ``as_of`` (see the module docstring); ``scope``: the orders a person sees."""
    with engine.connect() as conn:
        data = KpiData(conn, as_of, scope)
        orders = data.query(ORDERS_SQL, ("created_at", "shipped_at", "accepted_at"), scoped=True)
        if orders.empty:  # nothing in scope (a rep without orders yet)
            return ProcessAudit(as_of=as_of, orders=orders[["order_id", "created_at"]],
                                breakpoints=pd.DataFrame(columns=["order_id", "stage", "kind"]))
        links = _entity_links(data, orders)
        parts = [_finding_breakpoints(data, links), _history_breakpoints(data, orders, links)]
    breakpoints = pd.concat(parts, ignore_index=True).drop_duplicates(ignore_index=True)
    return ProcessAudit(as_of=as_of, orders=orders[["order_id", "created_at"]], breakpoints=breakpoints)


def audited_orders(engine: Engine, as_of: datetime, *, scope: Scope | None = None, at_most: int | None = None) -> int:
    """How many orders :func:`process_audit` would audit (one count in the database); with ``at_most``, counted
    no further than ``at_most + 1`` ("more than ``at_most``")."""
    with engine.connect() as conn:
        return KpiData(conn, as_of, scope).count(ORDERS_SQL, scoped=True, at_most=at_most)


def _entity_links(data: KpiData, orders: pd.DataFrame) -> pd.DataFrame:
    """(entity_type, entity_id, order_id) for every entity in each order's chain."""
    def link(kind: str, ids: pd.Series, order_ids: pd.Series) -> pd.DataFrame:
        frame = pd.DataFrame({"entity_type": kind, "entity_id": ids.astype("string"),
                              "order_id": order_ids.to_numpy()})
        return frame[frame["entity_id"].notna()]

    shipments = data.query(SHIPMENTS_SQL)
    invoices = data.query(INVOICES_SQL)
    by_contract = invoices[invoices["order_id"].isna()].drop(columns="order_id").merge(
        orders[["contract_id", "order_id"]].dropna(), on="contract_id")
    invoice_orders = pd.concat([invoices[invoices["order_id"].notna()], by_contract])[["invoice_id", "order_id"]]
    claims = data.query(CLAIMS_SQL, ("submitted_at", "reviewed_at")).merge(invoice_orders, on="invoice_id")
    parts = [
        link("order", orders["order_id"], orders["order_id"]),
        link("contract", orders["contract_id"], orders["order_id"]),
        link("quote", orders["quote_id"], orders["order_id"]),
        link("lead", orders["lead_id"], orders["order_id"]),
        link("shipment", shipments["shipment_id"], shipments["order_id"]),
        link("invoice", invoice_orders["invoice_id"], invoice_orders["order_id"]),
        link("payment_claim", claims["claim_id"], claims["order_id"]),
    ]
    links = pd.concat(parts, ignore_index=True)
    links = links[links["order_id"].isin(orders["order_id"])]
    tasks = data.query(TASKS_SQL)
    tasks["entity_type"] = entity_types(tasks["entity_type"])
    tasks["entity_id"] = tasks["entity_id"].astype("string")
    task_links = tasks.merge(links, on=["entity_type", "entity_id"])
    task_links = pd.DataFrame({"entity_type": "task", "entity_id": task_links["task_id"].astype("string"),
                               "order_id": task_links["order_id"], "node": task_links["node"]})
    return pd.concat([links, task_links], ignore_index=True)


def entity_types(values: pd.Series) -> pd.Series:
    """:func:`_entity_type` of every value (computed once per distinct value)."""
    return values.map({v: _entity_type(v) for v in values.dropna().unique()})


def _entity_type(name: Any) -> str:
    """Checks name entities by table (``leads``); links use the singular (``lead``)."""
    text = str(name).strip().lower()
    text = _ENTITY_ALIASES.get(text, text)
    singular = text[:-1] if text.endswith("s") else text
    return singular if singular in ENTITY_STAGES or singular == "task" else text


def _details(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    return value if isinstance(value, dict) else {}


def _finding_breakpoints(data: KpiData, links: pd.DataFrame) -> pd.DataFrame:
    findings = data.query(FINDINGS_SQL)
    if findings.empty:
        return pd.DataFrame(columns=["order_id", "stage", "kind"])
    findings["entity_type"] = entity_types(findings["entity_type"])
    findings["entity_id"] = findings["entity_id"].astype("string")
    merged = findings.merge(links, on=["entity_type", "entity_id"])
    stages, kinds = [], []
    for check, etype, details, task_node in zip(merged["check_name"], merged["entity_type"], merged["details"],
                                                merged.get("node", pd.Series(index=merged.index)), strict=True):
        stage, kind = finding_stage(check, etype, details, task_node)
        stages.append(stage)
        kinds.append(kind)
    return pd.DataFrame({"order_id": merged["order_id"], "stage": stages, "kind": kinds})


def finding_stage(check: str, entity_type: str, details: Any, task_node: Any = None) -> tuple[str, str]:
    """(stage, kind) of one finding: see the module docstring; ``entity_type`` as :func:`entity_types` gives it."""
    info = _details(details)
    node = info.get("node") or (task_node if isinstance(task_node, str) else None)
    if check == "sla_breach" and node:
        return NODE_STAGES.get(node, info.get("stage") or ENTITY_STAGES.get(entity_type, "order")), f"sla_breach:{node}"
    return CHECK_STAGES.get(check) or info.get("stage") or ENTITY_STAGES.get(entity_type, "order"), check


def _history_breakpoints(data: KpiData, orders: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    as_of = data.as_of
    parts: list[pd.DataFrame] = []

    def add(order_ids: pd.Series, kind: str) -> None:
        parts.append(pd.DataFrame({"order_id": order_ids.to_numpy(), "stage": CHECK_STAGES[kind], "kind": kind}))

    leads = data.leads.merge(orders[["order_id", "lead_id"]], on="lead_id")
    old = leads[leads["created_at"] <= as_of - pd.Timedelta(hours=RESPONSE_HOURS)]
    late = old["first_response_at"].isna() | (
        old["first_response_at"] - old["created_at"] > pd.Timedelta(hours=RESPONSE_HOURS))
    add(old.loc[late.to_numpy(bool), "order_id"], "lead_response_overdue")
    incomplete = leads[list(REQUIRED_SCORECARD_FIELDS)].isna().any(axis=1)
    add(leads.loc[incomplete.to_numpy(bool), "order_id"], "scorecard_incomplete")

    add(orders.loc[orders["quote_id"].isna(), "order_id"], "order_without_quote")
    add(orders.loc[orders["quote_id"].notna() & orders["lead_id"].isna(), "order_id"], "quote_without_lead")

    late_entry = orders["created_at"] - orders["accepted_at"] > pd.Timedelta(hours=ORDER_GRACE_HOURS)
    add(orders.loc[late_entry.to_numpy(bool), "order_id"], "quote_not_ordered")

    infeasible = data.query(SUBMISSIONS_SQL, no=False)
    add(orders.loc[orders["contract_id"].isin(infeasible["contract_id"]), "order_id"], "delivery_infeasible")

    shipments = data.query(SHIPMENTS_SQL)
    tracked = shipments.loc[shipments["tracking_no"].astype("string").str.strip().fillna("") != "", "order_id"]
    shipped = orders["status"].isin(["shipped", "delivered"]) & (
        orders["shipped_at"] <= as_of - pd.Timedelta(hours=TRACKING_GRACE_HOURS))
    add(orders.loc[shipped.to_numpy(bool) & ~orders["order_id"].isin(tracked), "order_id"], "shipped_without_tracking")

    claims = data.query(CLAIMS_SQL, ("submitted_at", "reviewed_at"))
    limit = pd.Timedelta(hours=48)
    reviewed = claims["reviewed_at"].where(claims["reviewed_at"] <= as_of)
    waiting = reviewed.isna() & (claims["submitted_at"] <= as_of - limit)
    stalled = (reviewed - claims["submitted_at"] > limit) | waiting
    stalled_ids = claims.loc[stalled.to_numpy(bool), "claim_id"].astype("string")
    claim_links = links[(links["entity_type"] == "payment_claim") & links["entity_id"].isin(stalled_ids)]
    add(claim_links["order_id"], "claim_stalled")

    escalations = data.query(ESCALATIONS_SQL)
    task_links = links[links["entity_type"] == "task"].drop(columns="node")
    fired = escalations.assign(entity_id=escalations["task_id"].astype("string")).merge(task_links, on="entity_id")
    parts.append(pd.DataFrame({"order_id": fired["order_id"],
                               "stage": fired["node"].map(lambda n: NODE_STAGES.get(n, "order")),
                               "kind": "sla_breach:" + fired["node"].astype(str)}))
    return pd.concat(parts, ignore_index=True)
