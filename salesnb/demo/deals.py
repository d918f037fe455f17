"""One block of deals, simulated forward from their first contact to ``as_of``.

Deals start at an even pace over the 12 weeks before ``as_of``; each step
follows the previous one after a realistic gap (and office hours), and a step
that would fall after ``as_of`` has simply not happened yet.  What the
article calls data ghosts are flags: a quote accepted that never becomes an
order, a lead whose response was never logged, an invoice never paid.

Three adjustments keep the data set honest for the checks:

* the share of ghosts among accepted quotes is calibrated so that about 31%
  of those accepted ≥ 48 h ago have no order, counting the ones still in the
  pipeline;
* a few deals are *planted*: moved so that every SLA level and aging bucket
  has items even in a small data set;
* deals are trimmed uniformly at random to exactly the requested number of
  orders.  Older deals whose invoice is still open (or was paid within the
  bank statement period) are added first, as a real receivables list has them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

from . import vocab
from .org import Customers, Org, Slots
from .states import (BANK_PERIOD_DAYS, CLAIM_STUCK, CLAIMED, GHOST_WEIGHTS, GHOSTS, INFEASIBLE_PENDING, LEAD_ONLY_LOST,
                     LEAD_ONLY_PER_QUOTE, LEGACY_DAYS, LEGACY_KEPT, NEVER_PAID, ORDER_CANCELLED, QUOTE_LOST, QUOTE_NEVER_SENT,
                     QUOTE_NOT_ORDERED, QUOTES_WITH_LEAD, LEGACY_WITH_LEAD, RESPONSE_MISSING, RESPONSE_SLOW, WINDOW_DAYS, State)
from .timeline import DAY, HOUR, NA, business_hours, hours, office_forward, uniform

# Steps of a deal, in order.
(LEAD, QUOTED, ACCEPTED, SUBMITTED, DECIDED, ORDERED, READY, SHIPPED, REQUESTED, CONFIRMED, ISSUED,
 PAID) = range(12)
N_STEPS = 12
NO_CLAIM, CLAIM_REVIEW, CLAIM_CONFIRMED, CLAIM_REJECTED = range(4)
GHOST = {name: i + 1 for i, name in enumerate(GHOSTS)}  # 0 = no ghost

PAY_TERMS = np.array([30, 60, 90])
PAY_TERM_WEIGHTS = np.array([0.55, 0.3, 0.15])
DISCOUNTS = np.array([1.0, 0.98, 0.97, 0.95, 0.93, 0.9])
DISCOUNT_WEIGHTS = np.array([0.4, 0.15, 0.15, 0.15, 0.1, 0.05])
SLA_BANDS = 4  # not due, levels 1, 2, 3
FLOOR_PER_BAND = 2


@dataclass
class World:
    """What every block shares: the time, the org, customers, slots and lanes."""

    as_of: int
    org: Org
    customers: Customers
    slots: Slots
    lanes: dict[str, np.ndarray]
    engineers: np.ndarray  # [product line, k] names
    id_width: int = 7  # digits of running numbers in ids
    counters: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        regions = np.array(vocab.REGIONS, dtype=object)
        dest = self.lanes["dest_region"]
        self.lanes_of_region = [np.flatnonzero(dest == r) for r in regions]
        self.transit_min = np.array([self.lanes["transit_days"][ix].min() for ix in self.lanes_of_region])
        self.reps = np.stack(self.org.reps_by_region)  # [region, k]


@dataclass
class Deals:
    """Arrays over deals (the last axis indexes the deal)."""

    quote_deal: np.ndarray  # False: a lead that never got a quote
    customer: np.ndarray
    owner: np.ndarray
    region: np.ndarray
    line: np.ndarray
    quantity: np.ndarray
    quote_cents: np.ndarray
    contract_cents: np.ndarray
    terms: np.ndarray
    dest: np.ndarray
    has_lead: np.ndarray
    lost: np.ndarray
    never_sent: np.ndarray
    cancelled: np.ndarray
    never_pay: np.ndarray
    resp_missing: np.ndarray
    resp_gap: np.ndarray
    start: np.ndarray
    gaps: np.ndarray  # [step, deal]: seconds from step k to k+1
    jitter: np.ndarray  # [step, deal]: where in the morning a step moved out of the night lands
    weekend_ok: np.ndarray  # [step, deal]
    post_gaps: np.ndarray  # [2, deal]: payment → claim, claim → review
    ghost: np.ndarray = None
    exact: np.ndarray = None  # planted: no office-hours shifts
    legacy: np.ndarray = None
    # derived by run()
    t: np.ndarray = None  # [step, deal], NA where the step has not happened
    state: np.ndarray = None
    responded: np.ndarray = None
    # set by finish()
    delivered: np.ndarray = None
    lane: np.ndarray = None
    promised: np.ndarray = None
    pay_group: np.ndarray = None
    split_parts: np.ndarray = None
    claim: np.ndarray = None
    claim_t: np.ndarray = None  # [2, deal]: submitted, reviewed
    partial_paid: np.ndarray = None

    def __len__(self) -> int:
        return len(self.customer)

    def of(self, *states: State) -> np.ndarray:
        return np.isin(self.state, np.array([int(s) for s in states]))

    def take(self, idx: np.ndarray) -> Deals:
        return Deals(**{f.name: _take(getattr(self, f.name), idx) for f in fields(self)})

    @staticmethod
    def concat(parts: list[Deals]) -> Deals:
        out = {}
        for f in fields(Deals):
            values = [getattr(p, f.name) for p in parts]
            out[f.name] = None if values[0] is None else np.concatenate(values, axis=values[0].ndim - 1)
        return Deals(**out)


def _take(value, idx):
    if value is None:
        return None
    return value[..., idx]


# --------------------------------------------------------------------------- sampling

def sample(rng: np.random.Generator, world: World, n_quote: int, n_lead_only: int,
           age_days: tuple[float, float], legacy: bool = False) -> Deals:
    """New deals starting between ``age_days`` before as_of, with attributes, flags and gaps."""
    n = n_quote + n_lead_only
    cust = world.customers
    customer = rng.choice(len(cust.ids), n, p=cust.weight)
    region = cust.region[customer]
    owner = np.where(rng.random(n) < 0.9, cust.owner[customer],
                     world.reps[region, rng.integers(0, world.reps.shape[1], n)])
    lines = vocab.PRODUCT_LINES
    line = rng.choice(len(lines), n, p=np.array([p[5] for p in lines]))
    quantity = np.zeros(n, dtype=np.int64)
    price = np.zeros(n, dtype=np.int64)
    for li, p in enumerate(lines):
        sel = line == li
        k = int(sel.sum())
        quantity[sel] = rng.choice(np.array(p[2]), k)
        step = 10 if p[1][0] < 10_000 else 100
        price[sel] = rng.integers(p[1][0] // step, p[1][1] // step, k) * step
    quote_cents = quantity * price * 100
    contract_cents = np.round(quote_cents * rng.choice(DISCOUNTS, n, p=DISCOUNT_WEIGHTS)).astype(np.int64)
    quote_deal = np.arange(n) < n_quote
    u = rng.random(n)
    never_sent = quote_deal & (u < QUOTE_NEVER_SENT) & (not legacy)
    lost = np.where(quote_deal, (u >= QUOTE_NEVER_SENT) & (u < QUOTE_NEVER_SENT + QUOTE_LOST),
                    rng.random(n) < LEAD_ONLY_LOST) & (not legacy)
    r = rng.random(n)
    fast = hours(rng, n, 1.0, 0.9, 0.05, 3.9)
    slow = (np.exp(np.log(4.1) + rng.random(n) * (np.log(72) - np.log(4.1))) * HOUR).astype(np.int64)
    start = world.as_of - uniform(rng, n, age_days[0] * DAY, age_days[1] * DAY)
    deals = Deals(
        quote_deal=quote_deal, customer=customer, owner=owner, region=region, line=line, quantity=quantity,
        quote_cents=quote_cents, contract_cents=contract_cents,
        terms=rng.choice(PAY_TERMS, n, p=PAY_TERM_WEIGHTS),
        dest=np.where(rng.random(n) < 0.85, region, rng.integers(0, len(vocab.REGIONS), n)),
        has_lead=~quote_deal | (rng.random(n) < (LEGACY_WITH_LEAD if legacy else QUOTES_WITH_LEAD)),
        lost=lost, never_sent=never_sent,
        cancelled=rng.random(n) < ORDER_CANCELLED, never_pay=rng.random(n) < NEVER_PAID,
        resp_missing=r < RESPONSE_MISSING,
        resp_gap=np.where(r < RESPONSE_MISSING + RESPONSE_SLOW, slow, fast),
        start=business_hours(rng, start),
        gaps=_gaps(rng, n, line),
        jitter=rng.random((N_STEPS, n)),
        weekend_ok=rng.random((N_STEPS, n)) < 0.15,
        post_gaps=np.stack([hours(rng, n, 20, 0.8, 0.5, 216), hours(rng, n, 20, 0.9, 0.5, 240)]),
    )
    deals.ghost = np.zeros(n, dtype=np.int64)
    deals.exact = np.zeros(n, dtype=bool)
    deals.legacy = np.full(n, legacy)
    return deals


def _gaps(rng: np.random.Generator, n: int, line: np.ndarray) -> np.ndarray:
    """Gap (seconds) from step k to step k+1 for every deal: row k (the last row is set by ``run``)."""
    g = np.empty((N_STEPS - 1, n), dtype=np.int64)
    g[LEAD] = hours(rng, n, 72, 0.7, 6, 720)
    g[QUOTED] = hours(rng, n, 96, 0.8, 2, 960)
    g[ACCEPTED] = hours(rng, n, 16, 0.7, 1, 240)
    g[SUBMITTED] = hours(rng, n, 6, 1.0, 0.2, 120)
    g[DECIDED] = hours(rng, n, 3, 0.8, 0.1, 48)
    prod = np.array([p[3] for p in vocab.PRODUCT_LINES])[line]
    g[ORDERED] = ((prod[:, 0] + rng.random(n) * (prod[:, 1] - prod[:, 0])) * DAY).astype(np.int64)
    g[READY] = hours(rng, n, 10, 0.9, 0.5, 240)
    g[SHIPPED] = hours(rng, n, 30, 0.8, 1, 360)
    g[REQUESTED] = hours(rng, n, 1.2, 0.9, 0.05, 72)
    g[CONFIRMED] = hours(rng, n, 4, 0.8, 0.1, 72)
    u = rng.random(n)
    # days after the due date: mostly around it, some late, a few very late
    g[ISSUED] = (np.where(u < 0.6, -10 + 13 * rng.random(n),
                          np.where(u < 0.95, 3 + 42 * rng.random(n), 45 + 75 * rng.random(n))) * DAY).astype(np.int64)
    return g


# --------------------------------------------------------------------------- the timeline

def run(d: Deals, T: int) -> None:
    """Lay out every deal's steps from its start and read off its state at ``T``."""
    n = len(d)
    t = np.empty((N_STEPS, n), dtype=np.int64)
    t[LEAD] = d.start
    for k in range(N_STEPS - 1):
        gap = d.gaps[k] + (d.terms * DAY if k == ISSUED else 0)
        raw = t[k] + gap
        t[k + 1] = np.where(d.exact, raw, office_forward(raw, d.jitter[k + 1], d.weekend_ok[k + 1]))
    frozen = d.ghost == GHOST["frozen"]
    t[DECIDED, frozen] = t[SUBMITTED, frozen] + 60 + (d.jitter[DECIDED, frozen] * 540).astype(np.int64)
    decision = t[ACCEPTED].copy()  # when the customer accepted or turned the quote down

    cut = np.full(n, N_STEPS)
    cut[~d.quote_deal | d.never_sent] = QUOTED
    cut[d.quote_deal & d.lost] = ACCEPTED
    for name, step in (("no_contract", SUBMITTED), ("stuck_pending", DECIDED), ("frozen", ORDERED),
                       ("rejected", ORDERED), ("approved_no_order", ORDERED)):
        cut[d.ghost == GHOST[name]] = step
    clean = d.ghost == 0
    cut[clean & d.cancelled & (cut > READY)] = READY
    cut[d.never_pay & (cut > PAID)] = PAID
    steps = np.arange(N_STEPS)[:, None]
    t[(steps >= cut) | (t > T)] = NA
    d.t = t

    def h(step: int) -> np.ndarray:
        return t[step] != NA

    draft_at = d.start + (0.6 * d.gaps[LEAD]).astype(np.int64)
    due = t[ISSUED] + d.terms * DAY
    S = State
    conditions = [
        (~d.quote_deal & d.lost & (T - d.start > 3 * DAY), S.LEAD_LOST),
        (~d.quote_deal | (draft_at > T), S.LEAD_OPEN),
        (~h(QUOTED), S.Q_DRAFT),
        (decision > T, S.Q_QUOTED),
        (d.lost, S.Q_LOST),
        (~h(SUBMITTED), S.A_NO_CONTRACT),
        (~h(DECIDED), S.A_PENDING),
        (frozen, S.A_FROZEN),
        (d.ghost == GHOST["rejected"], S.A_REJECTED),
        (~h(ORDERED), S.A_NO_ORDER),
        (d.cancelled & clean, S.O_CANCELLED),
        (~h(READY), S.O_PROD),
        (~h(SHIPPED), S.O_BOOK),
        (~h(REQUESTED), S.O_SHIPPED),
        (~h(CONFIRMED), S.O_REQ),
        (~h(ISSUED), S.O_CONF),
        (~h(PAID) & (due < T), S.O_OVERDUE),
        (~h(PAID), S.O_ISSUED),
        (t[PAID] >= T - BANK_PERIOD_DAYS * DAY, S.O_PAID_RECENT),
    ]
    d.state = np.select([c for c, _ in conditions], [int(s) for _, s in conditions], int(S.O_PAID_OLD))

    gap = d.resp_gap.copy()
    sent = h(QUOTED)
    gap[sent] = np.minimum(gap[sent], (0.8 * (t[QUOTED, sent] - d.start[sent])).astype(np.int64))
    resp = d.start + gap
    d.responded = np.where(d.resp_missing | (resp > T) | ~d.has_lead, NA, resp)


def calibrate_ghosts(rng: np.random.Generator, d: Deals, T: int) -> None:
    """Turn accepted quotes into ghosts so that ~31% of those accepted ≥ 48 h ago have no order.

    Legacy deals count in the denominator (their quotes are in the data) but
    never become ghosts; deals already ghosts or planted stay as they are.
    """
    accepted = d.t[ACCEPTED] != NA
    eligible = accepted & (d.t[ACCEPTED] <= T - 48 * HOUR)
    ordered = d.t[ORDERED] != NA
    want = round(QUOTE_NOT_ORDERED * int(eligible.sum())) - int((eligible & ~ordered).sum())
    open_to = ordered & ~d.legacy & ~d.exact & (d.ghost == 0)
    pool = np.flatnonzero(eligible & open_to)
    chosen = rng.permutation(pool)[: max(0, want)]
    rate = len(chosen) / max(1, len(pool))
    recent = np.flatnonzero(accepted & ~eligible & open_to)
    chosen = np.concatenate([chosen, recent[rng.random(len(recent)) < rate]])
    d.ghost[chosen] = 1 + rng.choice(len(GHOSTS), len(chosen), p=np.asarray(GHOST_WEIGHTS))
    run(d, T)


def plant(rng: np.random.Generator, d: Deals, T: int) -> None:
    """Move a few clean deals so that every SLA level of every node and every aging bucket has items."""
    clean = d.quote_deal & ~d.lost & ~d.never_sent & (d.ghost == 0) & ~d.cancelled & ~d.exact
    nodes = ((SUBMITTED, State.A_PENDING, 24), (READY, State.O_BOOK, 24), (REQUESTED, State.O_REQ, 2))
    for step, state, target_h in nodes:
        ages = T - d.t[step, d.state == state]
        for band, need in enumerate(_deficits(_sla_band(ages, target_h))):
            pool = np.flatnonzero(clean & ~d.exact & (d.t[step + 1] != NA))
            chosen = rng.permutation(pool)[:need]
            age = _band_age(rng, band, target_h, len(chosen))
            d.gaps[step, chosen] = age + uniform(rng, len(chosen), HOUR, 12 * HOUR)
            _place(d, chosen, step, T - age)
    overdue = d.state == State.O_OVERDUE
    days = (T - d.t[ISSUED, overdue] - d.terms[overdue] * DAY) / DAY
    buckets = np.digitize(days, [30, 60, 90])
    for bucket, need in enumerate(_deficits(buckets)):
        pool = np.flatnonzero(clean & ~d.exact & (d.t[ISSUED] != NA))
        chosen = rng.permutation(pool)[:need]
        past_due = (30 * bucket + 5 + rng.random(len(chosen)) * 20) * DAY
        d.never_pay[chosen] = True
        _place(d, chosen, ISSUED, T - d.terms[chosen] * DAY - past_due.astype(np.int64))
    run(d, T)


def _sla_band(age_s: np.ndarray, target_h: float) -> np.ndarray:
    return np.digitize(age_s / HOUR, [target_h, 2 * target_h, 4 * target_h])


def _deficits(bands: np.ndarray) -> list[int]:
    counts = np.bincount(bands, minlength=SLA_BANDS)
    return [max(0, FLOOR_PER_BAND - int(c)) for c in counts]


def _band_age(rng: np.random.Generator, band: int, target_h: float, n: int) -> np.ndarray:
    lo, hi = [(0.1, 0.9), (1.1, 1.9), (2.2, 3.8), (4.3, 8.0)][band]
    return ((lo + rng.random(n) * (hi - lo)) * target_h * HOUR).astype(np.int64)


def _place(d: Deals, chosen: np.ndarray, step: int, when: np.ndarray) -> None:
    """Shift whole deals so that ``step`` happens at ``when`` (exactly, without office-hour moves)."""
    offset = d.gaps[:step, chosen].sum(axis=0) + (d.terms[chosen] * DAY if step > ISSUED else 0)
    d.start[chosen] = when - offset
    d.exact[chosen] = True


def trim(rng: np.random.Generator, d: Deals, orders: int) -> Deals | None:
    """A uniform subset (planted and legacy deals first) with exactly ``orders`` orders; None if too few."""
    has_order = d.state >= State.O_CANCELLED
    first = d.exact | d.legacy
    perm = np.concatenate([np.flatnonzero(first), rng.permutation(np.flatnonzero(~first))])
    cum = np.cumsum(has_order[perm])
    if len(cum) == 0 or cum[-1] < orders:
        return None
    keep = perm[: int(np.searchsorted(cum, orders)) + 1]
    return d.take(np.sort(keep))


# --------------------------------------------------------------------------- a block

def make_deals(rng: np.random.Generator, world: World, orders: int) -> Deals:
    """The deals of one block: exactly ``orders`` orders, legacy receivables included."""
    T = world.as_of
    legacy = sample(rng, world, round(orders * LEGACY_DAYS / WINDOW_DAYS), 0,
                    (WINDOW_DAYS, WINDOW_DAYS + LEGACY_DAYS), legacy=True)
    run(legacy, T)
    open_invoice = legacy.of(State.O_ISSUED, State.O_OVERDUE, State.O_PAID_RECENT)
    legacy = legacy.take(np.flatnonzero(open_invoice & (rng.random(len(legacy)) < LEGACY_KEPT)))
    legacy = legacy.take(np.arange(min(len(legacy), orders)))
    batches = [legacy]
    have = len(legacy)
    while True:
        need = orders - have
        m = int(need * 2.1) + 20
        batch = sample(rng, world, m, round(m * LEAD_ONLY_PER_QUOTE), (0, WINDOW_DAYS))
        run(batch, T)
        batches.append(batch)
        deals = Deals.concat(batches)
        calibrate_ghosts(rng, deals, T)
        have = int((deals.state >= State.O_CANCELLED).sum())
        plant(rng, deals, T)
        trimmed = trim(rng, deals, orders)
        if trimmed is not None:
            break
    finish(rng, world, trimmed)
    return trimmed


# --------------------------------------------------------------------------- after the timeline

def finish(rng: np.random.Generator, world: World, d: Deals) -> None:
    """Side branches: payments and claims, first responses, deliveries, delivery promises."""
    T = world.as_of
    n = len(d)
    d.pay_group = np.full(n, -1, dtype=np.int64)
    d.split_parts = np.zeros(n, dtype=np.int64)
    d.claim = np.zeros(n, dtype=np.int64)
    d.claim_t = np.full((2, n), NA, dtype=np.int64)
    d.partial_paid = np.zeros(n, dtype=bool)
    _batch_payments(rng, d, T)
    _claims(rng, d, T)
    _pending_leads(rng, d, T)
    _deliveries(rng, d, world)
    _overdue_extras(rng, d, T)
    _promises(rng, d, world)


def _batch_payments(rng: np.random.Generator, d: Deals, T: int) -> None:
    """Payments in the statement period: some in 2–3 parts, some customers pay several invoices at once."""
    sel = np.flatnonzero(d.state == State.O_PAID_RECENT)
    n = len(sel)
    split = rng.random(n) < 0.12
    d.split_parts[sel[split]] = np.where(rng.random(int(split.sum())) < 0.7, 2, 3)
    whole = sel[~split]
    paid = d.t[PAID, whole]
    order = np.lexsort((paid, d.customer[whole]))
    idx, cust, paid = whole[order], d.customer[whole][order], paid[order]
    if len(idx) < 2:
        return
    new_run = np.r_[True, cust[1:] != cust[:-1]]
    run_no = np.cumsum(new_run) - 1
    rank = np.arange(len(idx)) - np.flatnonzero(new_run)[run_no]
    batcher = (rng.random(int(run_no[-1]) + 1) < 0.45)[run_no]
    first_paid = paid[np.flatnonzero(new_run)[run_no] + (rank // 4) * 4]  # earliest payment of each group of ≤ 4
    fits = batcher & (d.t[ISSUED, idx] <= first_paid - DAY)
    key = run_no * 1_000_000 + rank // 4
    _, inverse, sizes = np.unique(key[fits], return_inverse=True, return_counts=True)
    members = np.flatnonzero(fits)[sizes[inverse] >= 2]
    group = np.unique(key[members], return_inverse=True)[1]
    d.pay_group[idx[members]] = group
    d.t[PAID, idx[members]] = first_paid[members]


def _claims(rng: np.random.Generator, d: Deals, T: int) -> None:
    """Reps claim payments; finance reviews the claims of the statement period only when reconciling."""
    paid = d.of(State.O_PAID_RECENT, State.O_PAID_OLD)
    claimed = paid & (rng.random(len(d)) < CLAIMED)
    submitted = d.t[PAID] + d.post_gaps[0]
    claimed &= submitted <= T
    recent = claimed & (d.state == State.O_PAID_RECENT)
    old = claimed & (d.state == State.O_PAID_OLD)
    reviewed = submitted + d.post_gaps[1]
    stuck = recent & (rng.random(len(d)) < CLAIM_STUCK)
    done = (old | (recent & ~stuck)) & (reviewed <= T)
    d.claim[claimed] = np.where(done[claimed], CLAIM_CONFIRMED, CLAIM_REVIEW)
    d.claim_t[0, claimed] = submitted[claimed]
    d.claim_t[1, done] = reviewed[done]
    d.claim_t[1, old & ~done] = T - 60
    d.claim[old] = CLAIM_CONFIRMED
    # every review level present: move claims of recent payments to the missing ages
    pending = d.claim == CLAIM_REVIEW
    for band, need in enumerate(_deficits(_sla_band(T - d.claim_t[0, pending], 48))):
        age = _band_age(rng, band, 48, need)
        for a in age.tolist():
            pool = np.flatnonzero((d.state == State.O_PAID_RECENT) & (d.t[PAID] <= T - a - HOUR)
                                  & (d.claim != CLAIM_REVIEW))
            if len(pool) == 0:
                break
            i = int(rng.choice(pool))
            d.claim[i] = CLAIM_REVIEW
            d.claim_t[:, i] = (T - a, NA)


def _pending_leads(rng: np.random.Generator, d: Deals, T: int) -> None:
    """Every first-response level present: fresh leads nobody has answered yet."""
    waiting = d.has_lead & (d.responded == NA)
    for band, need in enumerate(_deficits(_sla_band(T - d.t[LEAD, waiting], 4))):
        pool = np.flatnonzero(~d.quote_deal & (d.state == State.LEAD_OPEN) & (d.responded != NA))
        chosen = rng.permutation(pool)[:need]
        d.start[chosen] = d.t[LEAD, chosen] = T - _band_age(rng, band, 4, len(chosen))
        d.responded[chosen] = NA


def _deliveries(rng: np.random.Generator, d: Deals, world: World) -> None:
    """A lane to the destination for shipped deals, and delivery after its transit days."""
    n = len(d)
    shipped = d.t[SHIPPED] != NA
    lane = np.full(n, -1, dtype=np.int64)
    for r, lanes in enumerate(world.lanes_of_region):
        sel = shipped & (d.dest == r)
        lane[sel] = rng.choice(lanes, int(sel.sum()))
    d.lane = lane
    transit = np.where(lane >= 0, world.lanes["transit_days"][lane], 0)
    arrive = d.t[SHIPPED] + transit * DAY + uniform(rng, n, -0.3 * DAY, 0.5 * DAY)
    arrive = np.maximum(arrive, d.t[SHIPPED] + 6 * HOUR)
    d.delivered = np.where(shipped & (arrive <= world.as_of), arrive, NA)


def _overdue_extras(rng: np.random.Generator, d: Deals, T: int) -> None:
    """Overdue invoices: some were partly paid in the statement period, some had a claim rejected."""
    overdue = np.flatnonzero(d.state == State.O_OVERDUE)
    d.partial_paid[overdue[rng.random(len(overdue)) < 0.1]] = True
    rejected = overdue[rng.random(len(overdue)) < 0.08]
    due = d.t[ISSUED, rejected] + d.terms[rejected] * DAY
    room = T - DAY - due
    ok = room > HOUR
    rejected, due, room = rejected[ok], due[ok], room[ok]
    submitted = due + (rng.random(len(rejected)) * room).astype(np.int64)
    d.claim[rejected] = CLAIM_REJECTED
    d.claim_t[0, rejected] = submitted
    d.claim_t[1, rejected] = np.minimum(submitted + d.post_gaps[1, rejected], T - 60)


def _promises(rng: np.random.Generator, d: Deals, world: World) -> None:
    """Promised delivery days: feasible for most contracts, infeasible for frozen and some pending ones.

    Feasibility follows docs/design.md: days until the first production slot on or
    after the submission date with enough free capacity, plus the shortest
    transit to the destination.
    """
    n = len(d)
    has_contract = d.t[SUBMITTED] != NA
    day = np.where(has_contract, d.t[SUBMITTED] // DAY, -10**6)
    wait = world.slots.wait_days(d.line, d.quantity, day)
    needed = np.where(wait == NA, NA, wait + world.transit_min[d.dest])
    known = needed != NA
    infeasible = d.state == State.A_FROZEN
    pending = np.flatnonzero(d.state == State.A_PENDING)
    want = rng.random(len(pending)) < INFEASIBLE_PENDING
    want[: min(len(pending), 8)] = np.arange(min(len(pending), 8)) % 2 == 0
    infeasible[pending[want]] = True
    # An infeasible promise is a few days short of what the slots and lanes allow.
    short = np.maximum(1, np.minimum(10, needed // 3))
    cut = 1 + (rng.random(n) * short).astype(np.int64)
    promised = np.where(known, needed + rng.integers(0, 21, n), rng.integers(20, 61, n))
    can_cut = infeasible & known & (needed >= 6)
    promised[can_cut] = needed[can_cut] - cut[can_cut]
    d.promised = np.where(has_contract, promised, NA)
