"""Delivery feasibility (交付可行性): can the promised delivery days be kept?

The rule is docs/design.md's ``delivery_infeasible``: a contract is infeasible when

    promised_delivery_days < (first production slot on or after the submission
    date with free_capacity >= quantity, for its product line, minus the
    submission date, in days) + (smallest transit_days of a lane to its
    destination region)

and also when there is no such slot or no such lane.  Exactly equal days are
feasible.  :func:`evaluate` is the pure rule; :func:`check_contract` feeds it
through the source plugins (``salesnb_read_source``): an ERP schedule or a
carrier's capacity feed when one is installed, the store otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from ..errors import SalesnbError
from ..models import Contract
from ..plugins.sources import read_source
from ..timeutil import to_local

# Reason codes stored in contracts.frozen_reason["code"].
OK, TOO_SHORT, NO_SLOT, NO_LANE = "ok", "too_short", "no_slot", "no_lane"
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
    """The verdict of one check, with every figure a rep or a customer needs to see."""

    feasible: bool
    code: str
    submitted_date: date
    promised_days: int
    quantity: int
    slot_date: date | None = None
    production_days: int | None = None
    carrier: str | None = None
    transit_days: int | None = None

    @property
    def required_days(self) -> int | None:
        if self.production_days is None or self.transit_days is None:
            return None
        return self.production_days + self.transit_days

    @property
    def shortfall_days(self) -> int | None:
        required = self.required_days
        return None if required is None else max(0, required - self.promised_days)

    @property
    def promised_date(self) -> date:
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


def evaluate(
    *,
    submitted_date: date,
    promised_days: int,
    quantity: int,
    slots: Iterable[Slot],
    lanes: Iterable[LaneOption],
) -> Feasibility:
    """Apply the feasibility rule to plain figures (no database).

    ``slots`` are the product line's production slots (any order; those before
    ``submitted_date`` or with too little free capacity are ignored); ``lanes``
    are the lanes to the destination.  The fastest lane wins (ties: carrier name).
    """
    slot = min((s for s in slots if s.date >= submitted_date and s.free_capacity >= quantity),
               key=lambda s: s.date, default=None)
    lane = min(lanes, key=lambda ln: (ln.transit_days, ln.carrier), default=None)
    base = dict(submitted_date=submitted_date, promised_days=promised_days, quantity=quantity)
    if slot is not None:
        base.update(slot_date=slot.date, production_days=(slot.date - submitted_date).days)
    if lane is not None:
        base.update(carrier=lane.carrier, transit_days=lane.transit_days)
    if slot is None:
        return Feasibility(feasible=False, code=NO_SLOT, **base)
    if lane is None:
        return Feasibility(feasible=False, code=NO_LANE, **base)
    required = base["production_days"] + lane.transit_days
    if promised_days < required:
        return Feasibility(feasible=False, code=TOO_SHORT, **base)
    return Feasibility(feasible=True, code=OK, **base)


# ---------------------------------------------------------------- capacity sources

def source_slots(engine: Engine, product_line: str, start: date, quantity: int) -> list[Slot]:
    """Production slots of ``product_line`` from ``start`` on with room for ``quantity``.

    Read through the source plugins (``salesnb_read_source``: an ERP schedule
    first if one is installed, the store otherwise).
    """
    frame = read_source(engine, "production_slots", product_line=product_line, date_from=start,
                        min_capacity=quantity)
    return [Slot(_as_date(d), int(c)) for d, c in zip(frame["date"], frame["free_capacity"])]


def source_lanes(engine: Engine, dest_region: str) -> list[LaneOption]:
    """Lanes to ``dest_region`` through the source plugins (a carrier feed first, the store otherwise)."""
    frame = read_source(engine, "lanes", dest_region=dest_region)
    return [LaneOption(str(c), int(t)) for c, t in zip(frame["carrier"], frame["transit_days"])]


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return to_local(value).date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def missing_terms(contract: Contract) -> list[str]:
    """Names of the terms the check needs that ``contract`` lacks."""
    return [name for name in TERMS if getattr(contract, name) in (None, "")]


def check_contract(session: Session, contract: Contract, submitted_at: datetime) -> Feasibility:
    """Check ``contract`` as submitted at ``submitted_at`` (capacity from plugins if any, else the store)."""
    missing = missing_terms(contract)
    if missing:
        raise SalesnbError(f"contract {contract.contract_id} cannot be checked: missing {', '.join(missing)}")
    day = to_local(submitted_at).date()
    engine = session.get_bind()
    slots = source_slots(engine, contract.product_line, day, int(contract.quantity))
    lanes = source_lanes(engine, contract.dest_region)
    return evaluate(
        submitted_date=day, promised_days=int(contract.promised_delivery_days),
        quantity=int(contract.quantity), slots=slots, lanes=lanes,
    )


def check_terms(session: Session, terms: Sequence[tuple[str, Any]] | dict[str, Any],
                submitted_at: datetime) -> Feasibility:
    """Check hypothetical terms (a what-if for the approval app) without a stored contract."""
    values = dict(terms)
    probe = Contract(**{k: values.get(k) for k in TERMS}, contract_id=str(values.get("contract_id", "(draft)")))
    return check_contract(session, probe, submitted_at)
