"""Plotly figures of the KPIs and the process audit (plain figures: no widget code here)."""

from __future__ import annotations

import html

import plotly.graph_objects as go

from ..i18n import register, t
from .audit_process import STAGES, ProcessAudit
from .kpis import A_LEAD_CONVERSION, HEALTH_KPIS, KpiReport, is_red
from .messages import kpi_label

register({
    "zh-CN": {"chart.trend": "健康指标周趋势", "chart.a_leads": "各区域 A类线索转化率（周）",
              "chart.audit": "各环节平均断点数（每单）", "chart.threshold": "{kpi} 阈值",
              "chart.before": "之前", "chart.after": "之后", "chart.all_orders": "全部订单"},
    "en": {"chart.trend": "Health KPIs by week", "chart.a_leads": "A-lead conversion by region and week",
           "chart.audit": "Breakpoints per order by stage", "chart.threshold": "{kpi} threshold",
           "chart.before": "before", "chart.after": "after", "chart.all_orders": "all orders"},
})

def label_text(value: object) -> str:
    """Data shown as a chart label: plotly reads labels as a little HTML, so data is escaped."""
    return html.escape(str(value), quote=False)


COLOURS = ("#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf")
LAYOUT = dict(template="plotly_white", height=340, margin=dict(l=50, r=20, t=50, b=40),
              legend=dict(orientation="h", y=-0.2), yaxis=dict(tickformat=".0%", rangemode="tozero"))
# ISO week labels sort as text; without this plotly orders categories by first appearance across traces
WEEK_AXIS = dict(type="category", categoryorder="category ascending")


def trend_figure(report: KpiReport, kpis: tuple[str, ...] = HEALTH_KPIS, language: str | None = None,
                 region: str | None = None) -> go.Figure:
    """One line per KPI over the ISO weeks (of one ``region`` if given), its threshold dashed in the same colour."""
    fig = go.Figure()
    if region:
        weekly = report.at("week_region")
        weekly = weekly[weekly["region"] == region].sort_values("week")
    else:
        weekly = report.weekly()
    for colour, kpi in zip(COLOURS, kpis, strict=False):
        rows = weekly[weekly["kpi"] == kpi]
        if rows.empty:
            continue
        label = kpi_label(kpi, language)
        fig.add_trace(go.Scatter(x=list(rows["week"]), y=list(rows["rate"]), name=label, mode="lines+markers",
                                 line=dict(color=colour)))
        fig.add_trace(go.Scatter(x=list(rows["week"]), y=[report.thresholds[kpi]] * len(rows),
                                 name=t("chart.threshold", language, kpi=label), mode="lines",
                                 line=dict(color=colour, dash="dash", width=1), hoverinfo="skip"))
    title = t("chart.trend", language) + (f" · {label_text(region)}" if region else "")
    fig.update_layout(title=title, xaxis=WEEK_AXIS, **LAYOUT)
    return fig


def a_lead_figure(report: KpiReport, language: str | None = None, region: str | None = None) -> go.Figure:
    """Grouped bars per region for each week; bars under the red line are red, the line itself dashed."""
    table = report.a_lead_conversion()
    if region:
        table = table[table["region"] == region]
    fig = go.Figure()
    for name, rows in table.groupby(table["region"].fillna(t("kpi.unknown_region", language)), sort=True):
        colours = ["#d62728" if is_red(ok) else "#2ca02c" for ok in rows["ok"]]
        fig.add_trace(go.Bar(x=list(rows["week"]), y=list(rows["rate"]), name=label_text(name),
                             marker=dict(color=colours, line=dict(color="#333", width=0.5))))
    red_line = report.thresholds[A_LEAD_CONVERSION]
    fig.add_hline(y=red_line, line=dict(color="#d62728", dash="dash"),
                  annotation_text=f"{red_line:.0%}", annotation_position="top left")
    fig.update_layout(title=t("chart.a_leads", language), barmode="group", xaxis=WEEK_AXIS, **LAYOUT)
    return fig


def audit_figure(audit: ProcessAudit, split_at=None, language: str | None = None) -> go.Figure:
    """Breakpoints per order in each stage (before vs after ``split_at`` when given)."""
    labels = [t(f"kpi.stage.{s}", language) for s in STAGES]
    fig = go.Figure()
    if split_at is not None:
        split = audit.split(split_at).set_index("stage")
        for key, colour in (("before", "#ff7f0e"), ("after", "#1f77b4")):
            values = [split.loc[s, f"{key}_per_order"] for s in STAGES]
            fig.add_trace(go.Bar(x=labels, y=values, name=t(f"chart.{key}", language), marker_color=colour))
    else:
        summary = audit.summary().set_index("stage")
        fig.add_trace(go.Bar(x=labels, y=[summary.loc[s, "per_order"] for s in STAGES],
                             name=t("chart.all_orders", language), marker_color="#1f77b4"))
    fig.update_layout(title=t("chart.audit", language), barmode="group",
                      **{**LAYOUT, "yaxis": dict(rangemode="tozero")})
    return fig
