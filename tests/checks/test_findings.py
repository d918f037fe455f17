"""Findings across runs (new, persisting, resolved, reopened), check_runs, settings and failures."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest
from sqlalchemy import select, update

from salesnb.checks import findings_frame, open_findings_by_check, run_checks
from salesnb.config import Settings
from salesnb.db import session_scope
from salesnb.errors import SalesnbError
from salesnb.models import CheckRun, Contract, Finding, Invoice, Lead, Order, Shipment

from .helpers import AS_OF, D, H, add, base_people


def test_findings_lifecycle(engine):
    base_people(engine)
    add(engine, Lead, {"lead_id": "L1", "created_at": AS_OF - 5 * H}, {"lead_id": "L2", "created_at": AS_OF - 3 * H})
    first = run_checks(engine, AS_OF, only=["lead_response_overdue"]).checks["lead_response_overdue"]
    assert (first.count, first.new, first.persisting, first.resolved) == (1, 1, 0, 0)

    later = AS_OF + 2 * H  # L2 is overdue now too
    second = run_checks(engine, later, only=["lead_response_overdue"]).checks["lead_response_overdue"]
    assert (second.count, second.new, second.persisting, second.resolved) == (2, 1, 1, 0)

    with session_scope(engine) as s:  # the rep answers L1
        s.execute(update(Lead).where(Lead.lead_id == "L1").values(first_response_at=later))
    third = run_checks(engine, later + H, only=["lead_response_overdue"]).checks["lead_response_overdue"]
    assert (third.count, third.new, third.persisting, third.resolved) == (1, 0, 1, 1)

    with session_scope(engine) as s:  # the answer is undone: a new finding, the old one stays resolved
        s.execute(update(Lead).where(Lead.lead_id == "L1").values(first_response_at=None))
    fourth = run_checks(engine, later + 2 * H, only=["lead_response_overdue"]).checks["lead_response_overdue"]
    assert (fourth.count, fourth.new, fourth.persisting, fourth.resolved) == (2, 1, 1, 0)

    every = findings_frame(engine, open_only=False).sort_values(["entity_id", "first_seen"])
    rows = [(r.entity_id, r.first_seen, r.last_seen, r.resolved_at) for r in every.itertuples()]
    # last_seen is the last time a finding changed: being open says it is still there
    assert rows[0] == ("L1", AS_OF, AS_OF, later + H)
    assert rows[1][:3] == ("L1", later + 2 * H, later + 2 * H) and pd.isna(rows[1][3])
    assert rows[2][:3] == ("L2", later, later)
    assert set(findings_frame(engine).entity_id) == {"L1", "L2"}
    with session_scope(engine) as s:
        runs = s.scalars(select(CheckRun).order_by(CheckRun.id)).all()
        assert [r.status for r in runs] == ["ok"] * 4
        assert runs[-1].summary["checks"]["lead_response_overdue"]["count"] == 2
        opened_by = {f.entity_id: f.run_id for f in s.scalars(select(Finding).where(Finding.resolved_at.is_(None)))}
        assert opened_by == {"L1": runs[3].id, "L2": runs[1].id}  # no run rewrites a finding that did not change


def test_a_rerun_with_nothing_changed_writes_no_findings_rows(engine):
    base_people(engine)
    add(engine, Lead, {"lead_id": "L1", "created_at": AS_OF - 5 * H}, {"lead_id": "L2", "created_at": AS_OF - 3 * H})
    add(engine, Order, {"order_id": "O1", "status": "shipped", "shipped_at": AS_OF - 2 * D})
    run_checks(engine, AS_OF)
    with session_scope(engine) as s:
        before = {f.id: (f.run_id, f.last_seen, f.level, f.message) for f in s.scalars(select(Finding))}
    report = run_checks(engine, AS_OF + H)
    assert report.total("new") == 0 and report.total("persisting") == len(before) and report.total("resolved") == 0
    with session_scope(engine) as s:
        after = {f.id: (f.run_id, f.last_seen, f.level, f.message) for f in s.scalars(select(Finding))}
    assert after == before  # every finding row as it was: not one UPDATE reached it


def test_an_overdue_invoices_finding_is_written_when_its_bucket_changes_not_every_day(engine):
    base_people(engine)
    add(engine, Contract, {"contract_id": "K1", "payment_terms_days": 30, "owner_id": "U1"})
    add(engine, Invoice, {"invoice_id": "I1", "contract_id": "K1", "issued_at": AS_OF - 35 * D})  # 5 days overdue

    def written() -> tuple:
        with session_scope(engine) as s:
            (f,) = s.scalars(select(Finding).where(Finding.check_name == "invoice_overdue")).all()
            return f.last_seen, f.bucket, f.message, f.details

    run_checks(engine, AS_OF, only=["invoice_overdue"])
    first = written()
    for day in range(1, 26):  # days 6 … 30 overdue: still 1-30
        report = run_checks(engine, AS_OF + day * D, only=["invoice_overdue"]).checks["invoice_overdue"]
        assert report.persisting == 1 and written() == first, day
    run_checks(engine, AS_OF + 26 * D, only=["invoice_overdue"])  # 31 days: 31-60
    assert written()[:2] == (AS_OF + 26 * D, "31-60") and written()[2] != first[2]


def test_rerun_is_stable_and_other_checks_untouched(engine):
    base_people(engine)
    add(engine, Lead, {"lead_id": "L1", "created_at": AS_OF - 5 * H})
    add(engine, Order, {"order_id": "O1", "status": "shipped", "shipped_at": AS_OF - 2 * D})
    run_checks(engine, AS_OF)
    report = run_checks(engine, AS_OF)
    assert report.total("new") == 0 and report.total("persisting") == 2 and report.total("resolved") == 0
    add(engine, Shipment, {"shipment_id": "S1", "order_id": "O1", "tracking_no": "SF1"})
    report = run_checks(engine, AS_OF, only=["lead_response_overdue"])
    assert report.total("resolved") == 0  # shipped_without_tracking was not run, so not resolved
    report = run_checks(engine, AS_OF, only=["shipped_without_tracking"])
    assert report.checks["shipped_without_tracking"].resolved == 1
    add(engine, Lead, {"lead_id": "L2", "created_at": AS_OF - 6 * H})
    run_checks(engine, AS_OF, only=["lead_response_overdue"])
    assert open_findings_by_check(engine).to_dict() == {"lead_response_overdue": 2}  # resolved ones not counted


def test_settings_thresholds_language_and_enabled(engine):
    base_people(engine)
    add(engine, Lead, {"lead_id": "L1", "created_at": AS_OF - 5 * H})
    settings = Settings(db_url="", language="en", raw={"checks": {
        "lead_response_overdue": {"hours": 6}, "quote_not_ordered": {"enabled": False}}})
    report = run_checks(engine, AS_OF, settings=settings)
    assert "quote_not_ordered" not in report.checks and report.checks["lead_response_overdue"].count == 0
    report = run_checks(engine, AS_OF + 2 * H, settings=settings, only=["lead_response_overdue", "quote_not_ordered"])
    assert set(report.checks) == {"lead_response_overdue", "quote_not_ordered"}
    (message,) = findings_frame(engine).message
    assert message == "Lead L1 has had no first response for more than 6 h"
    assert report.checks["lead_response_overdue"].title == "Lead response overdue"


def test_bad_settings_fail_cleanly_and_record_a_failed_run(english, engine):
    bad = Settings(db_url="", raw={"checks": {"lead_response_overdue": {"hour": 6}}})
    with pytest.raises(SalesnbError, match=r"\[checks.lead_response_overdue\] unknown setting 'hour'; known: hours"):
        run_checks(engine, AS_OF, settings=bad)
    with pytest.raises(SalesnbError, match="unknown check"):
        run_checks(engine, AS_OF, only=["nope"])
    with session_scope(engine) as s:
        runs = s.scalars(select(CheckRun)).all()
        assert [r.status for r in runs] == ["failed", "failed"]
        assert "unknown setting 'hour'" in runs[0].summary["error"]
        assert s.scalars(select(Finding)).all() == []


def test_as_of_text_is_local_time(engine):
    base_people(engine)
    add(engine, Lead, {"lead_id": "L1", "created_at": AS_OF - 4 * H - timedelta(seconds=1)})
    assert run_checks(engine, "2026-03-10 09:00").checks["lead_response_overdue"].count == 1
    assert run_checks(engine, "2026-03-10 01:00:00+00:00").checks["lead_response_overdue"].count == 1
    assert run_checks(engine, "2026-03-10 08:59").checks["lead_response_overdue"].count == 0


def test_statistics_refresh_keeps_results(engine, monkeypatch):
    import salesnb.db

    monkeypatch.setattr(salesnb.db, "ANALYZE_AFTER", 1)  # PostgreSQL analyses findings after every check with hits
    base_people(engine)
    add(engine, Lead, {"lead_id": "L1", "created_at": AS_OF - 5 * H})
    add(engine, Order, {"order_id": "O1", "status": "shipped", "shipped_at": AS_OF - 2 * D})
    assert run_checks(engine, AS_OF).total("new") == 2
    assert run_checks(engine, AS_OF).total("persisting") == 2


def test_a_run_where_as_many_findings_resolve_as_appear_resolves_them(engine):
    """A run skips looking for findings to resolve only when every open finding was hit again: one resolved
    and one new leave the count as it was, and the resolved one must still be found."""
    base_people(engine)
    add(engine, Lead, {"lead_id": "L1", "created_at": AS_OF - 5 * H}, {"lead_id": "L2", "created_at": AS_OF - 6 * H})
    run_checks(engine, AS_OF, only=["lead_response_overdue"])
    with session_scope(engine) as s:
        s.execute(update(Lead).where(Lead.lead_id == "L1").values(first_response_at=AS_OF))
    add(engine, Lead, {"lead_id": "L3", "created_at": AS_OF - 7 * H})
    report = run_checks(engine, AS_OF + H, only=["lead_response_overdue"]).checks["lead_response_overdue"]
    assert (report.count, report.new, report.persisting, report.resolved) == (2, 1, 1, 1)
    assert set(findings_frame(engine).entity_id) == {"L2", "L3"}


def test_the_buckets_of_a_rerun_count_its_hits_after_new_changed_and_resolved_findings(engine):
    """The breakdown is read from the open findings once the run has applied what changed: an invoice that
    moved bucket, one paid (resolved), one new and one unchanged are each counted once, in today's bucket."""
    base_people(engine)
    add(engine, Contract, {"contract_id": "K1", "payment_terms_days": 0, "owner_id": "U1"})
    add(engine, Invoice, *({"invoice_id": i, "contract_id": "K1", "issued_at": AS_OF - days * D}
                           for i, days in (("MOVES", 25), ("PAID", 40), ("STAYS", 45))))
    first = run_checks(engine, AS_OF, only=["invoice_overdue"]).checks["invoice_overdue"]
    assert first.breakdown == ("buckets", {"1-30": 1, "31-60": 2, "61-90": 0, "90+": 0})
    with session_scope(engine) as s:
        s.execute(update(Invoice).where(Invoice.invoice_id == "PAID").values(status="paid"))
    add(engine, Invoice, {"invoice_id": "NEW", "contract_id": "K1", "issued_at": AS_OF - 100 * D})
    later = run_checks(engine, AS_OF + 10 * D, only=["invoice_overdue"]).checks["invoice_overdue"]
    assert (later.count, later.new, later.persisting, later.resolved) == (3, 1, 2, 1)
    assert later.breakdown == ("buckets", {"1-30": 0, "31-60": 2, "61-90": 0, "90+": 1})
