"""Workflow tasks (one per node a deal passed through) and customer interactions (Q&A)."""

from __future__ import annotations

import numpy as np

from . import vocab
from .deals import CONFIRMED, DECIDED, LEAD, READY, REQUESTED, SHIPPED, SUBMITTED, Deals, World
from .tables import Columns, Keys, in_order, make_ids
from .timeline import DAY, NA, business_hours, uniform


def tasks(rng: np.random.Generator, world: World, d: Deals, keys: Keys) -> Columns:
    """Tasks of the SLA nodes, open (no done_at) where the deal is waiting at that node."""
    org = world.org
    n = len(d)
    approver = org.manager_of[d.owner]
    warehouse = org.warehouse[rng.integers(0, len(org.warehouse), n)]
    finance = org.finance[rng.integers(0, len(org.finance), n)]
    t = d.t
    nodes = (
        ("lead_first_response", "lead", keys.lead, t[LEAD], d.responded, d.owner, d.has_lead),
        ("contract_approval", "contract", keys.contract, t[SUBMITTED], t[DECIDED], approver, keys.contract != ""),
        ("shipment_booking", "order", keys.order, t[READY], t[SHIPPED], warehouse, t[READY] != NA),
        ("invoice_confirm", "invoice", keys.invoice, t[REQUESTED], t[CONFIRMED], finance, t[REQUESTED] != NA),
        ("claim_review", "payment_claim", keys.claim, d.claim_t[0], d.claim_t[1], finance, keys.claim != ""),
    )
    parts: dict[str, list[np.ndarray]] = {k: [] for k in
                                          ("node", "entity_type", "entity_id", "owner_id", "created_at", "done_at")}
    for node, entity, ids, created, done, owner, mask in nodes:
        k = int(mask.sum())
        parts["node"].append(np.full(k, node, dtype=object))
        parts["entity_type"].append(np.full(k, entity, dtype=object))
        parts["entity_id"].append(ids[mask])
        parts["owner_id"].append(org.ids[owner[mask]])
        parts["created_at"].append(created[mask])
        parts["done_at"].append(done[mask])
    cols = in_order({k: np.concatenate(v) for k, v in parts.items()}, np.concatenate(parts["created_at"]))
    return {"task_id": make_ids(world, "task", "TK", cols["created_at"]), **cols}


def interactions(rng: np.random.Generator, world: World, d: Deals, technical: np.ndarray) -> Columns:
    """Technical questions customers asked, the material sent and the engineer who answered."""
    n = len(d)
    probs = np.where(technical[:, None], [0.25, 0.4, 0.25, 0.1], [0.7, 0.3, 0.0, 0.0])
    count = (rng.random(n)[:, None] > probs.cumsum(axis=1)).sum(axis=1).clip(0, 3)
    deal = np.repeat(np.arange(n), count)
    at = business_hours(rng, d.t[LEAD, deal] + uniform(rng, len(deal), 600, 14 * DAY))
    keep = at <= world.as_of
    deal, at = deal[keep], at[keep]
    k = len(deal)
    line = d.line[deal]
    names = [p[0] for p in vocab.PRODUCT_LINES]
    question = np.empty(k, dtype=object)
    materials = np.empty(k, dtype=object)
    for li, name in enumerate(names):
        sel = line == li
        m = int(sel.sum())
        qs = np.array(vocab.QUESTIONS[name], dtype=object)
        question[sel] = qs[rng.integers(0, len(qs), m)]
        mats = vocab.MATERIALS[name]
        a = rng.integers(0, len(mats), m)
        b = rng.integers(0, len(mats), m)
        two = rng.random(m) < 0.5
        materials[sel] = [mats[x] if not t or x == y else f"{mats[x]}、{mats[y]}"
                          for x, y, t in zip(a.tolist(), b.tolist(), two.tolist())]
    cols = {
        "customer_id": world.customers.ids[d.customer[deal]],
        "at": at,
        "channel": np.array(vocab.CHANNELS, dtype=object)[rng.integers(0, len(vocab.CHANNELS), k)],
        "question": question,
        "materials": materials,
        "engineer": world.engineers[line, rng.integers(0, world.engineers.shape[1], k)],
    }
    cols = in_order(cols, at)
    return {"interaction_id": make_ids(world, "interaction", "JL", cols["at"]), **cols}
