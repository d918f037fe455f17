"""docs/design.md's default check semantics, computed with pandas straight from the generated files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SLA_TARGET_H = {"lead_first_response": 4, "invoice_confirm": 2, "contract_approval": 24,
                "claim_review": 48, "shipment_booking": 24}
TIMESTAMPS = ("created_at", "first_response_at", "converted_at", "quoted_at", "accepted_at", "submitted_at",
              "approved_at", "shipped_at", "delivered_at", "requested_at", "confirmed_at", "issued_at",
              "reviewed_at", "booked_at", "done_at", "at")


def load(folder: Path) -> dict[str, pd.DataFrame]:
    """Every CSV of the folder as a frame: text as read, timestamps parsed, amounts as floats."""
    frames = {}
    for path in sorted(Path(folder).glob("*.csv")):
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        for col in df.columns:
            if col in TIMESTAMPS:
                df[col] = pd.to_datetime(df[col].replace("", None), format="%Y-%m-%d %H:%M:%S")
        frames[path.stem] = df
    return frames


def quote_not_ordered(f, as_of) -> tuple[int, int]:
    q = f["quotes"]
    old = q[(q.status == "accepted") & (q.accepted_at <= as_of - pd.Timedelta(hours=48))]
    missing = ~old.quote_id.isin(f["orders"].quote_id)
    return int(missing.sum()), len(old)


def shipped_without_tracking(f, as_of) -> tuple[int, int, int]:
    """(without tracking, shipped ≥ 24 h ago, of which no shipment row at all)."""
    o = f["orders"]
    s = f["shipments"]
    shipped = o[o.status.isin(["shipped", "delivered"]) & (o.shipped_at <= as_of - pd.Timedelta(hours=24))]
    tracked = set(s.order_id[s.tracking_no != ""])
    untracked = shipped[~shipped.order_id.isin(tracked)]
    return len(untracked), len(shipped), int((~untracked.order_id.isin(s.order_id)).sum())


def lead_response_overdue(f, as_of) -> int:
    lead = f["leads"]
    return int(((lead.first_response_at.isna()) & (as_of - lead.created_at > pd.Timedelta(hours=4))).sum())


def first_response_4h_rate(f, as_of) -> float:
    lead = f["leads"]
    old = lead[as_of - lead.created_at >= pd.Timedelta(hours=4)]
    ok = (old.first_response_at - old.created_at) <= pd.Timedelta(hours=4)
    return float(ok.mean())


def delivery_infeasible(f) -> tuple[int, int]:
    """(infeasible, pending) contracts per docs/design.md's definition."""
    c = f["contracts"]
    c = c[c.status == "pending_approval"]
    slots = f["production_slots"].assign(date=lambda d: pd.to_datetime(d.date), free=lambda d: d.free_capacity.astype(int))
    lanes = f["lanes"].assign(days=lambda d: d.transit_days.astype(int)).groupby("dest_region").days.min()
    bad = 0
    for row in c.itertuples():
        day = row.submitted_at.normalize()
        ok = slots[(slots.product_line == row.product_line) & (slots.date >= day) & (slots.free >= int(row.quantity))]
        if ok.empty or row.dest_region not in lanes:
            bad += 1
            continue
        needed = (ok.date.min() - day).days + lanes[row.dest_region]
        bad += int(int(row.promised_delivery_days) < needed)
    return bad, len(c)


def claim_stalled(f, as_of) -> int:
    c = f["payment_claims"]
    return int(((c.status == "finance_review") & (c.submitted_at <= as_of - pd.Timedelta(hours=48))).sum())


def overdue_buckets(f, as_of) -> dict[str, int]:
    inv = f["invoices"].merge(f["contracts"][["contract_id", "payment_terms_days"]], on="contract_id")
    inv = inv[inv.status.isin(["issued", "partially_paid"])]
    due = inv.issued_at + pd.to_timedelta(inv.payment_terms_days.astype(int), unit="D")
    days = (as_of - due[due < as_of]) / pd.Timedelta(days=1)
    days = np.ceil(days)
    return {"1-30": int((days <= 30).sum()), "31-60": int(((days > 30) & (days <= 60)).sum()),
            "61-90": int(((days > 60) & (days <= 90)).sum()), ">90": int((days > 90).sum())}


def sla_levels(f, as_of) -> dict[str, dict[int, int]]:
    """Open tasks per node and escalation level (0 = not yet due)."""
    t = f["tasks"]
    t = t[t.done_at.isna()]
    out = {}
    for node, target in SLA_TARGET_H.items():
        age_h = (as_of - t[t.node == node].created_at) / pd.Timedelta(hours=1)
        level = np.select([age_h > 4 * target, age_h > 2 * target, age_h > target], [3, 2, 1], 0)
        out[node] = {lv: int((level == lv).sum()) for lv in range(4)}
    return out
