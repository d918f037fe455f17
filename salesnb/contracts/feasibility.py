"""Delivery feasibility (交付可行性): can the promised delivery days be kept?

The rule is DESIGN.md's ``delivery_infeasible``: a contract is infeasible when

    promised_delivery_days < (first production slot on or after the submission
    date with free_capacity >= quantity, for its product line, minus the
    submission date, in days) + (smallest transit_days of a lane to its
    destination region)

and also when there is no such slot or no such lane.  Exactly equal days are
feasible.  :func:`evaluate` is the pure rule; :func:`check_contract` feeds it
from the store or, when a source plugin implements the capacity hooks, from
that plugin (an ERP schedule, a carrier's capacity feed).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import SalesnbError
from ..models import Contract, Lane, ProductionSlot
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

def store_slots(session: Session, product_line: str, start: date) -> list[Slot]:
    """Production slots of ``product_line`` from ``start`` on, from the store."""
    rows = session.execute(
        select(ProductionSlot.date, ProductionSlot.free_capacity)
        .where(ProductionSlot.product_line == product_line, ProductionSlot.date >= start)
    )
    return [Slot(d, int(c)) for d, c in rows]


def store_lanes(session: Session, dest_region: str) -> list[LaneOption]:
    """Lanes to ``dest_region`` from the store."""
    rows = session.execute(select(Lane.carrier, Lane.transit_days).where(Lane.dest_region == dest_region))
    return [LaneOption(c, int(t)) for c, t in rows]


def _hook_results(hook_name: str, **kwargs: Any) -> list[Any] | None:
    """Rows from the plugins implementing ``hook_name``, or None when no plugin does."""
    from ..plugins import get_plugin_manager

    caller = getattr(get_plugin_manager().hook, hook_name, None)
    if caller is None or not caller.get_hookimpls():
        return None
    rows: list[Any] = []
    for result in caller(**kwargs):
        if result:
            rows.extend(result)
    return rows


def _field(row: Any, name: str) -> Any:
    return row[name] if isinstance(row, dict) else getattr(row, name)


def plugin_slots(product_line: str, start: date) -> list[Slot] | None:
    """Slots offered by source plugins (``salesnb_production_slots``), None when no plugin offers any."""
    rows = _hook_results("salesnb_production_slots", product_line=product_line, start=start)
    if rows is None:
        return None
    return [Slot(_as_date(_field(r, "date")), int(_field(r, "free_capacity"))) for r in rows]


def plugin_lanes(dest_region: str) -> list[LaneOption] | None:
    """Lanes offered by source plugins (``salesnb_lanes``), None when no plugin offers any."""
    rows = _hook_results("salesnb_lanes", dest_region=dest_region)
    if rows is None:
        return None
    return [LaneOption(str(_field(r, "carrier")), int(_field(r, "transit_days"))) for r in rows]


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
    slots = plugin_slots(contract.product_line, day)
    if slots is None:
        slots = store_slots(session, contract.product_line, day)
    lanes = plugin_lanes(contract.dest_region)
    if lanes is None:
        lanes = store_lanes(session, contract.dest_region)
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
