"""KPI snapshots: the daily run's counts give the same rates as counting live, for everybody and per scope,
and the dashboard opens on them (the refresh button counts live)."""

from __future__ import annotations

import io
import tracemalloc
from datetime import timedelta

import openpyxl

import pandas as pd

from salesnb.auth.visibility import Scope
from salesnb.db import session_scope
from salesnb.kpi import compute_kpis, snapshots
from salesnb.kpi.audit_process import audited_orders
from salesnb.kpi.kpis import KpiOptions, count_kpis, report_from_counts
from salesnb.kpi.snapshots import KEEP, _frame_in, latest_kpi_snapshot, save_kpi_snapshot
from salesnb.models import Baseline, KpiSnapshot, Lead, Order
from salesnb.widgets.dashboard import Dashboard

from .handmade import AS_OF, build, ts

OPTIONS = KpiOptions(repair_grace=timedelta(days=1), a_lead_maturity=timedelta(days=2))


def _with_baseline(engine) -> None:
    with session_scope(engine) as session:
        session.add(Baseline(taken_at=ts(3, 3), quiet_before=ts(3, 3), created_at=ts(3, 3)))


def test_a_snapshot_gives_the_live_rates_for_everybody_and_for_a_scope(engine):
    build(engine)
    _with_baseline(engine)
    save_kpi_snapshot(engine, count_kpis(engine, AS_OF, options=OPTIONS))
    counts, taken = latest_kpi_snapshot(engine, AS_OF + timedelta(hours=1), timedelta(hours=26))
    assert taken is not None and counts.options == OPTIONS
    stored = report_from_counts(counts, since=ts(3, 2))
    live = compute_kpis(engine, AS_OF, since=ts(3, 2), options=OPTIONS)
    assert len(live.rates) > 20 and set(live.rates["kpi"]) == set(stored.rates["kpi"])
    pd.testing.assert_frame_equal(stored.rates, live.rates, check_dtype=False)
    scope = Scope(frozenset({"r2"}))
    mine = report_from_counts(counts.scoped(scope))
    pd.testing.assert_frame_equal(mine.rates, compute_kpis(engine, AS_OF, options=OPTIONS, scope=scope).rates,
                                  check_dtype=False)
    assert set(mine.rates["owner_id"].dropna()) == {"r2"}


def test_only_a_recent_snapshot_is_used_and_old_ones_are_dropped(engine):
    build(engine)
    for days in range(KEEP + 3, 0, -1):
        save_kpi_snapshot(engine, count_kpis(engine, AS_OF - timedelta(days=days), options=OPTIONS))
    with session_scope(engine) as session:
        assert session.query(KpiSnapshot).count() == KEEP
    assert latest_kpi_snapshot(engine, AS_OF, timedelta(hours=12)) is None  # the newest is a day old
    counts, _taken = latest_kpi_snapshot(engine, AS_OF, timedelta(hours=26))
    assert counts.as_of == AS_OF - timedelta(days=1)
    assert latest_kpi_snapshot(engine, AS_OF - timedelta(days=KEEP + 5), timedelta(days=2)) is None


def test_a_snapshot_is_loaded_once_in_a_process_and_a_newer_one_takes_its_place(engine, monkeypatch):
    # a dashboard kernel loads the snapshot while it waits for its page; the page's build finds it loaded
    build(engine)
    save_kpi_snapshot(engine, count_kpis(engine, AS_OF - timedelta(hours=1), options=OPTIONS))
    loads = []
    load = snapshots._counts
    monkeypatch.setattr(snapshots, "_counts", lambda *args: loads.append(args[1]) or load(*args))
    first, taken = latest_kpi_snapshot(engine, AS_OF, timedelta(hours=26))
    name = next(iter(first.items))
    kept = first.items[name].copy()
    first.items[name]["items"] = 0  # a caller's change stays the caller's
    first.rep_names.clear()
    again, taken_again = latest_kpi_snapshot(engine, AS_OF + timedelta(minutes=5), timedelta(hours=26))
    assert taken_again == taken and len(loads) == 1
    pd.testing.assert_frame_equal(again.items[name], kept)
    assert again.rep_names and kept["items"].sum() > 0
    save_kpi_snapshot(engine, count_kpis(engine, AS_OF, options=OPTIONS))
    newer, _taken = latest_kpi_snapshot(engine, AS_OF + timedelta(minutes=5), timedelta(hours=26))
    assert newer.as_of == AS_OF and len(loads) == 2
    # the older one is still there, but no longer held: asked for again, it is loaded again
    older, _taken = latest_kpi_snapshot(engine, AS_OF - timedelta(minutes=30), timedelta(hours=26))
    assert older.as_of == first.as_of and len(loads) == 3


def test_the_dashboard_opens_on_the_daily_snapshot_and_refresh_counts_live(engine):
    build(engine)
    save_kpi_snapshot(engine, count_kpis(engine, AS_OF - timedelta(hours=3)))
    with session_scope(engine) as session:  # after the snapshot: a lead answered late
        session.add(Lead(lead_id="LATE", customer_id="c1", owner_id="r1", created_at=ts(3, 2, 8),
                         first_response_at=ts(3, 3, 8)))
    board = Dashboard(engine, as_of=AS_OF)
    assert board.error == "" and board.snapshot_taken is not None
    assert "每日检查" in board.source_note.value and "2026-03-11 09:00" in board.source_note.value
    first = board.report.row("first_response_4h_rate")
    board.weeks = 4  # a new window re-derives from the same counts
    assert board.snapshot_taken is not None
    board.refresh_button.click()
    assert board.error == "" and board.snapshot_taken is None and "实时" in board.source_note.value
    now = board.report.row("first_response_4h_rate")
    assert int(now["denominator"]) == int(first["denominator"]) + 1
    assert int(now["numerator"]) == int(first["numerator"])


def test_the_process_audit_waits_for_a_click_on_large_data(engine, tmp_path, monkeypatch):
    build(engine)
    with session_scope(engine) as session:
        session.add_all([Order(order_id=f"BIG{i}", created_at=ts(3, 2)) for i in range(3)])
    config = tmp_path / "salesnb.toml"
    config.write_text("[dashboard]\naudit_auto_orders = 2\n", encoding="utf-8")
    monkeypatch.setenv("SALESNB_CONFIG", str(config))
    board = Dashboard(engine, as_of=AS_OF)
    assert board.error == "" and board.audit is None
    assert board.audit_button.layout.display != "none" and "超过 2 单" in board.audit_text.value
    assert audited_orders(engine, AS_OF) > 3 and audited_orders(engine, AS_OF, at_most=2) == 3  # counted no further
    assert "流程审计" not in set(openpyxl.load_workbook(io.BytesIO(board.export())).sheetnames)
    board.audit_button.click()
    assert board.error == "" and board.audit is not None and len(board.audit.orders) >= 3
    assert board.audit_button.layout.display == "none" and "平均每单" in board.audit_text.value


def test_a_loaded_snapshot_keeps_one_string_per_distinct_value(engine):
    """JSON gives every occurrence of an owner id its own string; the dashboard's kernel keeps one of each."""
    build(engine)
    save_kpi_snapshot(engine, count_kpis(engine, AS_OF, options=OPTIONS))
    counts, _taken = latest_kpi_snapshot(engine, AS_OF, timedelta(hours=26))
    frames = [*counts.items.values(), counts.repair.frame]
    values = [v for frame in frames for col in ("owner_id", "region") for v in frame[col] if isinstance(v, str)]
    assert len(values) > len(set(values)) > 1  # repeated values, or the test shows nothing
    assert len({id(v) for v in values}) == len(set(values))


def test_a_snapshot_frame_is_loaded_a_column_at_a_time():
    """No second list of every row: the dashboard's kernel keeps what its heap grew to while loading."""
    n = 50_000
    data = {"columns": ["kpi", "owner_id", "region", "week", "items", "passed"],
            "rows": [["compliance", f"U{i % 300:04d}", f"r{i % 7}", f"2026-W{i % 12:02d}", i, i // 2]
                     for i in range(n)]}
    tracemalloc.start()
    try:
        frame = _frame_in(data, {})
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert frame["items"].dtype == "int64" and frame["passed"].tolist()[:3] == [0, 0, 1]
    assert frame["owner_id"].dtype == object and frame["week"].iloc[13] == "2026-W01"
    # bytes a row, measured 180 peak / 52 kept (row lists first, then the frame: 229 / 68)
    assert peak / n < 205 and kept / n < 60
