"""Each default check on small hand-made data, at its edges, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
from sqlalchemy import select

from salesnb.checks import findings_frame, run_checks
from salesnb.contracts.feasibility import required_days
from salesnb.db import session_scope
from salesnb.models import (
    Contract, Finding, Invoice, Lane, Lead, Order, PaymentClaim, ProductionSlot, Quote, Shipment, Task,
)
from salesnb.timeutil import to_local

from .helpers import AS_OF, US, D, H, add, base_people


def found(engine, name, as_of=AS_OF, **params):
    report = run_checks(engine, as_of, only=[name], params={name: params} if params else None)
    frame = findings_frame(engine, check=name)
    assert report.checks[name].count == len(frame)
    return dict(zip(frame.entity_id, frame.to_dict("records")))


def test_lead_response_overdue_edges(engine):
    base_people(engine)
    add(engine, Lead,
        {"lead_id": "exactly_4h", "created_at": AS_OF - 4 * H},
        {"lead_id": "past_4h", "created_at": AS_OF - 4 * H - US},
        {"lead_id": "answered", "created_at": AS_OF - 9 * H, "first_response_at": AS_OF - 8 * H},
        {"lead_id": "answered_late", "created_at": AS_OF - 9 * H, "first_response_at": AS_OF - 1 * H},
        {"lead_id": "future", "created_at": AS_OF + H},
        {"lead_id": "region_from_lead", "created_at": AS_OF - 5 * D, "region": "西北"})
    hits = found(engine, "lead_response_overdue")
    assert set(hits) == {"past_4h", "region_from_lead"}
    assert hits["past_4h"]["owner_id"] == "U1" and hits["past_4h"]["region"] == "华东"  # owner's region
    assert hits["region_from_lead"]["region"] == "西北"
    assert hits["past_4h"]["message"] == "线索 past_4h 创建已超过 4 小时，仍未首次响应"
    assert set(found(engine, "lead_response_overdue", hours=100)) == {"region_from_lead"}


def test_quote_not_ordered_exactly_48h_counts(engine):
    base_people(engine)
    add(engine, Quote,
        {"quote_id": "exactly_48h", "status": "accepted", "accepted_at": AS_OF - 48 * H},
        {"quote_id": "just_under", "status": "accepted", "accepted_at": AS_OF - 48 * H + US},
        {"quote_id": "ordered", "status": "accepted", "accepted_at": AS_OF - 10 * D},
        {"quote_id": "not_accepted", "status": "quoted", "accepted_at": AS_OF - 10 * D},
        {"quote_id": "no_date", "status": "accepted"},
        {"quote_id": "other_rep", "status": "accepted", "accepted_at": AS_OF - 3 * D, "owner_id": "U2"})
    add(engine, Order, {"order_id": "O1", "quote_id": "ordered"})
    hits = found(engine, "quote_not_ordered")
    assert set(hits) == {"exactly_48h", "other_rep"}
    assert hits["other_rep"]["region"] == "华南"
    assert hits["exactly_48h"]["severity"] == "critical"


def test_shipped_without_tracking_empty_vs_missing_shipment(engine):
    base_people(engine)
    add(engine, Contract, {"contract_id": "K1", "owner_id": "U2"})
    add(engine, Quote, {"quote_id": "Q1", "owner_id": "U1"})
    shipped = {"status": "shipped", "shipped_at": AS_OF - 2 * D}
    add(engine, Order,
        {"order_id": "no_shipment", "contract_id": "K1", **shipped},
        {"order_id": "empty_tracking", "quote_id": "Q1", **shipped},
        {"order_id": "blank_tracking", **shipped},
        {"order_id": "null_tracking", **shipped},
        {"order_id": "one_good_one_empty", **shipped},
        {"order_id": "tracked", **shipped},
        {"order_id": "delivered_untracked", "status": "delivered", "shipped_at": AS_OF - 3 * D},
        {"order_id": "exactly_24h", "status": "shipped", "shipped_at": AS_OF - 24 * H},
        {"order_id": "under_24h", "status": "shipped", "shipped_at": AS_OF - 24 * H + US},
        {"order_id": "open", "status": "open", "shipped_at": AS_OF - 3 * D},
        {"order_id": "cancelled", "status": "cancelled", "shipped_at": AS_OF - 3 * D})
    add(engine, Shipment,
        {"shipment_id": "S1", "order_id": "empty_tracking", "tracking_no": ""},
        {"shipment_id": "S2", "order_id": "blank_tracking", "tracking_no": "   "},
        {"shipment_id": "S3", "order_id": "null_tracking", "tracking_no": None},
        {"shipment_id": "S4", "order_id": "one_good_one_empty", "tracking_no": ""},
        {"shipment_id": "S5", "order_id": "one_good_one_empty", "tracking_no": "SF123"},
        {"shipment_id": "S6", "order_id": "tracked", "tracking_no": "YT9"})
    hits = found(engine, "shipped_without_tracking")
    assert set(hits) == {"no_shipment", "empty_tracking", "blank_tracking", "null_tracking",
                         "delivered_untracked", "exactly_24h"}
    assert hits["no_shipment"]["owner_id"] == "U2"  # the contract's owner
    assert hits["empty_tracking"]["owner_id"] == "U1"  # no contract: the quote's owner
    assert pd.isna(hits["blank_tracking"]["owner_id"])


def _capacity(engine):
    add(engine, ProductionSlot,
        {"product_line": "泵", "date": date(2026, 3, 9), "free_capacity": 100},   # before submission: ignored
        {"product_line": "泵", "date": date(2026, 3, 11), "free_capacity": 9},
        {"product_line": "泵", "date": date(2026, 3, 13), "free_capacity": 10},
        {"product_line": "阀", "date": date(2026, 3, 10), "free_capacity": 50})
    add(engine, Lane,
        {"carrier": "顺丰", "dest_region": "华东", "transit_days": 3},
        {"carrier": "德邦", "dest_region": "华东", "transit_days": 2},
        {"carrier": "德邦", "dest_region": "华南", "transit_days": 4})


def test_delivery_infeasible_edges(engine):
    base_people(engine)
    _capacity(engine)
    submitted = to_local(datetime(2026, 3, 10, 8, 0))  # local date 2026-03-10 (00:00 UTC)
    pending = {"status": "pending_approval", "submitted_at": submitted, "product_line": "泵", "dest_region": "华东"}
    add(engine, Contract,
        # capacity 10 just enough on 03-13: 3 days wait + 2 days transit (fastest lane) = 5
        {"contract_id": "exactly_equal", "quantity": 10, "promised_delivery_days": 5, **pending},
        {"contract_id": "one_day_short", "quantity": 10, "promised_delivery_days": 4, **pending},
        # 9 fits the 03-11 slot: 1 + 2 = 3
        {"contract_id": "small_order", "quantity": 9, "promised_delivery_days": 3, **pending},
        {"contract_id": "no_slot", "quantity": 11, "promised_delivery_days": 99, **pending},
        {"contract_id": "no_lane", "quantity": 1, "promised_delivery_days": 99, **{**pending, "dest_region": "西北"}},
        {"contract_id": "unknown_line", "quantity": 1, "promised_delivery_days": 99, **{**pending, "product_line": "X"}},
        {"contract_id": "approved", "quantity": 11, "promised_delivery_days": 1, **{**pending, "status": "approved"}},
        # 23:30 local on 03-10 is 15:30 UTC: still local date 03-10, so 0 days wait for 阀 + 4 days to 华南
        {"contract_id": "late_evening", "quantity": 1, "promised_delivery_days": 3,
         **{**pending, "product_line": "阀", "dest_region": "华南",
            "submitted_at": to_local(datetime(2026, 3, 10, 23, 30))}},
        {"contract_id": "not_yet_submitted", "quantity": 11, "promised_delivery_days": 1,
         **{**pending, "submitted_at": to_local(datetime(2026, 3, 11, 10, 0))}})
    hits = found(engine, "delivery_infeasible", as_of=to_local(datetime(2026, 3, 11, 9, 0)))
    assert set(hits) == {"one_day_short", "no_slot", "no_lane", "unknown_line", "late_evening"}
    assert hits["one_day_short"]["details"] == {
        "promised_days": 4, "wait_days": 3, "transit_days": 2, "required_days": 5, "reason": "too_short",
        "reason_text": "承诺交期短于排产+运输所需"}
    assert hits["no_slot"]["details"]["reason"] == "no_slot"
    assert hits["no_lane"]["details"]["reason"] == "no_lane"
    assert hits["late_evening"]["details"]["required_days"] == 4
    assert "请调整交期或走加急通道" in hits["one_day_short"]["message"]
    # the Python function gives the same figures and verdicts, contract by contract
    with session_scope(engine) as s:
        for contract in s.query(Contract).filter(Contract.status == "pending_approval"):
            if contract.contract_id == "not_yet_submitted":
                continue
            req = required_days(s, contract)
            assert (not req.feasible) == (contract.contract_id in hits), contract.contract_id
            if contract.contract_id in hits and req.required_days is not None:
                assert hits[contract.contract_id]["details"]["required_days"] == req.required_days


def test_the_breakers_verdicts_are_judged_beside_the_other_checks(engine, monkeypatch):
    """The rule runs in Python on a connection of its own while the run queries the checks before it; the
    check's findings are the same."""
    import threading

    from salesnb.checks import feasibility

    base_people(engine)
    _capacity(engine)
    pending = {"status": "pending_approval", "submitted_at": to_local(datetime(2026, 3, 10, 8, 0)),
               "product_line": "泵", "dest_region": "华东", "quantity": 10}
    add(engine, Contract, {"contract_id": "short", "promised_delivery_days": 4, **pending},
        {"contract_id": "fine", "promised_delivery_days": 5, **pending})
    threads = []
    judge = feasibility.assess_pending

    def recording(session, as_of):
        threads.append(threading.current_thread().name)
        return judge(session, as_of)

    monkeypatch.setattr(feasibility, "assess_pending", recording)
    report = run_checks(engine, to_local(datetime(2026, 3, 11, 9, 0)))
    assert threads and all(name.startswith("salesnb-prefetch") for name in threads), threads
    assert report.checks["delivery_infeasible"].count == 1
    assert set(findings_frame(engine, check="delivery_infeasible").entity_id) == {"short"}


def test_feasibility_agrees_with_the_contract_breaker(engine):
    """The contracts package's pure rule gives the same verdict as the check's figures."""
    from salesnb.contracts.feasibility import LaneOption, Slot, evaluate

    base_people(engine)
    _capacity(engine)
    slots = [Slot(date(2026, 3, d), c) for d, c in ((9, 100), (11, 9), (13, 10))]
    lanes = [LaneOption("顺丰", 3), LaneOption("德邦", 2)]
    with session_scope(engine) as s:
        for quantity in (1, 9, 10, 11):
            for promised in range(0, 7):
                terms = {"submitted_at": to_local(datetime(2026, 3, 10, 8)), "product_line": "泵", "quantity": quantity,
                         "dest_region": "华东", "promised_delivery_days": promised}
                mine = required_days(s, terms)
                theirs = evaluate(submitted_date=date(2026, 3, 10), promised_days=promised, quantity=quantity,
                                  slots=slots, lanes=lanes)
                assert (mine.feasible, mine.required_days) == (theirs.feasible, theirs.required_days)


def test_claim_stalled_edges(engine):
    base_people(engine)
    add(engine, PaymentClaim,
        {"claim_id": "exactly_48h", "invoice_id": "I1", "submitted_at": AS_OF - 48 * H},
        {"claim_id": "under_48h", "invoice_id": "I1", "submitted_at": AS_OF - 48 * H + US},
        {"claim_id": "reviewed", "invoice_id": "I1", "submitted_at": AS_OF - 5 * D, "status": "confirmed"})
    assert set(found(engine, "claim_stalled")) == {"exactly_48h"}


def test_invoice_overdue_buckets(engine):
    base_people(engine)
    add(engine, Contract, {"contract_id": "K30", "payment_terms_days": 30, "owner_id": "U2"},
        {"contract_id": "Knull"}, {"contract_id": "K60", "payment_terms_days": 60, "owner_id": "M1"})
    # two invoices known only by their orders: each reads its own order's contract (terms and owner)
    add(engine, Order, {"order_id": "O1", "contract_id": "K30"}, {"order_id": "O2", "contract_id": "K60"})
    due = AS_OF - 30 * D  # issued_at that makes a 30-day invoice due exactly at as_of
    add(engine, Invoice,
        {"invoice_id": "due_now", "contract_id": "K30", "issued_at": due},
        {"invoice_id": "one_us_late", "contract_id": "K30", "issued_at": due - US},
        {"invoice_id": "30_days", "contract_id": "K30", "issued_at": due - 30 * D},
        {"invoice_id": "30_days_1s", "contract_id": "K30", "issued_at": due - 30 * D - timedelta(seconds=1)},
        {"invoice_id": "via_order", "order_id": "O1", "issued_at": due - 61 * D},
        {"invoice_id": "via_order_60", "order_id": "O2", "issued_at": AS_OF - 70 * D},
        {"invoice_id": "no_terms", "contract_id": "Knull", "issued_at": AS_OF - 91 * D},
        {"invoice_id": "partly_paid", "contract_id": "K30", "issued_at": due - 90 * D, "status": "partially_paid"},
        {"invoice_id": "paid", "contract_id": "K30", "issued_at": due - 90 * D, "status": "paid"},
        {"invoice_id": "cancelled", "contract_id": "K30", "issued_at": due - 90 * D, "status": "cancelled"},
        {"invoice_id": "not_issued", "contract_id": "K30", "status": "requested"})
    report = run_checks(engine, AS_OF, only=["invoice_overdue"])
    frame = findings_frame(engine, check="invoice_overdue")
    # a finding keeps its terms (due = started_at + terms), not the day count that grows every day
    with session_scope(engine) as session:
        started = dict(session.execute(select(Finding.entity_id, Finding.started_at)
                                       .where(Finding.check_name == "invoice_overdue")).all())
    days = [-((AS_OF - started[e] - d["payment_terms_days"] * D) // -D) for e, d in zip(frame.entity_id, frame.details)]
    hits = dict(zip(frame.entity_id, zip(frame.bucket, days)))
    assert hits == {"one_us_late": ("1-30", 1), "30_days": ("1-30", 30), "30_days_1s": ("31-60", 31),
                    "via_order": ("61-90", 61), "via_order_60": ("1-30", 10), "no_terms": ("90+", 91),
                    "partly_paid": ("61-90", 90)}
    assert report.checks["invoice_overdue"].breakdown == ("buckets", {"1-30": 3, "31-60": 1, "61-90": 2, "90+": 1})
    owners = dict(zip(frame.entity_id, frame.owner_id))
    assert owners["via_order"] == "U2" and owners["via_order_60"] == "M1" and owners["no_terms"] == "U1"


def test_sla_breach_levels(engine):
    base_people(engine)
    node = {"node": "contract_approval"}  # 24 h
    add(engine, Task,
        {"task_id": "at_target", "created_at": AS_OF - 24 * H, **node},
        {"task_id": "past_1x", "created_at": AS_OF - 24 * H - US, **node},
        {"task_id": "at_2x", "created_at": AS_OF - 48 * H, **node},
        {"task_id": "past_2x", "created_at": AS_OF - 48 * H - US, **node},
        {"task_id": "past_4x", "created_at": AS_OF - 96 * H - US, **node},
        {"task_id": "done", "created_at": AS_OF - 96 * H, "done_at": AS_OF - H, **node},
        {"task_id": "invoice_3h", "created_at": AS_OF - 3 * H, "node": "invoice_confirm"},  # 2 h target
        {"task_id": "unknown_node", "created_at": AS_OF - 99 * D, "node": "golf"})
    report = run_checks(engine, AS_OF, only=["sla_breach"])
    frame = findings_frame(engine, check="sla_breach")
    assert dict(zip(frame.entity_id, frame.level)) == {"past_1x": 1, "at_2x": 1, "past_2x": 2, "past_4x": 3,
                                                      "invoice_3h": 1}
    assert report.checks["sla_breach"].breakdown == ("levels", {"1": 3, "2": 1, "3": 1})
    assert report.to_dict()["checks"]["sla_breach"]["levels"] == {"1": 3, "2": 1, "3": 1}
    # configured targets replace the policies: invoice_confirm at 4 h clears invoice_3h
    report = run_checks(engine, AS_OF, only=["sla_breach"], params={"sla_breach": {"targets": {"invoice_confirm": 4}}})
    assert report.checks["sla_breach"].count == 0 and report.checks["sla_breach"].resolved == 5


def test_sla_breach_follows_a_working_hours_policy(engine):
    from salesnb.sla import get_policy, save_policy

    base_people(engine)
    monday_17 = to_local(datetime(2026, 3, 9, 17, 0))
    add(engine, Task, {"task_id": "T1", "node": "invoice_confirm", "created_at": monday_17})
    with session_scope(engine) as s:
        policy = get_policy(s, "invoice_confirm").to_dict()
        policy["calendar"] = {"mode": "working_hours"}
        save_policy(s, policy, actor="system")
    # default working hours end at 18:00: by Tuesday 09:00 only ~1 working hour has passed of the 2 h target
    tuesday_9 = to_local(datetime(2026, 3, 10, 9, 0))
    assert found(engine, "sla_breach", as_of=tuesday_9) == {}
    hits = found(engine, "sla_breach", as_of=tuesday_9 + 2 * H)
    assert set(hits) == {"T1"} and hits["T1"]["level"] == 1
