"""docs/design.md's default checks written again in plain Python over rows read back from the store.

Independent of the rule compiler and of SQL: used to show that the checks give
the right counts on realistic data, on each backend.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import timedelta

from sqlalchemy import select

from salesnb.checks.builtin import DEFAULT_SLA_TARGETS, bucket_label
from salesnb.models import Base
from salesnb.timeutil import to_local


def rows(engine, table):
    t = Base.metadata.tables[table]
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(t))]


def expected_counts(engine, as_of):
    """{check: count} plus invoice buckets and SLA levels, computed row by row."""
    t = {name: rows(engine, name) for name in ("leads", "quotes", "orders", "shipments", "contracts", "invoices",
                                               "payment_claims", "tasks", "production_slots", "lanes")}
    out = {}
    out["lead_response_overdue"] = sum(1 for r in t["leads"] if r["first_response_at"] is None
                                       and as_of - r["created_at"] > timedelta(hours=4))
    ordered = {r["quote_id"] for r in t["orders"] if r["quote_id"] is not None}
    out["quote_not_ordered"] = sum(1 for r in t["quotes"] if r["status"] == "accepted" and r["accepted_at"]
                                   and r["accepted_at"] <= as_of - timedelta(hours=48) and r["quote_id"] not in ordered)
    tracked = {r["order_id"] for r in t["shipments"] if (r["tracking_no"] or "").strip()}
    out["shipped_without_tracking"] = sum(1 for r in t["orders"] if r["status"] in ("shipped", "delivered")
                                          and r["shipped_at"] and r["shipped_at"] <= as_of - timedelta(hours=24)
                                          and r["order_id"] not in tracked)
    slots = defaultdict(list)
    for s in t["production_slots"]:
        slots[s["product_line"]].append(s)
    transit = {}
    for lane in t["lanes"]:
        transit[lane["dest_region"]] = min(transit.get(lane["dest_region"], 10**9), lane["transit_days"])
    infeasible = 0
    for c in t["contracts"]:
        if c["status"] != "pending_approval" or c["submitted_at"] is None or c["submitted_at"] > as_of:
            continue
        day = to_local(c["submitted_at"]).date()
        fits = [s["date"] for s in slots[c["product_line"]]
                if c["quantity"] is not None and s["date"] >= day and s["free_capacity"] >= c["quantity"]]
        lane = transit.get(c["dest_region"])
        if not fits or lane is None:
            infeasible += 1
        elif c["promised_delivery_days"] is not None and c["promised_delivery_days"] < (min(fits) - day).days + lane:
            infeasible += 1
    out["delivery_infeasible"] = infeasible
    out["claim_stalled"] = sum(1 for r in t["payment_claims"] if r["status"] == "finance_review"
                               and r["submitted_at"] <= as_of - timedelta(hours=48))
    contracts = {c["contract_id"]: c for c in t["contracts"]}
    order_contract = {o["order_id"]: o["contract_id"] for o in t["orders"]}
    buckets = Counter()
    for inv in t["invoices"]:
        if inv["status"] not in ("issued", "partially_paid") or inv["issued_at"] is None:
            continue
        contract = contracts.get(inv["contract_id"] or order_contract.get(inv["order_id"]))
        terms = (contract or {}).get("payment_terms_days") or 0
        late = as_of - (inv["issued_at"] + timedelta(days=terms))
        if late > timedelta(0):
            buckets[bucket_label(math.ceil(late / timedelta(days=1)))] += 1
    out["invoice_overdue"] = sum(buckets.values())
    levels = Counter()
    for task in t["tasks"]:
        target = DEFAULT_SLA_TARGETS.get(task["node"])
        if task["done_at"] is not None or target is None:
            continue
        age = as_of - task["created_at"]
        for level, multiple in ((3, 4), (2, 2), (1, 1)):
            if age > timedelta(hours=target * multiple):
                levels[str(level)] += 1
                break
    out["sla_breach"] = sum(levels.values())
    out["scorecard_incomplete"] = sum(1 for r in t["leads"] if r["status"] == "open" and None in (
        r["budget_provided"], r["delivery_date_specified"], r["purchase_freq_per_month"]))
    return out, dict(buckets), dict(levels)
