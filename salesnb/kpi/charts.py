"""Plotly figures of the KPIs and the process audit, for notebooks and the HTML report (no widget code here).

Each is the figure dict of :mod:`salesnb.kpi.chart_specs` as a
``plotly.graph_objects.Figure``; the dashboard draws the dicts themselves.
"""

from __future__ import annotations

import plotly.graph_objects as go

from .audit_process import ProcessAudit
from .chart_specs import a_lead_chart, audit_chart, trend_chart
from .kpis import HEALTH_KPIS, KpiReport


def trend_figure(report: KpiReport, kpis: tuple[str, ...] = HEALTH_KPIS, language: str | None = None,
                 region: str | None = None) -> go.Figure:
    """One line per KPI over the ISO weeks (of one ``region`` if given), its threshold dashed in the same colour."""
    return go.Figure(trend_chart(report, kpis, language, region))


def a_lead_figure(report: KpiReport, language: str | None = None, region: str | None = None) -> go.Figure:
    """Grouped bars per region for each week; bars under the red line are red, the line itself dashed."""
    return go.Figure(a_lead_chart(report, language, region))


def audit_figure(audit: ProcessAudit, split_at=None, language: str | None = None) -> go.Figure:
    """Breakpoints per order in each stage (before vs after ``split_at`` when given)."""
    return go.Figure(audit_chart(audit, split_at, language))
