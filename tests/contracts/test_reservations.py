"""Approving a contract reserves its production capacity: two contracts cannot both take the last free slot."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from salesnb.checks import findings_frame, run_checks
from salesnb.contracts import approve, cancel, reject, submit
from salesnb.contracts.feasibility import check_contract
from salesnb.db import session_scope
from salesnb.errors import ContractError
from salesnb.models import CapacityReservation, Contract, ContractSubmission

from .helpers import SUBMIT_AT, day, seed

# the day-5 slot has room for 10: each contract needs all of it; the next slot (day 12) is too late for 8 days
RIVALS = {"K1": {"promised_delivery_days": 8}, "K2": {"promised_delivery_days": 8}}
APPROVE_AT = SUBMIT_AT + timedelta(hours=2)


def _submit_both(engine) -> None:
    with session_scope(engine) as s:
        for cid in RIVALS:
            assert submit(s, cid, actor="U1", at=SUBMIT_AT).feasible  # each fits on its own


def _status(engine, cid):
    with session_scope(engine) as s:
        contract = s.get(Contract, cid)
        return contract.status, dict(contract.frozen_reason or {})


def test_the_second_contract_for_the_last_slot_is_frozen_with_the_reason(engine):
    seed(engine, contracts=RIVALS)
    _submit_both(engine)
    with session_scope(engine) as s:
        assert approve(s, "K1", actor="M1", at=APPROVE_AT).status == "approved"
    with session_scope(engine) as s:
        assert approve(s, "K2", actor="M1", at=APPROVE_AT + timedelta(minutes=1)).status == "frozen"
    assert _status(engine, "K1")[0] == "approved"
    status, reason = _status(engine, "K2")
    assert status == "frozen" and reason["code"] == "too_short"  # only the day-12 slot is left: 15 days needed
    assert "12" in reason["reason_en"] or "15" in reason["reason_en"]
    with session_scope(engine) as s:
        [held] = s.scalars(select(CapacityReservation)).all()
        assert (held.contract_id, held.day, held.quantity, held.released_at) == ("K1", day(5), 10, None)
        checks = s.scalars(select(ContractSubmission).where(ContractSubmission.contract_id == "K2")
                           .order_by(ContractSubmission.id)).all()
        assert [c.feasible for c in checks] == [True, False] and checks[-1].details["at_approval"]
        # K1's own reservation never counts against it: it still checks feasible
        assert check_contract(s, s.get(Contract, "K1"), SUBMIT_AT).feasible


def test_cancelling_releases_the_slot_for_the_next_contract(engine):
    seed(engine, contracts={**RIVALS, "K3": {"promised_delivery_days": 8}})
    with session_scope(engine) as s:
        for cid in ("K1", "K3"):
            submit(s, cid, actor="U1", at=SUBMIT_AT)
        approve(s, "K1", actor="M1", at=APPROVE_AT)
    with session_scope(engine) as s:  # while K1 holds the slot, a new submission is frozen
        assert not submit(s, "K2", actor="U1", at=SUBMIT_AT).feasible
    with session_scope(engine) as s:
        cancel(s, "K1", actor="M1", at=APPROVE_AT + timedelta(hours=1), reason="客户撤单")
    with session_scope(engine) as s:
        assert submit(s, "K2", actor="U1", at=SUBMIT_AT).feasible
        assert approve(s, "K2", actor="M1", at=APPROVE_AT + timedelta(hours=2)).status == "approved"
    with session_scope(engine) as s:  # K3 was pending all along; now K2 holds the slot
        assert approve(s, "K3", actor="M1", at=APPROVE_AT + timedelta(hours=3)).status == "frozen"
    with session_scope(engine) as s:
        held = {r.contract_id: r.released_at for r in s.scalars(select(CapacityReservation))}
    assert held["K1"] is not None and held["K2"] is None and "K3" not in held
    assert _status(engine, "K1")[0] == "cancelled"


def test_rejecting_releases_and_the_check_sees_reservations_like_the_breaker(engine):
    seed(engine, contracts=RIVALS)
    _submit_both(engine)
    with session_scope(engine) as s:
        approve(s, "K1", actor="M1", at=APPROVE_AT)
    # K2 still waits for approval: the check sees the slot K1 holds, as the approval would
    run_checks(engine, APPROVE_AT + timedelta(minutes=5), only=["delivery_infeasible"])
    assert set(findings_frame(engine, check="delivery_infeasible")["entity_id"]) == {"K2"}
    with session_scope(engine) as s:
        reject(s, "K2", actor="M1", at=APPROVE_AT + timedelta(minutes=10), reason="另议")
    with session_scope(engine) as s:
        assert s.get(CapacityReservation, "K1").released_at is None  # rejecting K2 leaves K1's slot alone
    with pytest.raises(ContractError) as refused:
        with session_scope(engine) as s:
            cancel(s, "K2", actor="M1", at=APPROVE_AT, reason="x")
    assert refused.value.key == "contract.cancel_not_approved" and "only approved" in refused.value.render("en")


def test_two_approvals_racing_for_the_last_slot(engine):
    """Two managers approve at the same moment, each in its own transaction: one wins, one is frozen."""
    seed(engine, contracts={**RIVALS, "K0": {"promised_delivery_days": 30, "quantity": 1}})
    _submit_both(engine)
    barrier = threading.Barrier(2)
    outcome: dict[str, str] = {}
    errors: list[BaseException] = []

    def approve_one(cid: str) -> None:
        try:
            barrier.wait(5)
            with session_scope(engine) as s:
                outcome[cid] = approve(s, cid, actor="M1", at=APPROVE_AT).status
        except BaseException as exc:  # SQLite may refuse a stale writer: the approval is then not made at all
            errors.append(exc)

    threads = [threading.Thread(target=approve_one, args=(cid,)) for cid in RIVALS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    statuses = {cid: _status(engine, cid)[0] for cid in RIVALS}
    assert sorted(statuses.values()) in (["approved", "frozen"], ["approved", "pending_approval"])
    if engine.dialect.name == "postgresql":  # the advisory lock makes the loser wait, then see the slot taken
        assert not errors and sorted(outcome.values()) == ["approved", "frozen"]
    with session_scope(engine) as s:
        held = s.scalars(select(CapacityReservation).where(CapacityReservation.released_at.is_(None))).all()
    assert len(held) == 1 and statuses[held[0].contract_id] == "approved"
