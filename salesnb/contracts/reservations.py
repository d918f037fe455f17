"""Production capacity held by approved contracts.

Approving a contract re-checks it (the same rule, :mod:`salesnb.contracts.feasibility`, on free capacity
less other contracts' reservations) and, when it still fits, reserves its quantity on the slot the check
found, in the approval's transaction.  The check and the reservation run under a lock per product line
(:func:`salesnb.db.serialise`: a transaction-level advisory lock on PostgreSQL, ``BEGIN IMMEDIATE`` on
SQLite), so of two contracts racing for the last free slot one is approved and the other finds the slot
taken and is frozen with the reason.  Rejecting or cancelling releases the reservation (``released_at``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from .. import audit
from ..db import serialise
from ..models import CapacityReservation, Contract
from .feasibility import Feasibility


def lock_capacity(session: Session, product_line: str | None) -> None:
    """Serialise capacity decisions on ``product_line`` until this transaction ends."""
    serialise(session, f"capacity:{product_line or ''}")


def reserve(session: Session, contract: Contract, feasibility: Feasibility, *, actor: str, at: datetime) -> None:
    """Hold the contract's quantity on the slot ``feasibility`` found (a feasible verdict)."""
    held = session.get(CapacityReservation, contract.contract_id)
    if held is None:
        held = CapacityReservation(contract_id=contract.contract_id)
        session.add(held)
    held.product_line = contract.product_line
    held.day = feasibility.slot_date
    held.quantity = int(contract.quantity)
    held.reserved_at, held.reserved_by, held.released_at = at, actor, None
    audit.record(session, actor=actor, action="capacity.reserve", entity_type="contract",
                 entity_id=contract.contract_id, after={"product_line": contract.product_line,
                                                        "day": feasibility.slot_date.isoformat(),
                                                        "quantity": int(contract.quantity)}, at=at)
    session.flush()


def release(session: Session, contract_id: str, *, actor: str, at: datetime) -> bool:
    """Give the contract's reserved capacity back; False when it held none."""
    held = session.get(CapacityReservation, contract_id)
    if held is None or held.released_at is not None:
        return False
    held.released_at = at
    audit.record(session, actor=actor, action="capacity.release", entity_type="contract", entity_id=contract_id,
                 before={"product_line": held.product_line, "day": held.day.isoformat(), "quantity": held.quantity},
                 at=at)
    session.flush()
    return True
