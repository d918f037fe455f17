"""KPI counts taken alongside the daily run equal the counts taken after it, and fail the run visibly."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import event

from salesnb.db import make_engine
from salesnb.demo import build_demo_db
from salesnb.kpi.alongside import count_kpis_alongside
from salesnb.kpi.compliance import COMPLIANCE_ITEMS
from salesnb.kpi.kpis import ALL_KPIS, count_kpis
from salesnb.pipeline import daily_run
from salesnb.timeutil import parse_as_of

AS_OF = "2026-11-27 10:00"


def test_counts_taken_alongside_the_run_equal_those_taken_after_it(engine, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    build_demo_db(engine, orders=150, seed=4, as_of=AS_OF)
    as_of = parse_as_of(AS_OF)
    daily_run(engine, as_of, steps=["grade"])
    counting = count_kpis_alongside(engine, as_of)
    run = daily_run(engine, as_of, steps=["reconcile", "checks"])
    assert run.reports["checks"].baseline_id is not None  # the repair rate's baseline is taken by these checks
    counting.findings_written()
    daily_run(engine, as_of, steps=["escalate", "notify"])
    alongside = counting.result()
    after = count_kpis(engine, as_of)
    assert alongside.kpis == after.kpis == ALL_KPIS
    assert alongside.repair is not None and alongside.repair.taken_at is not None
    assert alongside.repair.frame["findings"].sum() > 0
    pd.testing.assert_frame_equal(alongside.repair.frame, after.repair.frame)
    for name, frame in after.items.items():
        assert len(frame) > 0
        pd.testing.assert_frame_equal(alongside.items[name], frame)
    assert alongside.rep_names == after.rep_names


def test_without_word_from_the_checks_the_repair_rate_is_counted_by_result(engine, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    build_demo_db(engine, orders=60, seed=2, as_of=AS_OF)
    as_of = parse_as_of(AS_OF)
    counting = count_kpis_alongside(engine, as_of)
    daily_run(engine, as_of, steps=["checks"])
    alongside = counting.result()
    assert alongside.repair is not None and alongside.repair.taken_at is not None
    pd.testing.assert_frame_equal(alongside.repair.frame, count_kpis(engine, as_of).repair.frame)


def test_an_error_in_the_thread_is_raised_by_result(engine, monkeypatch):
    def broken(data):
        raise RuntimeError("item source failed")

    monkeypatch.setitem(COMPLIANCE_ITEMS, "broken", broken)
    counting = count_kpis_alongside(engine, parse_as_of(AS_OF))
    with pytest.raises(RuntimeError, match="item source failed"):
        counting.result()


def test_the_counts_hash_instead_of_sorting_on_postgresql(pg_cleaner, pg_database_url, tmp_path, monkeypatch):
    """The planner expects a group a row from a local day and sorted 1.3 M contracts by owner (3.8 s, hashed
    1.2 s at 1 M orders): every count runs with sorts off, and only the counts (``SET LOCAL``)."""
    pg_cleaner()
    engine = make_engine(pg_database_url)
    monkeypatch.chdir(tmp_path)
    build_demo_db(engine, orders=40, seed=3, as_of=AS_OF)
    seen: list[tuple[str, str]] = []

    def setting(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            sort = cursor.connection.execute("SELECT current_setting('enable_sort')").fetchone()[0]
            seen.append((sort, statement))

    event.listen(engine, "after_cursor_execute", setting)
    try:
        count_kpis(engine, parse_as_of(AS_OF), beside=True)
    finally:
        event.remove(engine, "after_cursor_execute", setting)
    assert len(seen) >= len(ALL_KPIS)
    assert [statement for sort, statement in seen if sort != "off"] == []
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SHOW enable_sort").scalar() == "on"
    engine.dispose()
