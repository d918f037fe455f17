"""Connectors (数据同步): each source and stream with its state; run now, as a person allowed to import data."""

from __future__ import annotations

from salesnb.config import Settings
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
