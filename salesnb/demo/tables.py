"""Turn a block of deals into rows of the canonical funnel tables.

Columns are typed arrays that :mod:`salesnb.demo.writer` formats by the
column's kind: strings (object arrays, '' = empty), timestamps (int64
seconds, ``NA`` = empty), money (int64 cents), booleans (int8, −1 = empty),
integers (int64, ``NA`` = empty), floats (NaN = empty).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import vocab
from .deals import (ACCEPTED, CLAIM_CONFIRMED, CLAIM_REJECTED, CLAIM_REVIEW, CONFIRMED, DECIDED, ISSUED, LEAD,
                    NO_CLAIM, ORDERED, QUOTED, REQUESTED, SHIPPED, SUBMITTED, Deals, World)
from .states import NO_SHIPMENT_ROW, SHIPPED_WITHOUT_TRACKING, State
from .timeline import HOUR, NA, uniform

Columns = dict[str, object]
REGION_NAMES = np.array(vocab.REGIONS, dtype=object)
LINE_NAMES = np.array([p[0] for p in vocab.PRODUCT_LINES], dtype=object)
INVOICE_BASE = 24_100_000


def sequence(world: World, kind: str, key: np.ndarray) -> np.ndarray:
    """Running numbers for new rows of ``kind``, in the order of ``key`` (e.g. creation time)."""
    start = world.counters.get(kind, 0)
    seq = np.empty(len(key), dtype=np.int64)
    seq[np.argsort(key, kind="stable")] = np.arange(len(key))
    world.counters[kind] = start + len(key)
    return start + seq + 1


def make_ids(world: World, kind: str, prefix: str, key: np.ndarray) -> np.ndarray:
    width = world.id_width
    return np.array([f"{prefix}{i:0{width}d}" for i in sequence(world, kind, key).tolist()], dtype=object)


def spread(mask: np.ndarray, values: np.ndarray, fill: object = "") -> np.ndarray:
    """Values for the deals in ``mask``, ``fill`` elsewhere (a per-deal array)."""
    out = np.full(len(mask), fill, dtype=object if isinstance(fill, str) else values.dtype)
    out[mask] = values
    return out


def in_order(cols: Columns, key: np.ndarray) -> Columns:
    """Rows sorted by ``key`` (the order their running numbers were given in)."""
    order = np.argsort(key, kind="stable")
    return {name: np.asarray(values)[order] for name, values in cols.items()}


@dataclass
class Keys:
    """Per-deal ids of the rows a deal produced ('' where none)."""

    lead: np.ndarray
    quote: np.ndarray
    contract: np.ndarray
    order: np.ndarray
    invoice: np.ndarray
    claim: np.ndarray
    technical: np.ndarray  # inquiry type of the deal's lead (True = technical, False = tender)


def funnel_tables(rng: np.random.Generator, world: World, d: Deals) -> tuple[dict[str, Columns], Keys]:
    """leads, quotes, contracts, orders, shipments, invoices and payment_claims of one block."""
    t = d.t
    user_ids = world.org.ids
    cust_ids = world.customers.ids
    out: dict[str, Columns] = {}
    n = len(d)

    def parties(m: np.ndarray) -> Columns:
        return {"customer_id": cust_ids[d.customer[m]], "owner_id": user_ids[d.owner[m]]}

    S = State

    # leads ----------------------------------------------------------------------------
    m = d.has_lead
    keys_of = {"leads": t[LEAD, m]}
    lead_id = spread(m, make_ids(world, "lead", "LD", t[LEAD, m]))
    accepted = d.state >= S.A_NO_CONTRACT
    lost = d.of(S.LEAD_LOST, S.Q_LOST)
    quality = np.where(accepted, 2, np.where(lost, 0, 1))
    budget, dated, freq = _scorecards(rng, quality)
    technical = rng.random(n) >= np.where(d.line == 4, 0.6, 0.35)
    out["leads"] = {
        "lead_id": lead_id[m],
        **parties(m),
        "region": REGION_NAMES[d.region[m]],
        "source": rng.choice(np.array(vocab.LEAD_SOURCES, dtype=object), n, p=vocab.LEAD_SOURCE_WEIGHTS)[m],
        "inquiry_type": np.where(technical, "technical", "tender").astype(object)[m],
        "created_at": t[LEAD, m],
        "first_response_at": d.responded[m],
        "budget_provided": budget[m],
        "delivery_date_specified": dated[m],
        "purchase_freq_per_month": freq[m],
        "status": np.where(accepted, "converted", np.where(lost, "lost", "open")).astype(object)[m],
        "converted_at": np.where(accepted, t[ACCEPTED], NA)[m],
    }

    # quotes ---------------------------------------------------------------------------
    m = d.state >= S.Q_DRAFT
    quote_key = np.where(t[QUOTED] != NA, t[QUOTED], t[LEAD])
    keys_of["quotes"] = quote_key[m]
    quote_id = spread(m, make_ids(world, "quote", "QT", quote_key[m]))
    status = np.select([d.state == S.Q_DRAFT, d.state == S.Q_QUOTED, d.state == S.Q_LOST],
                       ["draft", "quoted", "lost"], "accepted").astype(object)
    out["quotes"] = {
        "quote_id": quote_id[m],
        "lead_id": lead_id[m],
        **parties(m),
        "amount": d.quote_cents[m],
        "quoted_at": t[QUOTED, m],
        "status": status[m],
        "accepted_at": np.where(accepted, t[ACCEPTED], NA)[m],
    }

    # contracts ------------------------------------------------------------------------
    m = d.state >= S.A_PENDING
    keys_of["contracts"] = t[SUBMITTED, m]
    contract_id = spread(m, make_ids(world, "contract", "HT", t[SUBMITTED, m]))
    approved = d.state >= S.A_NO_ORDER
    status = np.select([d.state == S.A_PENDING, d.state == S.A_FROZEN, d.state == S.A_REJECTED],
                       ["pending_approval", "frozen", "rejected"], "approved").astype(object)
    out["contracts"] = {
        "contract_id": contract_id[m],
        "quote_id": quote_id[m],
        **parties(m),
        "amount": d.contract_cents[m],
        "product_line": LINE_NAMES[d.line[m]],
        "quantity": d.quantity[m],
        "dest_region": REGION_NAMES[d.dest[m]],
        "submitted_at": t[SUBMITTED, m],
        "promised_delivery_days": d.promised[m],
        "payment_terms_days": d.terms[m],
        "status": status[m],
        "approved_at": np.where(approved, t[DECIDED], NA)[m],
    }

    # orders ---------------------------------------------------------------------------
    m = d.state >= S.O_CANCELLED
    keys_of["orders"] = t[ORDERED, m]
    order_id = spread(m, make_ids(world, "order", "SO", t[ORDERED, m]))
    shipped = t[SHIPPED] != NA
    status = np.select([d.state == S.O_CANCELLED, ~shipped, d.delivered == NA],
                       ["cancelled", "open", "shipped"], "delivered").astype(object)
    out["orders"] = {
        "order_id": order_id[m],
        "contract_id": contract_id[m],
        "quote_id": quote_id[m],
        "created_at": t[ORDERED, m],
        "status": status[m],
        "shipped_at": t[SHIPPED, m],
    }

    # shipments: about 22% of shipped orders have no tracking number ---------------------
    u = rng.random(n)
    untracked = shipped & (u < SHIPPED_WITHOUT_TRACKING)
    no_row = untracked & (rng.random(n) < NO_SHIPMENT_ROW)
    m = shipped & ~no_row
    keys_of["shipments"] = t[SHIPPED, m]
    lane = d.lane[m]
    carriers = world.lanes["carrier"][lane]
    tracking = _tracking_numbers(rng, carriers)
    tracking[untracked[m]] = ""
    picked_up = np.minimum(t[SHIPPED, m] + uniform(rng, int(m.sum()), 0.5 * HOUR, 8 * HOUR), world.as_of)
    out["shipments"] = {
        "shipment_id": make_ids(world, "shipment", "FY", t[SHIPPED, m]),
        "order_id": order_id[m],
        "carrier": carriers,
        "tracking_no": tracking,
        "shipped_at": picked_up,
        "delivered_at": d.delivered[m],
    }

    # invoices -------------------------------------------------------------------------
    m = t[REQUESTED] != NA
    keys_of["invoices"] = t[REQUESTED, m]
    numbers = sequence(world, "invoice", t[REQUESTED, m]) + INVOICE_BASE
    invoice_id = spread(m, np.array([str(i) for i in numbers.tolist()], dtype=object))
    status = np.select([d.state <= S.O_CONF, d.state == S.O_PAID_OLD], ["requested", "paid"], "issued").astype(object)
    out["invoices"] = {
        "invoice_id": invoice_id[m],
        "contract_id": contract_id[m],
        "order_id": order_id[m],
        "amount": d.contract_cents[m],
        "requested_at": t[REQUESTED, m],
        "confirmed_at": t[CONFIRMED, m],
        "issued_at": t[ISSUED, m],
        "status": status[m],
    }

    # payment claims -------------------------------------------------------------------
    m = d.claim != NO_CLAIM
    keys_of["payment_claims"] = d.claim_t[0, m]
    claim_id = spread(m, make_ids(world, "claim", "HK", d.claim_t[0, m]))
    status = np.select([d.claim == CLAIM_REVIEW, d.claim == CLAIM_CONFIRMED, d.claim == CLAIM_REJECTED],
                       ["finance_review", "confirmed", "rejected"], "").astype(object)
    out["payment_claims"] = {
        "claim_id": claim_id[m],
        "invoice_id": invoice_id[m],
        "owner_id": user_ids[d.owner[m]],
        "amount": d.contract_cents[m],
        "submitted_at": d.claim_t[0, m],
        "reviewed_at": d.claim_t[1, m],
        "status": status[m],
    }
    out = {name: in_order(cols, keys_of[name]) for name, cols in out.items()}
    return out, Keys(lead_id, quote_id, contract_id, order_id, invoice_id, claim_id, technical)


def _scorecards(rng: np.random.Generator, quality: np.ndarray):
    """Scorecard answers that go with how far the lead got; some cards were never filled in."""
    n = len(quality)
    budget = (rng.random(n) < np.array([0.25, 0.5, 0.75])[quality]).astype(np.int8)
    dated = (rng.random(n) < np.array([0.2, 0.45, 0.7])[quality]).astype(np.int8)
    probs = np.array([
        [0.35, 0.25, 0.2, 0.1, 0.05, 0.03, 0.02],
        [0.15, 0.2, 0.25, 0.2, 0.1, 0.06, 0.04],
        [0.05, 0.1, 0.2, 0.3, 0.15, 0.12, 0.08],
    ])
    cum = probs.cumsum(axis=1)[quality]
    freq = np.array(vocab.PURCHASE_FREQS)[(rng.random(n)[:, None] > cum).sum(axis=1).clip(0, 6)]
    u = rng.random(n)
    blank = u < 0.10
    one = (u >= 0.10) & (u < 0.14)
    which = rng.integers(0, 3, n)
    budget[blank | (one & (which == 0))] = -1
    dated[blank | (one & (which == 1))] = -1
    freq[blank | (one & (which == 2))] = np.nan
    return budget, dated, freq


def _tracking_numbers(rng: np.random.Generator, carriers: np.ndarray) -> np.ndarray:
    fmt = {c[0]: (c[3], c[4]) for c in vocab.CARRIERS}
    digits = rng.integers(0, 10**11, len(carriers)) * 100 + rng.integers(0, 100, len(carriers))
    out = np.empty(len(carriers), dtype=object)
    for i, (carrier, number) in enumerate(zip(carriers.tolist(), digits.tolist())):
        prefix, width = fmt[carrier]
        out[i] = f"{prefix}{number % 10**width:0{width}d}"
    return out
