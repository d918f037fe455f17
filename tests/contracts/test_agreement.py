"""The breaker agrees with the ``delivery_infeasible`` check; capacity can come from a source plugin."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from salesnb.checks import findings_frame, run_checks
from salesnb.contracts import submit
from salesnb.contracts.feasibility import check_contract, required_days
from salesnb.db import session_scope
from salesnb.models import Contract
from salesnb.plugins import get_plugin_manager, hookimpl

from .helpers import SUBMIT_AT, day, seed

# (promised days, quantity, destination, product line): around every edge of the rule
TERMS = {
    "E-EQUAL": (8, 10, "华东", "P"), "E-SHORT": (7, 10, "华东", "P"), "E-CAP": (15, 11, "华东", "P"),
    "E-CAP-SHORT": (14, 11, "华东", "P"), "E-NOSLOT": (99, 101, "华东", "P"), "E-NOLANE": (99, 1, "西北", "P"),
    "E-NOLINE": (99, 1, "华东", "Q"), "E-LONG": (30, 100, "华东", "P"),
}


def test_breaker_agrees_with_the_delivery_infeasible_check(engine):
    seed(engine, contracts={cid: {"promised_delivery_days": p, "quantity": q, "dest_region": d, "product_line": pl,
                                  "submitted_at": SUBMIT_AT + timedelta(hours=n)}
                            for n, (cid, (p, q, d, pl)) in enumerate(TERMS.items())})
    with session_scope(engine) as s:
        ours = {cid: check_contract(s, s.get(Contract, cid), s.get(Contract, cid).submitted_at) for cid in TERMS}
        theirs = {cid: required_days(s, s.get(Contract, cid)) for cid in TERMS}
    for cid in TERMS:
        assert ours[cid].feasible == theirs[cid].feasible, cid
        assert ours[cid].code == theirs[cid].reason, cid
        assert ours[cid].required_days == theirs[cid].required_days, cid
        assert ours[cid].slot_date == theirs[cid].slot_date, cid
    run_checks(engine, SUBMIT_AT + timedelta(days=1), only=["delivery_infeasible"])
    flagged = set(findings_frame(engine, check="delivery_infeasible")["entity_id"])
    assert flagged == {cid for cid, f in ours.items() if not f.feasible}
    assert flagged == {"E-SHORT", "E-CAP-SHORT", "E-NOSLOT", "E-NOLANE", "E-NOLINE"}


def test_after_submission_the_check_has_nothing_left_to_flag(engine):
    seed(engine, contracts={cid: {"promised_delivery_days": p, "quantity": q, "dest_region": d, "product_line": pl}
                            for cid, (p, q, d, pl) in TERMS.items()})
    with session_scope(engine) as s:
        for cid in TERMS:
            submit(s, cid, actor="U1", at=SUBMIT_AT)
    run_checks(engine, SUBMIT_AT + timedelta(days=1), only=["delivery_infeasible"])
    assert findings_frame(engine, check="delivery_infeasible").empty  # infeasible ones are frozen, not pending


class ErpSchedule:
    """A source plugin: an ERP that knows a free slot on day 1 the store does not have."""

    @hookimpl(tryfirst=True)
    def salesnb_read_source(self, engine, table, filters):
        if table != "production_slots":
            return None
        return pd.DataFrame({"product_line": ["P"], "date": [day(1)], "free_capacity": [50]})


@pytest.fixture
def erp_plugin():
    pm = get_plugin_manager()
    plugin = ErpSchedule()
    pm.register(plugin, name="test-erp-schedule")
    yield plugin
    pm.unregister(plugin)


def test_capacity_comes_from_a_source_plugin_when_one_answers(engine, erp_plugin):
    seed(engine, contracts={"K1": {"promised_delivery_days": 4}})
    with session_scope(engine) as s:
        result = submit(s, "K1", actor="U1", at=SUBMIT_AT)
    assert result.feasible and result.feasibility.slot_date == day(1) and result.feasibility.required_days == 4


def test_without_the_plugin_the_store_decides(engine):
    seed(engine, contracts={"K1": {"promised_delivery_days": 4}})
    with session_scope(engine) as s:
        result = submit(s, "K1", actor="U1", at=SUBMIT_AT)
    assert not result.feasible and result.feasibility.slot_date == date(2026, 3, 7)


def test_with_a_source_plugin_the_check_and_the_breaker_still_agree(engine, erp_plugin):
    """Both read capacity through the source hook: the ERP's day-1 slot makes K1 feasible for both."""
    seed(engine, contracts={cid: {"promised_delivery_days": p, "quantity": q, "dest_region": d, "product_line": pl,
                                  "submitted_at": SUBMIT_AT}
                            for cid, (p, q, d, pl) in {"K1": (4, 10, "华东", "P"), "K2": (3, 10, "华东", "P"),
                                                       "K3": (4, 60, "华东", "P")}.items()})
    with session_scope(engine) as s:
        ours = {cid: check_contract(s, s.get(Contract, cid), SUBMIT_AT) for cid in ("K1", "K2", "K3")}
    assert ours["K1"].feasible and ours["K1"].slot_date == day(1)
    run_checks(engine, SUBMIT_AT + timedelta(hours=1), only=["delivery_infeasible"])
    flagged = set(findings_frame(engine, check="delivery_infeasible")["entity_id"])
    assert flagged == {cid for cid, f in ours.items() if not f.feasible} == {"K2", "K3"}
