"""Connectors (数据同步): every sync source and stream with its state, last run, rows and errors; run now."""

from __future__ import annotations

import ipywidgets as widgets
from traitlets import Int

from .. import sync  # sync_now is resolved on "run now": the sync driver loads pandas
from ..config import Settings, load_settings
from ..events.deliveries import outcome_text, reason_text, recent
from ..i18n import register, t
from ..sync.ops import overview
from ..timeutil import to_local
from . import html
from .base import AppWidget, label, row

register({
    "zh-CN": {
        "connectors.title": "数据同步",
        "connectors.subtitle": "从 ERP、CRM、接口、导出文件夹和通讯录读取数据的各个来源：状态、上次运行、行数和错误。",
        "connectors.source": "来源", "connectors.run": "立即同步", "connectors.all": "全部来源",
        "connectors.col.source": "来源", "connectors.col.stream": "数据流", "connectors.col.table": "表",
        "connectors.col.status": "状态", "connectors.col.last_run": "上次运行", "connectors.col.rows": "读取",
        "connectors.col.changed": "新增 / 更新", "connectors.col.vanished": "来源已删除", "connectors.col.error": "错误",
        "connectors.status.ok": "正常", "connectors.status.error": "出错", "connectors.status.never": "未运行",
        "connectors.status.running": "运行中",
        "connectors.empty": "salesnb.toml 中还没有配置同步来源（[sync.名称]）",
        "connectors.done": "同步完成：读取 {rows} 行，新增 {inserted}，更新 {updated}",
        "connectors.failed": "同步完成，但有数据流出错：{streams}",
        "connectors.events": "事件接口最近的投递（企业微信、钉钉、飞书、通用接口；每个接口最近 {n} 次，含被拒绝的）",
        "connectors.events.empty": "还没有接收到事件（配置见 [events.*]）",
        "connectors.ev.received": "接收时间", "connectors.ev.source": "接口", "connectors.ev.id": "事件编号",
        "connectors.ev.type": "类型", "connectors.ev.status": "状态", "connectors.ev.outcome": "结果 / 原因",
        "connectors.ev.accepted": "已接收", "connectors.ev.duplicate": "重复", "connectors.ev.checked": "地址验证",
        "connectors.ev.refused": "已拒绝",
    },
    "en": {
        "connectors.title": "Connectors",
        "connectors.subtitle": "The sources read from the ERP, CRM, APIs, drop folders and contact directory: "
                               "state, last run, rows and errors.",
        "connectors.source": "Source", "connectors.run": "Run now", "connectors.all": "All sources",
        "connectors.col.source": "Source", "connectors.col.stream": "Stream", "connectors.col.table": "Table",
        "connectors.col.status": "Status", "connectors.col.last_run": "Last run", "connectors.col.rows": "Read",
        "connectors.col.changed": "Inserted / updated", "connectors.col.vanished": "Gone from source",
        "connectors.col.error": "Error",
        "connectors.status.ok": "OK", "connectors.status.error": "Error", "connectors.status.never": "Never run",
        "connectors.status.running": "Running",
        "connectors.empty": "No sync sources are configured in salesnb.toml ([sync.NAME])",
        "connectors.done": "Synced: read {rows} rows, inserted {inserted}, updated {updated}",
        "connectors.failed": "Synced, but some streams failed: {streams}",
        "connectors.events": "Latest deliveries to the event endpoints (WeCom, DingTalk, Feishu, generic webhook; "
                             "the last {n} of each, refused ones included)",
        "connectors.events.empty": "No events received yet (configure [events.*])",
        "connectors.ev.received": "Received", "connectors.ev.source": "Endpoint", "connectors.ev.id": "Event id",
        "connectors.ev.type": "Type", "connectors.ev.status": "Status", "connectors.ev.outcome": "Outcome / reason",
        "connectors.ev.accepted": "Accepted", "connectors.ev.duplicate": "Duplicate",
        "connectors.ev.checked": "URL check",
        "connectors.ev.refused": "Refused",
    },
})

TONES = {"ok": "good", "error": "bad", "never": "neutral", "running": "info"}
DELIVERY_TONES = {"accepted": "good", "duplicate": "neutral", "checked": "info", "refused": "bad"}
DELIVERIES_SHOWN = 10  # per endpoint
ALL = ""


def _status(delivery: dict) -> str:
    """Accepted, duplicate, URL check, or refused with the HTTP status answered."""
    text = t(f"connectors.ev.{delivery['status']}")
    return f"{text} {delivery['http_status']}" if delivery["status"] == "refused" else text


class Connectors(AppWidget):
    """数据同步: one row per source and stream; "run now" syncs the chosen source (or all) as the signed-in person.

    Public state: ``streams`` (how many rows the table shows).
    """

    streams = Int(0, help="Number of source streams listed.")
    deliveries = Int(0, help="Number of event deliveries listed (the latest of each endpoint).")

    title_key = "connectors.title"
    subtitle_key = "connectors.subtitle"

    def __init__(self, engine, *, settings: Settings | None = None, **kwargs):
        super().__init__(engine, **kwargs)
        self.settings = settings or load_settings()
        self.source_box = widgets.Dropdown(options=[(t("connectors.all"), ALL)], value=ALL,
                                           layout=widgets.Layout(width="220px"))
        self.source_box.add_class("snb-connectors-source")
        self.run_button = widgets.Button(description=t("connectors.run"), button_style="primary")
        self.run_button.add_class("snb-connectors-run")
        self.table = widgets.HTML("")
        self.table.add_class("snb-connectors-table")
        self.events_table = widgets.HTML("")
        self.events_table.add_class("snb-connectors-events")
        self.body.children = [row(label(t("connectors.source"), inline=True), self.source_box, self.run_button,
                                  cls="snb-toolbar"), self.table, widgets.HTML(html.tag("div", t("connectors.events", n=DELIVERIES_SHOWN),
                                                                 cls="snb-section-title")),
                              self.events_table]
        self.on_click(self.run_button, self.run_now)
        self.safely(self.refresh)()

    def refresh(self) -> None:
        """Re-read every stream's state."""
        rows = overview(self.engine, self.settings)
        sources = sorted({r["source"] for r in rows if r.get("configured")})
        self.source_box.options = [(t("connectors.all"), ALL), *[(s, s) for s in sources]]
        self.streams = len(rows)
        self.table.value = html.table(
            [(r["source"], r["stream"], r["table_name"],
              html.badge(t(f"connectors.status.{r['status']}"), TONES.get(r["status"], "neutral")),
              to_local(r["last_run_at"]).strftime("%Y-%m-%d %H:%M") if r.get("last_run_at") else "-",
              r["rows"], f"{r['inserted']} / {r['updated']}", r["vanished"],
              " · ".join(line.strip() for line in (r.get("last_error") or "").splitlines()[:3])[:400])
             for r in rows],
            [t(f"connectors.col.{c}") for c in ("source", "stream", "table", "status", "last_run", "rows",
                                                 "changed", "vanished", "error")],
            empty=t("connectors.empty"), cell_html={3: True})
        events = recent(self.engine, DELIVERIES_SHOWN)
        self.deliveries = len(events)
        self.events_table.value = html.table(
            [(to_local(e["received_at"]).strftime("%Y-%m-%d %H:%M:%S"), e["source"],
              html.badge(_status(e), DELIVERY_TONES.get(e["status"], "neutral")),
              (outcome_text(e["outcome"]) if e["status"] == "accepted" else reason_text(e))[:300],
              (e["event_id"] or "-")[:80], e["event_type"] or "-") for e in events],
            [t(f"connectors.ev.{c}") for c in ("received", "source", "status", "outcome", "id", "type")],
            empty=t("connectors.events.empty"), cell_html={2: True})

    def run_now(self) -> None:
        """Sync the chosen source (or every source) now; the library checks the person may import data."""
        names = [self.source_box.value] if self.source_box.value else []
        report = sync.sync_now(self.engine, self.actor, names, settings=self.settings)
        self.refresh()
        failed = [f"{s.source}/{s.stream}" for s in report.streams if not s.ok]
        if failed:
            self.show_notice(t("connectors.failed", streams=", ".join(failed)), "warn")
        else:
            self.show_notice(t("connectors.done", rows=report.total("rows"), inserted=report.total("inserted"),
                               updated=report.total("updated")))
