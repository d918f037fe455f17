"""The KPI and process-audit charts as plain plotly figure dicts (``{"data": [...], "layout": {...}}``).

plotly.js draws them as they are; building them needs no plotly.py: its
``graph_objects`` validators cost an app kernel ≈ 25 MiB and a quarter
second.  :mod:`salesnb.kpi.charts` wraps them in ``plotly.graph_objects.Figure``
for notebooks and the HTML report.  The layout's template (plotly_white) is
read from plotly's package data, so a chart looks the same either way.
"""

from __future__ import annotations

import html
import importlib.util
import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

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

Chart = dict[str, Any]
COLOURS = ("#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf")
TEMPLATE = "plotly_white"
LAYOUT = dict(height=340, margin=dict(l=50, r=20, t=50, b=40), legend=dict(orientation="h", y=-0.2),
              yaxis=dict(tickformat=".0%", rangemode="tozero"))
# ISO week labels sort as text; without this plotly orders categories by first appearance across traces
WEEK_AXIS = dict(type="category", categoryorder="category ascending")


def label_text(value: object) -> str:
    """Data shown as a chart label: plotly reads labels as a little HTML, so data is escaped."""
    return html.escape(str(value), quote=False)


@lru_cache(maxsize=4)
def template(name: str = TEMPLATE) -> dict[str, Any]:
    """A plotly template (colours, grid, fonts) from plotly's package data, without importing plotly."""
    spec = importlib.util.find_spec("plotly")
    folder = Path(next(iter(spec.submodule_search_locations)))  # type: ignore[union-attr]
    return json.loads((folder / "package_data" / "templates" / f"{name}.json").read_text(encoding="utf-8"))


def number(value: object) -> float | None:
    """A plain float for the JSON (``None``, drawn as a gap, for a missing value)."""
    if value is None:
        return None
    number_ = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number_) else number_


def chart(data: list[dict[str, Any]], title: str, **layout: Any) -> Chart:
    """A figure dict: ``data`` traces, the common layout, ``layout`` on top."""
    return {"data": data, "layout": {"template": template(), "title": {"text": title}, **LAYOUT, **layout}}


def trend_chart(report: KpiReport, kpis: tuple[str, ...] = HEALTH_KPIS, language: str | None = None,
                region: str | None = None) -> Chart:
    """One line per KPI over the ISO weeks (of one ``region`` if given), its threshold dashed in the same colour."""
    if region:
        weekly = report.at("week_region")
        weekly = weekly[weekly["region"] == region].sort_values("week")
    else:
        weekly = report.weekly()
    data = []
    for colour, kpi in zip(COLOURS, kpis, strict=False):
        rows = weekly[weekly["kpi"] == kpi]
        if rows.empty:
            continue
        label, weeks = kpi_label(kpi, language), [str(w) for w in rows["week"]]
        data.append({"type": "scatter", "x": weeks, "y": [number(v) for v in rows["rate"]], "name": label,
                     "mode": "lines+markers", "line": {"color": colour}})
        data.append({"type": "scatter", "x": weeks, "y": [float(report.thresholds[kpi])] * len(weeks),
                     "name": t("chart.threshold", language, kpi=label), "mode": "lines",
                     "line": {"color": colour, "dash": "dash", "width": 1}, "hoverinfo": "skip"})
    title = t("chart.trend", language) + (f" · {label_text(region)}" if region else "")
    return chart(data, title, xaxis=WEEK_AXIS)


def a_lead_chart(report: KpiReport, language: str | None = None, region: str | None = None) -> Chart:
    """Grouped bars per region for each week; bars under the red line are red, the line itself dashed."""
    table = report.a_lead_conversion()
    if region:
        table = table[table["region"] == region]
    data = []
    for name, rows in table.groupby(table["region"].fillna(t("kpi.unknown_region", language)), sort=True):
        colours = ["#d62728" if is_red(ok) else "#2ca02c" for ok in rows["ok"]]
        data.append({"type": "bar", "x": [str(w) for w in rows["week"]], "y": [number(v) for v in rows["rate"]],
                     "name": label_text(name), "marker": {"color": colours, "line": {"color": "#333", "width": 0.5}}})
    red_line = float(report.thresholds[A_LEAD_CONVERSION])
    return chart(data, t("chart.a_leads", language), barmode="group", xaxis=WEEK_AXIS,
                 shapes=[{"type": "line", "xref": "x domain", "x0": 0, "x1": 1, "yref": "y", "y0": red_line,
                          "y1": red_line, "line": {"color": "#d62728", "dash": "dash"}}],
                 annotations=[{"text": f"{red_line:.0%}", "showarrow": False, "xref": "x domain", "x": 0,
                               "xanchor": "left", "yref": "y", "y": red_line, "yanchor": "bottom"}])


def audit_chart(audit: ProcessAudit, split_at=None, language: str | None = None) -> Chart:
    """Breakpoints per order in each stage (before vs after ``split_at`` when given)."""
    labels = [t(f"kpi.stage.{s}", language) for s in STAGES]
    data = []
    if split_at is not None:
        split = audit.split(split_at).set_index("stage")
        for key, colour in (("before", "#ff7f0e"), ("after", "#1f77b4")):
            data.append({"type": "bar", "x": labels, "y": [number(split.loc[s, f"{key}_per_order"]) for s in STAGES],
                         "name": t(f"chart.{key}", language), "marker": {"color": colour}})
    else:
        summary = audit.summary().set_index("stage")
        data.append({"type": "bar", "x": labels, "y": [number(summary.loc[s, "per_order"]) for s in STAGES],
                     "name": t("chart.all_orders", language), "marker": {"color": "#1f77b4"}})
    return chart(data, t("chart.audit", language), barmode="group", yaxis=dict(rangemode="tozero"))
