"""The feasibility rule at its edges: equal days, capacity just enough, no slot, no lane."""

from __future__ import annotations

import pytest

from salesnb.contracts import LaneOption, Slot, evaluate
from salesnb.contracts.feasibility import check_contract
from salesnb.db import session_scope
from salesnb.errors import SalesnbError
from salesnb.models import Contract

from .helpers import DAY0, SUBMIT_AT, day, seed

SLOTS = [Slot(day(5), 10), Slot(day(12), 100), Slot(day(-1), 1000)]
LANES = [LaneOption("德邦", 5), LaneOption("顺丰", 3)]


def check(promised: int, quantity: int = 10, slots=SLOTS, lanes=LANES):
    return evaluate(submitted_date=DAY0, promised_days=promised, quantity=quantity, slots=slots, lanes=lanes)


def test_exactly_equal_days_is_feasible():
    result = check(8)  # slot on day 5 + 3 days transit = 8
    assert result.feasible and result.code == "ok"
    assert (result.production_days, result.transit_days, result.required_days) == (5, 3, 8)
    assert result.carrier == "顺丰"
    assert result.expected_delivery_date == day(8) == result.promised_date
    assert result.shortfall_days == 0


def test_one_day_short_is_infeasible_with_the_shortfall():
    result = check(7)
    assert not result.feasible and result.code == "too_short"
    assert result.required_days == 8 and result.shortfall_days == 1
    assert result.slot_date == day(5)


def test_capacity_just_enough_takes_the_early_slot_and_one_more_takes_the_next():
    assert check(8, quantity=10).slot_date == day(5)
    later = check(8, quantity=11)
    assert later.slot_date == day(12) and later.required_days == 15 and not later.feasible
    assert check(15, quantity=11).feasible


def test_slots_before_the_submission_date_do_not_count():
    result = check(30, quantity=500)  # only the day -1 slot has that capacity
    assert not result.feasible and result.code == "no_slot"
    assert result.slot_date is None and result.required_days is None and result.shortfall_days is None


def test_slot_on_the_submission_day_counts():
    result = check(3, slots=[Slot(DAY0, 10)])
    assert result.feasible and result.production_days == 0


def test_no_lane_is_infeasible():
    result = check(100, lanes=[])
    assert not result.feasible and result.code == "no_lane"
    assert result.slot_date == day(5) and result.transit_days is None


def test_no_slot_wins_over_no_lane():
    assert check(100, slots=[], lanes=[]).code == "no_slot"


def test_store_backed_check_uses_the_contract_terms(engine):
    seed(engine, contracts={"K1": {}, "K2": {"dest_region": "西北"}, "K3": {"product_line": "Q"}})
    with session_scope(engine) as s:
        verdicts = {cid: check_contract(s, s.get(Contract, cid), SUBMIT_AT) for cid in ("K1", "K2", "K3")}
    assert verdicts["K1"].feasible and verdicts["K1"].required_days == 8
    assert verdicts["K2"].code == "no_lane"
    assert verdicts["K3"].code == "no_slot"


def test_missing_terms_are_refused(english, engine):
    seed(engine, contracts={"K1": {"quantity": None, "dest_region": None}})
    with session_scope(engine) as s, pytest.raises(SalesnbError, match="missing quantity, dest_region"):
        check_contract(s, s.get(Contract, "K1"), SUBMIT_AT)
