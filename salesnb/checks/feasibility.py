"""Delivery feasibility figures, as the ``delivery_infeasible`` check computes them.

Day arithmetic is on local calendar dates (Asia/Shanghai by default):

* ``submitted_date`` = the local date of ``submitted_at``;
* ``slot_date`` = the first ``production_slots.date`` ≥ ``submitted_date`` of
  the contract's product line with ``free_capacity`` ≥ ``quantity``;
* ``wait_days`` = ``slot_date − submitted_date`` in whole days (0 on the same day);
* ``transit_days`` = the smallest ``lanes.transit_days`` to ``dest_region``;
* ``required_days`` = ``wait_days + transit_days`` (None without a slot or a lane);
* infeasible when there is no slot, no lane, or ``promised_delivery_days <
  required_days`` (exactly equal is feasible).  A missing quantity or product
  line finds no slot; a missing destination finds no lane; a missing promise is
  not compared (NULL comparisons are false).

:func:`required_days` computes this for one contract in Python;
:func:`feasibility_query` is the set-based SQL the check runs.  Tests assert
they agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session

from ..i18n import t
from ..models import Contract, Lane, ProductionSlot
from ..rules.sqlfuncs import days_between, local_date
from ..timeutil import local_tz, to_local
from .base import materialised

OK, NO_SLOT, NO_LANE, TOO_SHORT = "ok", "no_slot", "no_lane", "too_short"


@dataclass(frozen=True)
class Requirement:
    """The feasibility figures of one contract."""

    submitted_date: date | None
    slot_date: date | None
    wait_days: int | None
    transit_days: int | None
    promised_days: int | None

    @property
    def required_days(self) -> int | None:
        if self.wait_days is None or self.transit_days is None:
            return None
        return self.wait_days + self.transit_days

    @property
    def reason(self) -> str:
        if self.slot_date is None:
            return NO_SLOT
        if self.transit_days is None:
            return NO_LANE
        if self.promised_days is not None and self.promised_days < self.required_days:
            return TOO_SHORT
        return OK

    @property
    def feasible(self) -> bool:
        return self.reason == OK


def required_days(session: Session, contract: Contract | dict[str, Any]) -> Requirement:
    """Feasibility figures of ``contract`` (a Contract or a mapping of its columns) from the store."""
    get = contract.get if isinstance(contract, dict) else lambda k: getattr(contract, k)
    submitted: datetime | None = get("submitted_at")
    day = to_local(submitted).date() if submitted is not None else None
    slot = None
    if day is not None and get("product_line") is not None and get("quantity") is not None:
        slot = session.scalar(select(func.min(ProductionSlot.date)).where(
            ProductionSlot.product_line == get("product_line"), ProductionSlot.date >= day,
            ProductionSlot.free_capacity >= get("quantity")))
    transit = None
    if get("dest_region") is not None:
        transit = session.scalar(select(func.min(Lane.transit_days)).where(Lane.dest_region == get("dest_region")))
    return Requirement(
        submitted_date=day, slot_date=slot, wait_days=(slot - day).days if slot is not None else None,
        transit_days=transit, promised_days=get("promised_delivery_days"),
    )


def _utc_offset_minutes(at: datetime) -> int:
    return int(to_local(at).utcoffset().total_seconds() // 60)


def feasibility_query(as_of: datetime, language: str = "zh-CN") -> Select:
    """Pending-approval contracts submitted by ``as_of`` that are infeasible, with their figures."""
    c, ps, ln = Contract.__table__, ProductionSlot.__table__, Lane.__table__
    submitted_date = local_date(c.c.submitted_at, str(local_tz()), _utc_offset_minutes(as_of))
    slot = (select(func.min(ps.c.date)).where(ps.c.product_line == c.c.product_line, ps.c.date >= submitted_date,
                                              ps.c.free_capacity >= c.c.quantity).scalar_subquery())
    transit = select(func.min(ln.c.transit_days)).where(ln.c.dest_region == c.c.dest_region).scalar_subquery()
    figures = materialised(
        select(c.c.contract_id, c.c.owner_id, c.c.promised_delivery_days, submitted_date.label("submitted_date"),
               slot.label("slot_date"), transit.label("transit_days"))
        .where(c.c.status == "pending_approval", c.c.submitted_at.is_not(None), c.c.submitted_at <= as_of),
        "figures")
    f = figures.c
    wait = days_between(f.slot_date, f.submitted_date)
    required = wait + f.transit_days
    reason = case((f.slot_date.is_(None), NO_SLOT), (f.transit_days.is_(None), NO_LANE), else_=TOO_SHORT)
    reason_text = case(*((reason == code, t(f"check.delivery_infeasible.{code}", language))
                         for code in (NO_SLOT, NO_LANE)), else_=t("check.delivery_infeasible.too_short", language))
    return select(
        f.contract_id.label("entity_id"), f.owner_id.label("owner_id"),
        f.promised_delivery_days.label("promised_days"), wait.label("wait_days"), f.transit_days,
        required.label("required_days"), reason.label("reason"), reason_text.label("reason_text"),
    ).where(or_(f.slot_date.is_(None), f.transit_days.is_(None),
                (f.promised_delivery_days.is_not(None)) & (f.promised_delivery_days < required)))
