"""Check items are counted in the database: plugin sources in SQL or pandas, weeks in any zone, no lead loaded."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from salesnb.db import session_scope
from salesnb.kpi import COMPLIANCE, FIRST_RESPONSE, compute_kpis
from salesnb.kpi.compliance import COMPLIANCE_ITEMS, register_compliance_item
from salesnb.kpi.counts import ItemQuery
from salesnb.kpi.data import KpiData
from salesnb.kpi.frames import read_frame
from salesnb.models import Customer, Lead, Quote, User
from salesnb.timeutil import set_local_tz

from .handmade import AS_OF, build, ts

BIG_QUOTES = """
SELECT q.owner_id, u.region, q.quoted_at AS at, CASE WHEN q.lead_id IS NOT NULL THEN 1 ELSE 0 END AS passed
FROM quotes q LEFT JOIN users u ON u.user_id = q.owner_id
WHERE q.quoted_at <= :as_of AND q.amount >= :limit
"""


@pytest.fixture
def extra_source():
    names = []

    def add(name, fn):
        register_compliance_item(name)(fn)
        names.append(name)

    yield add
    for name in names:
        COMPLIANCE_ITEMS.pop(name, None)


def test_sql_and_pandas_sources_count_alike(engine, extra_source):
    build(engine)
    with session_scope(engine) as session:
        session.add_all([
            Quote(quote_id="BQ1", lead_id="L1", customer_id="c1", owner_id="r1", amount=200_000, quoted_at=ts(3, 3)),
            Quote(quote_id="BQ2", customer_id="c1", owner_id="r1", amount=150_000, quoted_at=ts(3, 10)),
            Quote(quote_id="BQ3", customer_id="c1", owner_id="r3", amount=100_000, quoted_at=ts(3, 10)),
            Quote(quote_id="BQ4", customer_id="c1", owner_id="r3", amount=500_000, quoted_at=ts(3, 12)),  # later
        ])
    before = compute_kpis(engine, AS_OF, kpis=(COMPLIANCE,))
    extra_source("big_quote_sql", lambda data: ItemQuery(BIG_QUOTES, {"limit": 100_000}))
    with_sql = compute_kpis(engine, AS_OF, kpis=(COMPLIANCE,))
    COMPLIANCE_ITEMS.pop("big_quote_sql")
    extra_source("big_quote_frame", lambda data: read_frame(data.conn, BIG_QUOTES, ("at",),
                                                              as_of=data.as_of.to_pydatetime(), limit=100_000))
    with_frame = compute_kpis(engine, AS_OF, kpis=(COMPLIANCE,))

    sql_counts = with_sql.items[COMPLIANCE].query("kind == 'big_quote_sql'")
    frame_counts = with_frame.items[COMPLIANCE].query("kind == 'big_quote_frame'")
    # BQ1 traced (W10, r1); BQ2 not (W11, r1); BQ3 not (W11, r3); BQ4 quoted after as_of
    expected = [("r1", "East", "2026-W10", 1, 1), ("r1", "East", "2026-W11", 1, 0), ("r3", "North", "2026-W11", 1, 0)]
    for counts in (sql_counts, frame_counts):
        got = [(r.owner_id, r.region, r.week, r.items, r.passed) for r in counts.itertuples()]
        assert sorted(got) == expected
    base = before.row(COMPLIANCE)
    for report in (with_sql, with_frame):
        row = report.row(COMPLIANCE)
        assert (row["numerator"], row["denominator"]) == (base["numerator"] + 1, base["denominator"] + 3)
        assert report.value(COMPLIANCE, "week_rep", week="2026-W11", owner_id="r3") == pytest.approx(
            before.row(COMPLIANCE, "week_rep", week="2026-W11", owner_id="r3")["numerator"]
            / (before.row(COMPLIANCE, "week_rep", week="2026-W11", owner_id="r3")["denominator"] + 1))


def test_kpis_never_load_the_leads(engine, monkeypatch):
    build(engine)
    expected = compute_kpis(engine, AS_OF).rates
    monkeypatch.setattr(KpiData, "leads", property(lambda self: pytest.fail("compute_kpis loaded every lead")))
    monkeypatch.setattr(KpiData, "findings", property(lambda self: pytest.fail("compute_kpis loaded every finding")))
    pd.testing.assert_frame_equal(compute_kpis(engine, AS_OF).rates, expected)


@pytest.fixture
def new_york():
    set_local_tz("America/New_York")
    yield ZoneInfo("America/New_York")
    set_local_tz("Asia/Shanghai")


def test_weeks_follow_a_zone_with_daylight_saving(engine, new_york):
    """On SQLite (no zone database) a zone with daylight saving is grouped by UTC minute, exact at midnight."""
    tz = new_york
    at = lambda *a: datetime(*a, tzinfo=tz)
    with session_scope(engine) as session:
        session.add_all([User(user_id="r1", name="甲", role="sales", region="East"),
                         Customer(customer_id="c1", name="客户一")])
        session.add_all([
            # Monday 2026-03-09 00:00 local (EDT began Sunday 03-08): week 11; a minute earlier: week 10
            Lead(lead_id="A", customer_id="c1", owner_id="r1", created_at=at(2026, 3, 9, 0, 0)),
            Lead(lead_id="B", customer_id="c1", owner_id="r1", created_at=at(2026, 3, 8, 23, 59),
                 first_response_at=at(2026, 3, 9, 1, 0)),
            # Monday 2026-11-02 00:30 local (EST since Sunday 11-01): week 45; Sunday 23:30: week 44
            Lead(lead_id="C", customer_id="c1", owner_id="r1", created_at=at(2026, 11, 2, 0, 30),
                 first_response_at=at(2026, 11, 2, 1, 0)),
            Lead(lead_id="D", customer_id="c1", owner_id="r1", created_at=at(2026, 11, 1, 23, 30)),
        ])
    report = compute_kpis(engine, at(2026, 11, 20, 12, 0), kpis=(FIRST_RESPONSE,))
    weekly = report.weekly(FIRST_RESPONSE)
    got = {r.week: (r.numerator, r.denominator) for r in weekly.itertuples()}
    assert got == {"2026-W10": (1, 1), "2026-W11": (0, 1), "2026-W44": (0, 1), "2026-W45": (1, 1)}


def test_a_response_of_exactly_four_hours_passes_on_both_backends(engine):
    with session_scope(engine) as session:
        session.add_all([User(user_id="r1", name="甲", role="sales", region="East"),
                         Customer(customer_id="c1", name="客户一")])
        start = ts(3, 2, 9)
        session.add_all([
            Lead(lead_id="on_time", customer_id="c1", owner_id="r1", created_at=start,
                 first_response_at=start + timedelta(hours=4)),
            Lead(lead_id="late", customer_id="c1", owner_id="r1", created_at=start,
                 first_response_at=start + timedelta(hours=4, microseconds=1)),
        ])
    row = compute_kpis(engine, AS_OF, kpis=(FIRST_RESPONSE,)).row(FIRST_RESPONSE)
    assert (row["numerator"], row["denominator"]) == (1, 2)
