"""The sales health dashboard (销售健康度仪表盘): KPI tiles, weekly trends, A-lead conversion, notes, process audit.

Charts are plotly figure dicts (:mod:`salesnb.kpi.chart_specs`: no plotly.py
in the kernel) drawn by plotly.js in the page.  Voila runs no
plotly extension here, so the widget loads plotly.js once into the page (an
``Output`` widget with a trusted script) and each chart is a ``div`` plus a
script that draws it when plotly.js is there.  The figure JSON inside the
script has ``<``, ``>`` and ``&`` escaped, and chart labels that come from
data are HTML-escaped (plotly reads labels as a little HTML); every other
piece of data goes through :mod:`salesnb.widgets.html`.
"""

from __future__ import annotations

import itertools
import json
import os
from datetime import timedelta

import ipywidgets as widgets
import pandas as pd
from IPython.display import HTML, display
from traitlets import Int, Unicode

from ..auth import scope_of
from ..config import load_settings
from ..i18n import register, t
from ..kpi import ALL_KPIS
from ..kpi.anomalies import anomaly_notes
from ..kpi.audit_process import audited_orders, process_audit
from ..kpi.chart_specs import Chart, a_lead_chart, audit_chart, trend_chart
from ..kpi.frames import week_of
from ..kpi.kpis import KpiOptions, count_kpis, is_red, report_from_counts, state
from ..kpi.messages import days_text, kpi_label, percent
from ..kpi.report import localise, report_tables, xlsx_bytes
from ..kpi.snapshots import latest_kpi_snapshot
from ..timeutil import to_local
from . import download, html
from .base import AppWidget, label, row
from .protocol import plotly_js_name

register({
    "zh-CN": {
        "dashboard.title": "销售健康度仪表盘",
        "dashboard.subtitle": "三项健康指标与阈值、周趋势、各区域 A类线索转化率、异常说明和流程审计。红色为未达标。",
        "dashboard.weeks": "最近 {n} 周", "dashboard.window": "时间范围", "dashboard.region": "区域",
        "dashboard.export": "导出 Excel", "dashboard.download": "下载 {filename}",
        "dashboard.file": "销售健康度_{stamp}.xlsx",
        "dashboard.tile.threshold": "阈值 {threshold}", "dashboard.tile.week": "本周 {rate}",
        "dashboard.tile.count": "{numerator}/{denominator}", "dashboard.tile.none": "暂无数据",
        "dashboard.section.trend": "周趋势", "dashboard.section.a_leads": "各区域 A类线索转化率（85% 红线）",
        "dashboard.section.notes": "异常说明（{week}）", "dashboard.section.audit": "流程审计：各环节断点",
        "dashboard.notes.empty": "本周没有需要关注的异常",
        "dashboard.audit.summary": "{orders} 单，平均每单 {per_order} 个断点；{split} 前后对比",
        "dashboard.audit.empty": "暂无订单",
        "dashboard.audit.large": "超过 {limit} 单：流程审计要逐单分析，数据量大时按需计算。",
        "dashboard.audit.run": "计算流程审计",
        "dashboard.source.snapshot": "指标截至 {as_of}（每日检查于 {taken} 统计）；点“刷新”按当前数据重新计算。",
        "dashboard.source.live": "指标按 {as_of} 的数据实时计算。",
    },
    "en": {
        "dashboard.title": "Sales health dashboard",
        "dashboard.subtitle": "The three health KPIs against their thresholds, weekly trends, A-lead conversion by "
                              "region, anomaly notes and the process audit. Red is below threshold.",
        "dashboard.weeks": "Last {n} weeks", "dashboard.window": "Period", "dashboard.region": "Region",
        "dashboard.export": "Export to Excel", "dashboard.download": "Download {filename}",
        "dashboard.file": "sales_health_{stamp}.xlsx",
        "dashboard.tile.threshold": "threshold {threshold}", "dashboard.tile.week": "this week {rate}",
        "dashboard.tile.count": "{numerator}/{denominator}", "dashboard.tile.none": "no data yet",
        "dashboard.section.trend": "Weekly trends", "dashboard.section.a_leads": "A-lead conversion by region "
                                                                                  "(85% red line)",
        "dashboard.section.notes": "Anomaly notes ({week})", "dashboard.section.audit": "Process audit: "
                                                                                         "breakpoints by stage",
        "dashboard.notes.empty": "Nothing unusual this week",
        "dashboard.audit.summary": "{orders} orders, {per_order} breakpoints per order; before vs after {split}",
        "dashboard.audit.empty": "No orders yet",
        "dashboard.audit.large": "More than {limit} orders: the process audit analyses every order, so with this "
                                 "much data it runs when asked.",
        "dashboard.audit.run": "Run the process audit",
        "dashboard.source.snapshot": "KPIs as of {as_of} (counted by the daily run at {taken}); "
                                     "Refresh counts the current data.",
        "dashboard.source.live": "KPIs counted live as of {as_of}.",
    },
})

ALL = ""
AUDIT_AUTO_ORDERS = 5_000  # [dashboard] audit_auto_orders: above it the audit runs on a click (1.2 s at 20,000)
SNAPSHOT_MAX_AGE_HOURS = 26.0  # [dashboard] snapshot_max_age_hours: a daily run's counts older than this are stale
WEEK_CHOICES = (4, 8, 12, 26)
CSS = """
.snb-kpi-tiles { display: grid; grid-template-columns: repeat(4, minmax(180px, 1fr)); gap: 10px; margin: 6px 0; }
.snb-kpi-tile { border: 1px solid var(--snb-line); border-left: 6px solid #9ca3af; border-radius: 8px;
  padding: 10px 14px; background: #fff; }
.snb-kpi-tile.snb-kpi-ok { border-left-color: var(--snb-good); }
.snb-kpi-tile.snb-kpi-red { border-left-color: var(--snb-bad); background: var(--snb-bad-bg); }
.snb-kpi-name { font-size: 13px; color: var(--snb-muted); }
.snb-kpi-value { font-size: 30px; font-weight: 700; line-height: 1.2; }
.snb-kpi-ok .snb-kpi-value { color: var(--snb-good); }
.snb-kpi-red .snb-kpi-value { color: var(--snb-bad); }
.snb-kpi-tile.snb-kpi-pending { border-left-color: #9ca3af; background: #f3f4f6; }
.snb-kpi-pending .snb-kpi-value { color: #6b7280; font-size: 22px; }
.snb-badge.snb-pending { background: #e5e7eb; color: #4b5563; }
.snb-kpi-meta { font-size: 12px; color: var(--snb-muted); }
.snb-chart { width: 100%; height: 340px; }
"""
_chart_ids = itertools.count(1)


def plotly_loader() -> widgets.Output:
    """An output that puts plotly.js into the page once (the charts wait for it).

    Under ``salesnb serve`` the page fetches it as a static file of the
    template (cached by the browser; see :func:`salesnb.web.serve.static_files_root`);
    elsewhere (JupyterLab) the 4 MB script is sent inline.
    """
    out = widgets.Output(layout=widgets.Layout(display="none"))
    with out:
        served = os.environ.get("SALESNB_APP") == "1" and not os.environ.get("SALESNB_PLOTLY_INLINE")
        display(HTML(plotly_script(served=served)))
    return out


def plotly_script(served: bool) -> str:
    """The ``<script>`` that loads plotly.js: from the Voila template's static files once the page has loaded and
    the browser is idle (the controls come up first, the charts after), or inline."""
    if not served:
        from plotly.offline import get_plotlyjs

        return f'<script type="text/javascript">{get_plotlyjs()}</script>'
    path = json.dumps(f"templates/salesnb/static/{plotly_js_name()}")
    return ('<script type="text/javascript">(function(){'
            'if(window.Plotly||document.getElementById("snb-plotly-js"))return;'
            'var s=document.createElement("script");s.id="snb-plotly-js";'
            f's.src=(document.body.getAttribute("data-base-url")||"/voila/")+{path};'
            'var add=function(){document.head.appendChild(s);};'
            'var idle=function(){if(window.requestIdleCallback){window.requestIdleCallback(add,{timeout:3000});}'
            'else{setTimeout(add,0);}};'
            # after the page's load event: the page's own load never waits for the 4.6 MB script
            'if(document.readyState==="complete"){idle();}else{window.addEventListener("load",idle);}'
            '})();</script>')


def figure_html(fig: Chart) -> str:
    """A ``div`` and a script that draws the figure dict ``fig`` with plotly.js once it is loaded."""
    div_id = f"snb-chart-{next(_chart_ids)}"
    payload = json.dumps(fig, ensure_ascii=False, allow_nan=False)
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                       ("\u2029", "\\u2029")):
        payload = payload.replace(char, code)
    return (f'<div id="{div_id}" class="snb-chart"></div><script type="text/javascript">'
            f'(function draw(){{if(window.Plotly){{var f={payload};'
            f'window.Plotly.newPlot({json.dumps(div_id)},f.data,f.layout,{{responsive:true,displaylogo:false}});}}'
            f'else{{setTimeout(draw,50);}}}})();</script>')


def show_figure(out: widgets.Output, fig: Chart) -> None:
    """Replace what ``out`` shows with ``fig``."""
    out.clear_output(wait=True)
    with out:
        display(HTML(figure_html(fig)))


class Dashboard(AppWidget):
    """销售健康度仪表盘.

    Public state: ``weeks`` (the trend window), ``region`` (empty for all) and,
    after :meth:`refresh`, ``report`` (KpiReport), ``notes`` and ``audit``.
    """

    weeks = Int(8, help="Weeks shown in the trends.")
    region = Unicode(ALL, help="Region shown; empty for all regions.")

    title_key = "dashboard.title"
    subtitle_key = "dashboard.subtitle"

    def __init__(self, engine, **kwargs):
        super().__init__(engine, **kwargs)
        self.counts = self.report = self.notes = self.audit = None
        self.snapshot_taken = None  # when the daily run took the counts shown; None: counted live
        self.audit_orders = 0
        self.audit_limit = AUDIT_AUTO_ORDERS
        self.weeks_box = widgets.Dropdown(options=[(t("dashboard.weeks", n=n), n) for n in WEEK_CHOICES], value=8,
                                          layout=widgets.Layout(width="140px"))
        self.weeks_box.add_class("snb-filter-weeks")
        self.region_box = widgets.Dropdown(options=[(t("common.all"), ALL)], value=ALL,
                                           layout=widgets.Layout(width="160px"))
        self.region_box.add_class("snb-filter-region")
        self.refresh_button = widgets.Button(description=t("common.refresh"))
        self.export_button = widgets.Button(description=t("dashboard.export"), button_style="primary")
        self.export_button.add_class("snb-export")
        self.download_area = widgets.HTML("")
        self.source_note = widgets.HTML("")
        self.source_note.add_class("snb-kpi-source")
        self.tiles = widgets.HTML("")
        self.tiles.add_class("snb-kpi-area")
        self.trend_chart = widgets.Output()
        self.a_lead_chart = widgets.Output()
        self.a_lead_table = widgets.HTML("")
        self.a_lead_table.add_class("snb-a-lead-table")
        self.a_lead_window = widgets.HTML("")
        self.notes_title = widgets.HTML("")
        self.notes_box = widgets.HTML("")
        self.notes_box.add_class("snb-notes")
        self.audit_chart = widgets.Output()
        self.audit_button = widgets.Button(description=t("dashboard.audit.run"),
                                           layout=widgets.Layout(display="none"))
        self.audit_button.add_class("snb-run-audit")
        self.audit_text = widgets.HTML("")
        self.audit_table = widgets.HTML("")
        self.audit_table.add_class("snb-audit-table")
        toolbar = row(label(t("dashboard.window"), inline=True), self.weeks_box,
                      label(t("dashboard.region"), inline=True), self.region_box, self.refresh_button,
                      self.export_button, self.download_area, cls="snb-toolbar")
        self.body.children = [
            widgets.HTML(f"<style>{CSS}</style>", layout=widgets.Layout(display="none")), plotly_loader(),
            toolbar, self.source_note, self.tiles,
            _section(t("dashboard.section.trend")), self.trend_chart,
            _section(t("dashboard.section.a_leads")), self.a_lead_window, self.a_lead_chart, self.a_lead_table,
            self.notes_title, self.notes_box,
            _section(t("dashboard.section.audit")), self.audit_text, self.audit_button, self.audit_chart,
            self.audit_table,
        ]
        widgets.link((self.weeks_box, "value"), (self, "weeks"))
        widgets.link((self.region_box, "value"), (self, "region"))
        self.on_change(self, lambda _v: self._window_changed(), names="weeks")
        self.on_change(self, lambda _v: self._render(), names="region")
        self.on_click(self.refresh_button, lambda: self.refresh(live=True))
        self.on_click(self.export_button, self.export)
        self.on_click(self.audit_button, self.run_audit)
        self.safely(self.refresh)()

    def open_item(self, item_id: str) -> None:
        """Show region ``item_id`` (a link's ``?item=``) when it is among the regions offered."""
        if item_id in [value for _label, value in self.region_box.options]:
            self.region = item_id

    # -------------------------------------------------------------- data

    @property
    def since(self):
        """The window's first day, from its local midnight (the process audit compares orders before it)."""
        start = to_local(self.numbers_as_of() - timedelta(weeks=self.weeks - 1))
        return start.replace(hour=0, minute=0, second=0, microsecond=0)

    def numbers_as_of(self):
        """The time the numbers shown are as of: the daily run's snapshot, or now."""
        return self.counts.as_of if self.counts is not None else self.as_of()

    def refresh(self, live: bool = False) -> None:
        """Show the KPIs: the daily run's counts when recent enough (``live``: count the current data),
        cut to the person's scope; then the notes and, when the data is small enough, the process audit."""
        as_of, scope, settings = self.as_of(), scope_of(self.actor), load_settings()
        section = settings.section("dashboard")
        snapshot = None if live else latest_kpi_snapshot(
            self.engine, as_of, timedelta(hours=float(section.get("snapshot_max_age_hours", SNAPSHOT_MAX_AGE_HOURS))))
        if snapshot is not None:
            counts, self.snapshot_taken = snapshot
            self.counts = counts.scoped(scope)
        else:
            self.snapshot_taken = None
            self.counts = count_kpis(self.engine, as_of, options=KpiOptions.from_settings(settings), scope=scope)
        numbers_as_of = self.counts.as_of
        self.audit = None
        self.audit_limit = int(section.get("audit_auto_orders", AUDIT_AUTO_ORDERS))
        # counted only as far as the limit: a million orders need not be counted to know they are too many
        orders = audited_orders(self.engine, numbers_as_of, scope=scope, at_most=self.audit_limit)
        if orders <= self.audit_limit:
            self.audit = process_audit(self.engine, numbers_as_of, scope=scope)
        self.audit_orders = orders
        self.report = report_from_counts(self.counts, since=self.since)
        # this week's notes do not depend on the window: worked out once per count, not per window change
        self.notes = anomaly_notes(self.engine, self.counts.as_of, report=self.report, scope=scope)
        self._show_report()

    def run_audit(self) -> None:
        """Run the process audit now (it waits for a click on large data)."""
        self.audit = process_audit(self.engine, self.numbers_as_of(), scope=scope_of(self.actor))
        self._render_audit()

    def _window_changed(self) -> None:
        """The rates for the chosen window from the same counts (nothing is counted again)."""
        self.report = report_from_counts(self.counts, since=self.since)
        self._show_report()

    def _show_report(self) -> None:
        regions = sorted({r for r in self.report.at("region")["region"] if isinstance(r, str) and r})
        self.region_box.options = [(t("common.all"), ALL), *[(r, r) for r in regions]]
        if self.region not in (ALL, *regions):
            self.region = ALL
        self._render()

    def _render(self) -> None:
        self.download_area.value = ""
        region = self.region or None
        stamp = lambda at: to_local(at).strftime("%Y-%m-%d %H:%M")
        self.source_note.value = html.tag("div", t(
            "dashboard.source.snapshot", as_of=stamp(self.counts.as_of), taken=stamp(self.snapshot_taken))
            if self.snapshot_taken is not None else t("dashboard.source.live", as_of=stamp(self.counts.as_of)),
            cls="snb-muted")
        self.tiles.value = self._tiles_html(region)
        show_figure(self.trend_chart, trend_chart(self.report, region=region))
        show_figure(self.a_lead_chart, a_lead_chart(self.report, region=region))
        self.a_lead_table.value = self._a_lead_html(region)
        self.a_lead_window.value = html.tag("div", t("kpi.pending.a_lead_window",
                                                     days=days_text(self.report.options.a_lead_maturity)),
                                            cls="snb-muted")
        notes = [n for n in self.notes if region is None or n.region == region]
        self.notes_title.value = html.tag("div", t("dashboard.section.notes", week=week_of(self.numbers_as_of())),
                                          cls="snb-section-title")
        self.notes_box.value = html.items([n.text() for n in notes], empty=t("dashboard.notes.empty"))
        self._render_audit()

    def _tiles_html(self, region: str | None) -> str:
        scope, keys = ("region", {"region": region}) if region else ("overall", {})
        week_scope, week_keys = ("week_region", {"region": region}) if region else ("week", {})
        this_week = week_of(self.numbers_as_of())
        tiles = []
        for kpi in ALL_KPIS:
            row = self.report.row(kpi, scope, **keys)
            weekly = self.report.row(kpi, week_scope, week=this_week, **week_keys)
            threshold = self.report.thresholds[kpi]
            tone = "none" if row is None else state(row["rate"], row["ok"], row["measurable"])
            week_tone = "none" if weekly is None else state(weekly["rate"], weekly["ok"], weekly["measurable"])
            week_text = t("kpi.pending") if week_tone == "pending" else percent(
                None if weekly is None or pd.isna(weekly["rate"]) else float(weekly["rate"]))
            meta = [t("dashboard.tile.threshold", threshold=percent(threshold)),
                    t("dashboard.tile.week", rate=week_text)]
            if tone == "pending":
                value = t("kpi.pending")
                meta.append(self.report.pending_reason(kpi, scope, **keys))
            elif tone == "none":
                value = t("dashboard.tile.none")
            else:
                value = percent(float(row["rate"]))
                meta.append(t("dashboard.tile.count", numerator=int(row["numerator"]),
                              denominator=int(row["denominator"])))
            inner = (html.tag("div", kpi_label(kpi), cls="snb-kpi-name")
                     + html.tag("div", value, cls="snb-kpi-value")
                     + html.tag("div", " · ".join(m for m in meta if m), cls="snb-kpi-meta"))
            tiles.append(html.raw_tag("div", inner, cls=f"snb-kpi-tile snb-kpi-{tone}", data_kpi=kpi))
        return html.raw_tag("div", "".join(tiles), cls="snb-kpi-tiles")

    def _a_lead_html(self, region: str | None) -> str:
        table = self.report.a_lead_conversion()
        if region:
            table = table[table["region"] == region]
        weeks = sorted(set(table["week"]))
        rows = []
        for name, group in table.groupby(table["region"].fillna(t("kpi.unknown_region")), sort=True):
            by_week = {r.week: r for r in group.itertuples()}
            cells: list[object] = [name]
            for week in weeks:
                r = by_week.get(week)
                if r is None:
                    cells.append("")
                elif not r.measurable:  # every A lead of the week is too young to have converted: grey
                    cells.append(html.badge(f"{t('kpi.pending')} ({int(r.pending)})", "pending"))
                else:
                    cells.append(html.badge(f"{percent(r.rate)} ({r.numerator}/{r.denominator})",
                                            "bad" if is_red(r.ok) else "good"))
            rows.append(cells)
        return html.table(rows, [t("col.region"), *weeks], empty=t("dashboard.tile.none"),
                          cell_html={i + 1: True for i in range(len(weeks))})

    def _render_audit(self) -> None:
        split_at = self.since
        if self.audit is None:  # large data: the audit runs when asked
            self.audit_button.layout.display = ""
            self.audit_text.value = html.tag("div", t("dashboard.audit.large", limit=f"{self.audit_limit:,}"),
                                             cls="snb-muted")
            self.audit_chart.clear_output()
            self.audit_table.value = ""
            return
        self.audit_button.layout.display = "none"
        if not len(self.audit.orders):
            self.audit_text.value = html.tag("div", t("dashboard.audit.empty"), cls="snb-empty")
            self.audit_chart.clear_output()
            self.audit_table.value = ""
            return
        mean = self.audit.mean_per_order()
        self.audit_text.value = html.tag("div", t(
            "dashboard.audit.summary", orders=len(self.audit.orders), per_order=f"{mean:.2f}",
            split=to_local(split_at).strftime("%Y-%m-%d")), cls="snb-muted")
        show_figure(self.audit_chart, audit_chart(self.audit, split_at))
        shown = localise(self.audit.split(split_at))
        self.audit_table.value = html.table(shown.astype(object).where(shown.notna(), "").values.tolist(),
                                            list(shown.columns))

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table on the dashboard (the xlsx export's sheets)."""
        return report_tables(self.report, self.notes, self.audit, self.since)

    def export(self) -> bytes:
        """Offer every table as one xlsx download (a sheet each); return the file's bytes."""
        data = xlsx_bytes(self.tables())
        filename = t("dashboard.file", stamp=to_local(self.numbers_as_of()).strftime("%Y%m%d_%H%M"))
        self.download_area.value = download.link(data, filename, t("dashboard.download", filename=filename))
        return data


def _section(text: str) -> widgets.HTML:
    return widgets.HTML(html.tag("div", text, cls="snb-section-title"))

