"""Digests, not floods: one message per person and channel per run, most important first, within the
channel's byte limit, with a link to My work for the rest."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from salesnb.checks import run_checks
from salesnb.db import session_scope
from salesnb.models import Lead, OutboxMessage, Quote, User
from salesnb.notify import flush
from salesnb.notify.textutil import utf8_len

from .helpers import PUBLIC_URL, wecom_settings

AS_OF = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # the fake servers' clock starts here
MY_WORK = f"{PUBLIC_URL}/voila/render/my_work.ipynb"


def _rep_with_300_findings(engine):
    with session_scope(engine) as s:
        s.add_all([User(user_id="M1", name="王经理", role="sales_manager", wecom_userid="wangjl"),
                   User(user_id="S1", name="张三", role="sales", manager_id="M1", wecom_userid="zhangsan")])
        for i in range(290):  # warnings: leads without a first response, the oldest first
            s.add(Lead(lead_id=f"L{i:03d}", customer_id="C1", owner_id="S1",
                       created_at=AS_OF - timedelta(hours=5 + i)))
        for i in range(10):  # critical: accepted quotes without an order; Q009 the largest
            s.add(Quote(quote_id=f"Q{i:03d}", customer_id="C1", owner_id="S1", amount=1000 * (i + 1),
                        status="accepted", accepted_at=AS_OF - timedelta(days=3)))


def test_300_findings_become_one_message_within_the_limit_with_a_link(engine, db_url, tmp_path, wecom_server,
                                                                      fake_clock):
    _rep_with_300_findings(engine)
    settings = wecom_settings(tmp_path, wecom_server, db_url)
    report = run_checks(engine, AS_OF, only=["lead_response_overdue", "quote_not_ordered"], settings=settings)
    assert report.total("new") == 300 and report.alerts == 1
    delivered = flush(engine, settings, clock=fake_clock.now, sleep=fake_clock.sleep)
    # one digest to the rep, one to the manager (cc'ed on critical findings); nothing failed or was cut
    assert delivered.sent == 2 and delivered.failed == 0 and delivered.digests == 2
    [to_rep] = [m for m in wecom_server.messages if "<@zhangsan>" in m["text"]]
    text = to_rep["text"]
    print(text)  # what the rep sees in the WeCom group
    assert utf8_len(text) <= 4096 and not any(line.endswith("…") for line in text.splitlines())  # nothing cut
    assert text.startswith("**【待办汇总】张三：300 项需要处理（严重 10 项）**")
    items = [line for line in text.splitlines() if line[:1].isdigit()]
    assert 5 <= len(items) <= 20  # the cap on items per message
    # most important first: the critical quotes (same age: the largest amount first), then the oldest leads
    assert items[0].startswith("1. [严重] 报价 Q009") and "¥10,000" in items[0]
    assert all("[严重]" in line for line in items[:10]) and "线索 L289" in items[10]
    assert f"……另有 {300 - len(items)} 项未列出，全部事项见「我的工作」：{MY_WORK}" in text
    with session_scope(engine) as s:
        statuses = s.scalars(select(OutboxMessage.status).where(OutboxMessage.event_type == "checks.new_findings"))
        assert set(statuses) <= {"routed", "digested"}


def test_a_text_robot_fits_2048_bytes(engine, db_url, tmp_path, wecom_server, fake_clock):
    _rep_with_300_findings(engine)
    settings = wecom_settings(tmp_path, wecom_server, db_url, msgtype="text")
    run_checks(engine, AS_OF, only=["lead_response_overdue", "quote_not_ordered"], settings=settings)
    assert flush(engine, settings, clock=fake_clock.now, sleep=fake_clock.sleep).failed == 0
    for message in wecom_server.messages:
        assert utf8_len(message["text"]) <= 2048 and message["text"].rstrip().endswith(MY_WORK)


def test_one_item_keeps_its_own_text_and_links_to_the_item(engine, db_url, tmp_path, wecom_server, fake_clock):
    with session_scope(engine) as s:
        s.add(User(user_id="S1", name="张三", role="sales", wecom_userid="zhangsan"))
        s.add(Lead(lead_id="L1", customer_id="C1", owner_id="S1", created_at=AS_OF - timedelta(hours=6)))
    settings = wecom_settings(tmp_path, wecom_server, db_url)
    run_checks(engine, AS_OF, only=["lead_response_overdue"], settings=settings)
    flush(engine, settings, clock=fake_clock.now, sleep=fake_clock.sleep)
    [message] = wecom_server.messages
    assert "新发现 1 个流程断点" in message["text"] and "线索 L1" in message["text"]
    assert f"查看：{PUBLIC_URL}/voila/render/scorecard.ipynb?item=L1" in message["text"]


def test_a_backlog_larger_than_sqlite_allows_in_one_statement_is_digested(sqlite_engine):
    """The first run on a large store queues hundreds of thousands of alerts for one channel: all are folded,
    however few bound values the database allows a statement."""
    import sqlite3

    from sqlalchemy import func, insert

    from salesnb.notify.digest import digest_rows
    from salesnb.notify.outbox import outbox_row

    rows = [outbox_row(dedup_key=f"k{i}", recipients=[f"U{i % 50}"], subject=f"线索 L{i}", body="…",
                       channel="wecom", event_type="sla_escalation", entity_type="lead", entity_id=f"L{i}", at=AS_OF)
            for i in range(12_000)]
    with sqlite_engine.begin() as conn:  # a SQLite built with a small limit (the default is 32,766)
        conn.connection.dbapi_connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 10_000)
        conn.execute(insert(OutboxMessage.__table__), rows)
        digests = digest_rows(conn, "wecom", body_limit=lambda _subject: 4096, settings=None, names={}, now=AS_OF)
    assert digests == 50
    with session_scope(sqlite_engine) as s:
        counts = dict(s.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    assert counts == {"digested": 12_000, "pending": 50}
