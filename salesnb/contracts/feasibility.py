"""Delivery feasibility (交付可行性): the one rule behind the contract breaker and the ``delivery_infeasible`` check.

A contract is infeasible when

    promised_delivery_days < (first production slot on or after the submission
    date with free_capacity >= quantity, for its product line, minus the
    submission date, in days) + (smallest transit_days of a lane to its
    destination region)

and also when there is no such slot or no such lane.  Exactly equal days are
feasible.  Day arithmetic is on local calendar dates (Asia/Shanghai by
default): a contract submitted at 23:30 counts from that local date.  A
missing quantity or product line finds no slot, a missing destination no
lane, and a missing promise is not compared (it is not infeasible).

:func:`judge` is the rule; everything else feeds it.  Production slots and
lanes are always read the same way, through the source plugins
(``salesnb_read_source``: an ERP schedule or a carrier feed when one is
installed, the store otherwise) into a :class:`Capacity`, minus the capacity
approved contracts hold (``capacity_reservations``, :mod:`salesnb.contracts.reservations`;
a contract's own reservation never counts against it).  Submitting a
contract (:func:`check_contract`), a what-if in the approval app
(:func:`check_terms`), the re-check at approval and the check over every pending contract
(:func:`assess_pending`) therefore always agree.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from ..errors import ContractError
from ..models import CapacityReservation, Contract
from ..plugins.sources import read_source
from ..timeutil import to_local

# Reason codes: stored in contracts.frozen_reason["code"] and in the check's findings (details.reason).
OK, TOO_SHORT, NO_SLOT, NO_LANE = "ok", "too_short", "no_slot", "no_lane"
REASONS = (TOO_SHORT, NO_SLOT, NO_LANE)
TERMS = ("product_line", "quantity", "dest_region", "promised_delivery_days")


@dataclass(frozen=True)
class Slot:
    date: date
    free_capacity: int


@dataclass(frozen=True)
class LaneOption:
    carrier: str
    transit_days: int


@dataclass(frozen=True)
class Feasibility:
    """The verdict on one contract, with every figure a rep or a customer needs to see."""

    feasible: bool
    code: str
    submitted_date: date | None
    promised_days: int | None
    quantity: int | None
    slot_date: date | None = None
    production_days: int | None = None
    carrier: str | None = None
    transit_days: int | None = None

    @property
    def reason(self) -> str:
        """The reason code (``ok`` when feasible)."""
        return self.code

    @property
    def wait_days(self) -> int | None:
        """Days from the submission date to the production slot (0 on the same day)."""
        return self.production_days

    @property
    def required_days(self) -> int | None:
        if self.production_days is None or self.transit_days is None:
            return None
        return self.production_days + self.transit_days

    @property
    def shortfall_days(self) -> int | None:
        required = self.required_days
        if required is None or self.promised_days is None:
            return None
        return max(0, required - self.promised_days)

    @property
    def promised_date(self) -> date | None:
        if self.submitted_date is None or self.promised_days is None:
            return None
        return self.submitted_date + timedelta(days=self.promised_days)

    @property
    def expected_delivery_date(self) -> date | None:
        if self.slot_date is None or self.transit_days is None:
            return None
        return self.slot_date + timedelta(days=self.transit_days)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready figures (dates as ISO strings), as stored in submissions and frozen reasons."""
        data = asdict(self)
        data.update(
            required_days=self.required_days,
            shortfall_days=self.shortfall_days,
            promised_date=self.promised_date,
            expected_delivery_date=self.expected_delivery_date,
        )
        return {k: v.isoformat() if isinstance(v, date) else v for k, v in data.items()}


def judge(*, submitted_date: date | None, promised_days: int | None, quantity: int | None,
          slot: Slot | None, lane: LaneOption | None) -> Feasibility:
    """The feasibility rule on the first fitting slot and the fastest lane (either may be missing)."""
    slot_date = production_days = carrier = transit_days = None
    if slot is not None and submitted_date is not None:
        slot_date, production_days = slot.date, (slot.date - submitted_date).days
    if lane is not None:
        carrier, transit_days = lane.carrier, lane.transit_days
    if production_days is None:
        code = NO_SLOT
    elif transit_days is None:
        code = NO_LANE
    elif promised_days is not None and promised_days < production_days + transit_days:
        code = TOO_SHORT
    else:
        code = OK
    # positional: the pending contracts' check judges about 100,000 sets of terms
    return Feasibility(code == OK, code, submitted_date, promised_days, quantity, slot_date, production_days,
                       carrier, transit_days)


class Capacity:
    """Production slots per product line (by date) and lanes per destination, ready for many look-ups."""

    def __init__(self, slots: Iterable[tuple[str, date, int]], lanes: Iterable[tuple[str, str, int]]):
        by_line: dict[str, list[tuple[date, int]]] = defaultdict(list)
        for line, day, free in slots:
            by_line[line].append((day, free))
        self._slots = {line: sorted(days) for line, days in by_line.items()}
        self._dates = {line: [d for d, _ in days] for line, days in self._slots.items()}
        fastest: dict[str, LaneOption] = {}
        for carrier, region, transit in lanes:
            option = LaneOption(carrier, transit)
            best = fastest.get(region)
            if best is None or (option.transit_days, option.carrier) < (best.transit_days, best.carrier):
                fastest[region] = option
        self._lanes = fastest
        self._first: dict[tuple[str, date, int], Slot | None] = {}

    def first_slot(self, product_line: str | None, start: date | None, quantity: int | None) -> Slot | None:
        """The first slot of ``product_line`` on or after ``start`` with room for ``quantity``."""
        if product_line is None or start is None or quantity is None:
            return None
        key = (product_line, start, quantity)
        if key not in self._first:  # pending contracts share few (line, date, quantity): 2,273 of 136,006
            days = self._slots.get(product_line, ())
            fitting = (Slot(day, free) for day, free in days[bisect_left(self._dates.get(product_line, ()), start):]
                       if free >= quantity)
            self._first[key] = next(fitting, None)
        return self._first[key]

    def fastest_lane(self, dest_region: str | None) -> LaneOption | None:
        """The lane to ``dest_region`` with the fewest transit days (ties: carrier name)."""
        return self._lanes.get(dest_region) if dest_region is not None else None

    def assess(self, *, submitted_date: date | None, promised_days: int | None, quantity: int | None,
               product_line: str | None, dest_region: str | None) -> Feasibility:
        """:func:`judge` on this capacity."""
        return judge(submitted_date=submitted_date, promised_days=promised_days, quantity=quantity,
                     slot=self.first_slot(product_line, submitted_date, quantity),
                     lane=self.fastest_lane(dest_region))


def evaluate(*, submitted_date: date, promised_days: int, quantity: int, slots: Iterable[Slot],
             lanes: Iterable[LaneOption]) -> Feasibility:
    """The rule on plain figures (no database): one product line's slots and the lanes to one destination."""
    capacity = Capacity((("", s.date, s.free_capacity) for s in slots),
                        ((ln.carrier, "", ln.transit_days) for ln in lanes))
    return capacity.assess(submitted_date=submitted_date, promised_days=promised_days, quantity=quantity,
                           product_line="", dest_region="")


# ---------------------------------------------------------------- reading capacity

def read_capacity(engine: Engine, *, product_lines: Iterable[str], dest_regions: Iterable[str],
                  start: date, exclude_contract: str | None = None) -> Capacity:
    """Slots of ``product_lines`` from ``start`` on and lanes to ``dest_regions``, through the source plugins;
    each slot's free capacity less what approved contracts (other than ``exclude_contract``) reserved on it."""
    lines = sorted(set(product_lines))
    held = reserved(engine, lines, start, exclude_contract)
    slots: list[tuple[str, date, int]] = []
    for line in lines:
        frame = read_source(engine, "production_slots", product_line=line, date_from=start)
        for d, c in zip(frame["date"], frame["free_capacity"]):
            day = _as_date(d)
            slots.append((line, day, int(c) - held.get((line, day), 0)))
    lanes: list[tuple[str, str, int]] = []
    for region in sorted(set(dest_regions)):
        frame = read_source(engine, "lanes", dest_region=region)
        lanes.extend((str(c), region, int(t)) for c, t in zip(frame["carrier"], frame["transit_days"]))
    return Capacity(slots, lanes)


def reserved(engine: Engine, product_lines: Sequence[str], start: date,
             exclude_contract: str | None = None) -> dict[tuple[str, date], int]:
    """(product line, day) → quantity held by approved contracts' reservations not released."""
    if not product_lines:
        return {}
    r = CapacityReservation.__table__
    query = (select(r.c.product_line, r.c.day, r.c.quantity)
             .where(r.c.product_line.in_(list(product_lines)), r.c.day >= start, r.c.released_at.is_(None)))
    if exclude_contract is not None:
        query = query.where(r.c.contract_id != exclude_contract)
    out: dict[tuple[str, date], int] = defaultdict(int)
    with engine.connect() as conn:
        for line, day, quantity in conn.execute(query):
            out[(line, _as_date(day))] += int(quantity)
    return dict(out)


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return to_local(value).date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def local_date(at: datetime | None) -> date | None:
    """The local calendar date of ``at`` (the day a submission counts from)."""
    return to_local(at).date() if at is not None else None


# ---------------------------------------------------------------- one contract, many contracts

def missing_terms(contract: Contract) -> list[str]:
    """Names of the terms the breaker needs that ``contract`` lacks."""
    return [name for name in TERMS if getattr(contract, name) in (None, "")]


def assess_one(engine: Engine, terms: Mapping[str, Any], submitted_at: datetime | None,
               contract_id: str | None = None) -> Feasibility:
    """The verdict on one contract's ``terms`` (a mapping of contract columns) submitted at ``submitted_at``
    (``contract_id``: whose own reservation is not counted)."""
    day = local_date(submitted_at)
    line, region = terms.get("product_line"), terms.get("dest_region")
    capacity = read_capacity(engine, product_lines=[line] if line is not None else [],
                             dest_regions=[region] if region is not None else [], start=day or date.min,
                             exclude_contract=contract_id)
    quantity, promised = terms.get("quantity"), terms.get("promised_delivery_days")
    return capacity.assess(submitted_date=day, quantity=None if quantity is None else int(quantity),
                           promised_days=None if promised is None else int(promised),
                           product_line=line, dest_region=region)


def check_contract(session: Session, contract: Contract, submitted_at: datetime) -> Feasibility:
    """The breaker's verdict on ``contract`` as submitted at ``submitted_at``; every term is required."""
    missing = missing_terms(contract)
    if missing:
        raise ContractError("contract.missing_terms", contract_id=contract.contract_id, missing=", ".join(missing))
    return assess_one(session.get_bind(), {k: getattr(contract, k) for k in TERMS}, submitted_at,
                      contract.contract_id)


def check_terms(session: Session, terms: Sequence[tuple[str, Any]] | Mapping[str, Any],
                submitted_at: datetime) -> Feasibility:
    """Check hypothetical terms (a what-if for the approval app) without a stored contract."""
    values = dict(terms)
    probe = Contract(**{k: values.get(k) for k in TERMS}, contract_id=str(values.get("contract_id", "(draft)")))
    return check_contract(session, probe, submitted_at)


def required_days(session: Session, contract: Contract | Mapping[str, Any]) -> Feasibility:
    """The verdict on a stored contract (or a mapping of its columns) as submitted; terms may be missing."""
    get = contract.get if isinstance(contract, Mapping) else lambda k: getattr(contract, k)
    return assess_one(session.get_bind(), {k: get(k) for k in TERMS}, get("submitted_at"), get("contract_id"))


class PendingVerdict(NamedTuple):
    contract_id: str
    owner_id: str | None
    feasibility: Feasibility


def assess_pending(session: Session, as_of: datetime) -> list[PendingVerdict]:
    """The verdict on every contract waiting for approval that was submitted by ``as_of``."""
    c = Contract.__table__
    rows = session.execute(
        select(c.c.contract_id, c.c.owner_id, c.c.submitted_at, *(c.c[k] for k in TERMS))
        .where(c.c.status == "pending_approval", c.c.submitted_at.is_not(None), c.c.submitted_at <= as_of)
        .order_by(c.c.contract_id)).all()
    if not rows:
        return []
    days = [local_date(r.submitted_at) for r in rows]
    capacity = read_capacity(session.get_bind(),
                             product_lines={r.product_line for r in rows if r.product_line is not None},
                             dest_regions={r.dest_region for r in rows if r.dest_region is not None},
                             start=min(days))
    verdicts: dict[tuple, Feasibility] = {}  # the verdict is a function of the terms: some contracts share them
    out = []
    for (contract_id, owner_id, _, line, quantity, region, promised), day in zip(rows, days):
        terms = (day, promised, quantity, line, region)
        verdict = verdicts.get(terms)
        if verdict is None:
            verdict = verdicts[terms] = capacity.assess(submitted_date=day, promised_days=promised,
                                                        quantity=quantity, product_line=line, dest_region=region)
        out.append(PendingVerdict(contract_id, owner_id, verdict))
    return out
