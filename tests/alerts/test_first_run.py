"""The first daily run starts quiet, the next day's sends only what is new, and reconciliation comes before
the checks — on the demo data and on a second, differently generated data set."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from salesnb.config import Settings
from salesnb.db import session_scope
from salesnb.demo import build_demo_db
from salesnb.models import BankMatch, Baseline, Contract, EscalationLog, Finding, Invoice, OutboxMessage, User
from salesnb.pipeline import daily_run
from salesnb.timeutil import parse_timestamp

# the demo as `salesnb demo` builds it, and a second set: another seed, size, season and backlog age
DATA_SETS = {
    "demo": dict(orders=300, seed=7, as_of="2026-11-27 08:00", backlog_age_days=3),
    "second": dict(orders=180, seed=20260, as_of="2026-06-15 18:30", backlog_age_days=1),
}


def _settings(tmp_path, db_url, backlog_age_days) -> Settings:
    return Settings(db_url=db_url, data_dir=tmp_path, raw={"alerts": {"backlog_age_days": backlog_age_days}})


def _sent(engine, at):
    """Messages delivered by the run as of ``at``: (event type, recipient, payload)."""
    with session_scope(engine) as s:
        rows = s.scalars(select(OutboxMessage).where(OutboxMessage.status == "sent",
                                                      OutboxMessage.created_at == at)).all()
        return [(r.event_type, r.recipients, r.channel, dict(r.payload or {})) for r in rows]


def _digested_items(engine, at):
    """Every item of the digests sent by the run as of ``at`` (what people were told about)."""
    return [item for event, _, _, payload in _sent(engine, at) if event == "digest" for item in payload["items"]]


@pytest.mark.parametrize("name", list(DATA_SETS))
def test_quiet_first_run_then_only_news(engine, db_url, tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    spec = DATA_SETS[name]
    build_demo_db(engine, orders=spec["orders"], seed=spec["seed"], as_of=spec["as_of"])
    settings = _settings(tmp_path, db_url, spec["backlog_age_days"])
    day1 = parse_timestamp(spec["as_of"])

    first = daily_run(engine, day1, settings=settings)
    checks = first.reports["checks"]
    assert checks.baseline_id is not None and checks.backlog > 0  # the backlog was recorded ...
    with session_scope(engine) as s:
        baseline = s.get(Baseline, checks.baseline_id)
        people = s.scalars(select(User)).all()
        managers = {u.manager_id for u in people if u.manager_id} | {u.user_id for u in people if u.role == "ops"}
        quiet_tasks = [r for r in s.scalars(select(EscalationLog)) if not r.notified]
    assert baseline.quiet_before == day1 - timedelta(days=spec["backlog_age_days"])
    assert first.reports["escalate"].quiet > 0 and quiet_tasks
    sent = _sent(engine, day1)
    per_person = Counter((event, recipients[0], channel) for event, recipients, channel, _ in sent)
    # ... and fired nothing one by one: one backlog summary per manager, one digest per person and channel
    assert {event for event, _, _ in per_person} == {"digest", "checks.backlog_summary"}
    assert max(per_person.values()) == 1 and all(len(r) == 1 for _, r, _, _ in sent)
    summaries = {who for event, who, _ in per_person if event == "checks.backlog_summary"}
    assert summaries and summaries <= managers
    assert sum(p["total"] for e, _, _, p in sent if e == "checks.backlog_summary") >= checks.backlog
    told = _digested_items(engine, day1)
    with session_scope(engine) as s:
        backlog_ids = {str(f.id) for f in s.scalars(select(Finding).where(
            Finding.started_at < baseline.quiet_before))}
    assert not {str(i["finding_id"]) for i in told if "finding_id" in i} & backlog_ids  # no old breakpoint alerted
    assert len(sent) < 0.2 * (checks.total("new") + first.reports["escalate"].fired)  # a few, not a flood

    # reconciliation ran before the checks: no overdue-invoice finding names an invoice this run paid
    with session_scope(engine) as s:
        paid_now = set(s.scalars(select(BankMatch.invoice_id).where(BankMatch.status == "applied",
                                                                   BankMatch.created_at == day1)))
        overdue = set(s.scalars(select(Finding.entity_id).where(Finding.check_name == "invoice_overdue")))
        paid = {i.invoice_id: i for i in s.scalars(select(Invoice).where(Invoice.invoice_id.in_(paid_now),
                                                                         Invoice.status == "paid"))}
        terms = {c: d for c, d in s.execute(select(Contract.contract_id, Contract.payment_terms_days))}
    # the run paid invoices in full, some of them past their payment terms: checked first, they would be overdue
    late = [i for i in paid.values() if i.issued_at + timedelta(days=terms.get(i.contract_id) or 0) < day1]
    assert paid and late
    assert not set(paid) & overdue  # partly paid invoices may still be overdue; fully paid ones never

    day2 = day1 + timedelta(days=1)
    second = daily_run(engine, day2, settings=settings)
    assert second.reports["checks"].baseline_id is None  # one baseline; later runs are ordinary
    sent2 = _sent(engine, day2)
    assert {event for event, _, _, _ in sent2} <= {"digest"}
    assert max(Counter((r[0], c) for _, r, c, _ in sent2).values(), default=1) == 1
    with session_scope(engine) as s:
        new_today = {str(f.id) for f in s.scalars(select(Finding).where(Finding.first_seen == day2))}
        fired_today = {r.task_id for r in s.scalars(select(EscalationLog).where(EscalationLog.fired_at == day2))}
    for item in _digested_items(engine, day2):  # only what is new since yesterday
        if "finding_id" in item:
            assert str(item["finding_id"]) in new_today
        elif item["kind"] == "task":
            assert item["id"] in fired_today
    assert not {str(i["finding_id"]) for i in told if "finding_id" in i} & new_today
