"""Connectors (数据同步): each source and stream with its state; run now, as a person allowed to import data."""

from __future__ import annotations

from salesnb.config import Settings
from salesnb.events import deliveries
from salesnb.events.store import accept
from salesnb.sync import run_sync
from salesnb.widgets.connectors import Connectors

from .seed import XSS


def folder_settings(folder) -> Settings:
    return Settings(db_url="", raw={"sync": {"drop": {"type": "folder", "path": str(folder)}}})


def test_lists_streams_and_runs_now(seeded, tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "customers.csv").write_text("客户编号,客户名称\nC900,新客户\n", encoding="utf-8")
    w = Connectors(seeded, settings=folder_settings(drop), actor="F01")  # finance may import data
    assert w.streams == 1 and "未运行" in w.table.value and "drop" in w.table.value
    assert [v for _l, v in w.source_box.options] == ["", "drop"]
    w.source_box.value = "drop"
    w.run_button.click()
    assert w.error == "" and "新增 1" in w.notice
    assert "正常" in w.table.value and ">1 / 0<" in w.table.value

    (drop / "broken.csv").write_text(f"客户编号,客户名称,创建时间\nC901,新客户,{XSS}\n", encoding="utf-8")
    w.run_button.click()
    assert "drop/files" in w.notice and "出错" in w.table.value
    assert "<img" not in w.table.value and "&lt;img" in w.table.value and "broken.csv 第 2 行" in w.table.value


def test_a_sales_rep_may_not_run_a_sync(seeded, tmp_path):
    w = Connectors(seeded, settings=folder_settings(tmp_path), actor="U01")
    w.run_button.click()
    assert "导入数据" in w.error or "import data" in w.error
    assert run_sync(seeded, settings=folder_settings(tmp_path)).streams[0].batches == 0  # nothing had run


def test_no_sources_configured(seeded):
    w = Connectors(seeded, settings=Settings(db_url=""), actor="D01")
    assert w.streams == 0 and "还没有配置同步来源" in w.table.value
    assert w.deliveries == 0 and "还没有接收到事件" in w.events_table.value


def test_the_latest_inbound_events_are_listed_escaped(seeded):
    accept(seeded, "generic", XSS, "rows.users", lambda session: {"table": "users", "rows": 1, "inserted": 1})
    w = Connectors(seeded, settings=Settings(db_url=""), actor="D01")
    assert w.deliveries == 1 and "generic" in w.events_table.value and "users: 1 rows, +1" in w.events_table.value
    assert "<img" not in w.events_table.value and "&lt;img" in w.events_table.value


def test_refused_deliveries_are_listed_with_their_reason_per_endpoint(seeded):
    deliveries.refused(seeded, "wecom", "events.bad_signature", 403)
    deliveries.refused(seeded, "generic", "events.rows_refused", 422, event_id=XSS, event_type="rows.leads",
                       details={"total": 2})
    accept(seeded, "generic", "crm-1", "rows.users", lambda session: {"table": "users", "rows": 1, "inserted": 1})
    accept(seeded, "generic", "crm-1", "rows.users", lambda session: {})  # delivered again
    w = Connectors(seeded, settings=Settings(db_url=""), actor="D01")
    table = w.events_table.value
    assert w.deliveries == 4 and "每个接口最近 10 次" in w.body.children[2].value
    assert table.index("wecom") < table.index("generic")  # by endpoint, then newest first
    assert "已拒绝 403" in table and "签名不正确" in table
    assert "已拒绝 422" in table and "行数据有误，共 2 个问题（未写入）" in table
    assert "重复" in table and "已处理过" in table and "users: 1 rows, +1" in table
    assert "<img" not in table and "&lt;img" in table


def test_the_reasons_read_in_english(seeded, english):
    deliveries.refused(seeded, "feishu", "events.stale", 403)
    w = Connectors(seeded, settings=Settings(db_url=""), actor="D01")
    assert "Refused 403" in w.events_table.value and "stale timestamp" in w.events_table.value
