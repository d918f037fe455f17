"""The KPI report as tables: localised for people, written to one xlsx (a sheet each) or one HTML page.

Every value in the HTML page is escaped (pandas ``to_html(escape=True)`` and
:func:`html.escape`); the only unescaped markup is the page skeleton and the
plotly charts' own HTML.
"""

from __future__ import annotations

import html
import io
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import pandas as pd

from ..i18n import register, t
from ..timeutil import local_tz, to_local
from .anomalies import AnomalyNote, notes_frame
from .audit_process import STAGES, ProcessAudit
from .kpis import KpiReport, is_red
from .messages import kpi_label, percent

if TYPE_CHECKING:
    import plotly.graph_objects as go

COLUMNS = ("kpi", "scope", "week", "region", "owner_id", "rep_name", "numerator", "denominator", "rate",
           "threshold", "ok", "rule", "severity", "note", "stage", "breakpoints", "per_order",
           "orders_broken_share", "orders", "before_orders", "before_per_order", "after_orders",
           "after_per_order", "reduction", "order_id", "created_at", "total")
register({
    "zh-CN": {
        "col.kpi": "指标", "col.scope": "范围", "col.week": "周", "col.region": "区域", "col.owner_id": "销售编号",
        "col.rep_name": "销售", "col.numerator": "达标数", "col.denominator": "总数", "col.rate": "达成率",
        "col.threshold": "阈值", "col.ok": "状态", "col.rule": "规则", "col.severity": "级别", "col.note": "说明",
        "col.stage": "环节", "col.breakpoints": "断点数", "col.per_order": "每单断点",
        "col.orders_broken_share": "有断点订单占比", "col.orders": "订单数", "col.before_orders": "之前订单数",
        "col.before_per_order": "之前每单断点", "col.after_orders": "之后订单数",
        "col.after_per_order": "之后每单断点", "col.reduction": "断点修复率", "col.order_id": "订单编号",
        "col.created_at": "下单时间", "col.total": "合计",
        "status.ok": "达标", "status.red": "未达标",
        "table.overall": "总体", "table.weekly": "按周", "table.by_region": "按区域", "table.by_rep": "按销售",
        "table.weekly_by_region": "按周和区域", "table.a_lead_conversion": "A类线索转化",
        "table.notes": "异常说明", "table.audit": "流程审计", "table.audit_split": "前后对比",
        "report.title": "销售健康度周报", "report.as_of": "数据截至 {as_of}",
    },
    "en": {
        "col.kpi": "KPI", "col.scope": "Scope", "col.week": "Week", "col.region": "Region", "col.owner_id": "Rep ID",
        "col.rep_name": "Rep", "col.numerator": "Passed", "col.denominator": "Total", "col.rate": "Rate",
        "col.threshold": "Threshold", "col.ok": "Status", "col.rule": "Rule", "col.severity": "Severity",
        "col.note": "Note", "col.stage": "Stage", "col.breakpoints": "Breakpoints", "col.per_order": "Per order",
        "col.orders_broken_share": "Orders with a break", "col.orders": "Orders", "col.before_orders": "Orders before",
        "col.before_per_order": "Per order before", "col.after_orders": "Orders after",
        "col.after_per_order": "Per order after", "col.reduction": "Repair rate", "col.order_id": "Order",
        "col.created_at": "Created", "col.total": "Total",
        "status.ok": "OK", "status.red": "Below",
        "table.overall": "Overall", "table.weekly": "Weekly", "table.by_region": "By region", "table.by_rep": "By rep",
        "table.weekly_by_region": "Weekly by region", "table.a_lead_conversion": "A-lead conversion",
        "table.notes": "Anomaly notes", "table.audit": "Process audit", "table.audit_split": "Before vs after",
        "report.title": "Sales health weekly report", "report.as_of": "Data as of {as_of}",
    },
})


def report_tables(report: KpiReport | None = None, notes: list[AnomalyNote] | None = None,
                  audit: ProcessAudit | None = None, split_at: datetime | None = None,
                  language: str | None = None) -> dict[str, pd.DataFrame]:
    """Every table of the report, keyed by name (raw values; see :func:`localise` for display)."""
    tables: dict[str, pd.DataFrame] = {}
    if report is not None:
        tables.update(report.tables())
    if notes is not None:
        tables["notes"] = notes_frame(notes, language)
    if audit is not None:
        tables["audit"] = audit.summary()
        if split_at is not None:
            tables["audit_split"] = audit.split(split_at)
    return tables


def localise(frame: pd.DataFrame, language: str | None = None) -> pd.DataFrame:
    """Display form: KPI and stage names translated, rates as percentages, status words, headers translated."""
    shown = frame.copy()
    if "kpi" in shown:
        shown["kpi"] = shown["kpi"].map(lambda k: kpi_label(k, language) if isinstance(k, str) else k)
    if "stage" in shown:
        shown["stage"] = shown["stage"].map(
            lambda s: t(f"kpi.stage.{s}", language) if s in STAGES else t("col.total", language))
    for col in ("rate", "threshold", "orders_broken_share", "reduction"):
        if col in shown:
            shown[col] = shown[col].map(lambda v: percent(None if pd.isna(v) else float(v)))
    for col in ("per_order", "before_per_order", "after_per_order"):
        if col in shown:
            shown[col] = shown[col].map(lambda v: "—" if pd.isna(v) else f"{float(v):.2f}")
    if "ok" in shown:
        shown["ok"] = shown["ok"].map(
            lambda v: "—" if v is None or pd.isna(v) else t("status.red" if is_red(v) else "status.ok", language))
    if "created_at" in shown:
        shown["created_at"] = shown["created_at"].map(
            lambda v: "" if pd.isna(v) else to_local(v.to_pydatetime()).strftime("%Y-%m-%d %H:%M"))
    return shown.rename(columns={c: t(f"col.{c}", language) for c in shown.columns if c in COLUMNS})


def write_xlsx(tables: Mapping[str, pd.DataFrame], path: str | Path, language: str | None = None) -> Path:
    """One sheet per table, headers and values in display form."""
    return write_sheets({t(f"table.{name}", language): localise(frame, language) for name, frame in tables.items()},
                        path)


def write_sheets(frames: Mapping[str, pd.DataFrame], path: str | Path | BinaryIO) -> Path | BinaryIO:
    """Frames to one xlsx (a file or a binary buffer), a sheet each; times as local wall-clock."""
    if isinstance(path, (str, Path)):
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in frames.items():
            excel_safe(frame).to_excel(writer, sheet_name=str(name)[:31], index=False)
    return path


def xlsx_bytes(tables: Mapping[str, pd.DataFrame], language: str | None = None) -> bytes:
    """The report tables as xlsx file content (for a download)."""
    buffer = io.BytesIO()
    write_sheets({t(f"table.{name}", language): localise(frame, language) for name, frame in tables.items()},
                 buffer)
    return buffer.getvalue()


def excel_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Excel has no time zones and no nested values: local naive times, JSON-ish values as text."""
    out = frame.copy()
    for col in out.columns:
        values = out[col]
        if isinstance(values.dtype, pd.DatetimeTZDtype):
            out[col] = values.dt.tz_convert(local_tz()).dt.tz_localize(None)
        elif values.dtype == object:
            out[col] = values.map(_cell)
    return out


def _cell(value: object) -> object:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return to_local(value).replace(tzinfo=None)
    if isinstance(value, (dict, list, tuple, set)):
        return str(value)
    return value


def render_html(tables: Mapping[str, pd.DataFrame], figures: list[go.Figure], as_of: datetime,
                language: str | None = None) -> str:
    """A standalone HTML page: title, charts (plotly.js embedded, works offline), then every table."""
    parts = [f"<h1>{html.escape(t('report.title', language))}</h1>",
             f"<p>{html.escape(t('report.as_of', language, as_of=to_local(as_of).strftime('%Y-%m-%d %H:%M')))}</p>"]
    for index, fig in enumerate(figures):
        parts.append(fig.to_html(full_html=False, include_plotlyjs=index == 0))
    for name, frame in tables.items():
        parts.append(f"<h2>{html.escape(t(f'table.{name}', language))}</h2>")
        parts.append(localise(frame, language).to_html(index=False, escape=True, na_rep="", border=0,
                                                       classes="snb-report"))
    style = ("body{font-family:'Noto Sans CJK SC',sans-serif;margin:24px}table{border-collapse:collapse}"
             "td,th{border:1px solid #ddd;padding:4px 8px}th{background:#f4f4f4}")
    lang = "zh-CN" if (language or "zh-CN") == "zh-CN" else "en"
    return (f"<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>"
            f"{html.escape(t('report.title', language))}</title><style>{style}</style></head><body>"
            + "\n".join(parts) + "</body></html>")
