"""Findings (断点清单): the current findings of every check, filtered by owner, region and check, to xlsx."""

from __future__ import annotations

from datetime import datetime

import ipywidgets as widgets
from traitlets import Int, Unicode

from ..auth import scope_of
from ..checks import findings_frame
from ..directory import user_names
from ..i18n import register, t
from ..timeutil import to_local
from . import download, html
from .base import AppWidget, entity_label, label, row

register({
    "zh-CN": {
        "findings.title": "断点清单",
        "findings.subtitle": "各项检查当前发现的、尚未解决的断点。按负责人、区域或检查项筛选，可导出 Excel。",
        "findings.owner": "负责人", "findings.region": "区域", "findings.check": "检查项",
        "findings.export": "导出 Excel", "findings.download": "下载 {filename}",
        "findings.count": "共 {shown} 条（全部 {total} 条）",
        "findings.empty": "没有符合条件的断点",
        "findings.col.check": "检查项", "findings.col.entity": "对象", "findings.col.owner": "负责人",
        "findings.col.region": "区域", "findings.col.severity": "严重程度", "findings.col.message": "说明",
        "findings.col.first_seen": "首次发现", "findings.col.age": "已持续",
        "findings.age": "{days} 天 {hours} 小时",
        "findings.sheet": "断点清单", "findings.file": "断点清单_{stamp}.xlsx",
        "findings.no_owner": "（未分配）",
    },
    "en": {
        "findings.title": "Findings",
        "findings.subtitle": "Open breakpoints found by the checks. Filter by owner, region or check; export to Excel.",
        "findings.owner": "Owner", "findings.region": "Region", "findings.check": "Check",
        "findings.export": "Export to Excel", "findings.download": "Download {filename}",
        "findings.count": "{shown} shown ({total} in all)",
        "findings.empty": "No findings match",
        "findings.col.check": "Check", "findings.col.entity": "Entity", "findings.col.owner": "Owner",
        "findings.col.region": "Region", "findings.col.severity": "Severity", "findings.col.message": "Message",
        "findings.col.first_seen": "First seen", "findings.col.age": "Open for",
        "findings.age": "{days} d {hours} h",
        "findings.sheet": "Findings", "findings.file": "findings_{stamp}.xlsx",
        "findings.no_owner": "(unassigned)",
    },
})

SEVERITY_TONE = {"info": "info", "warning": "warn", "critical": "bad"}
ALL = ""


def check_title(name: str) -> str:
    """The check's title in the UI language (its name when it has none)."""
    key = f"check.{name}.title"
    text = t(key)
    return name if text == key else text


class Findings(AppWidget):
    """断点清单: open findings with filters and an xlsx export.

    Public state: ``owner``, ``region``, ``check`` (filters; empty means all)
    and ``shown`` (how many findings the filters leave).
    """

    owner = Unicode(ALL, help="Owner user id to show; empty for all.")
    region = Unicode(ALL, help="Region to show; empty for all.")
    check = Unicode(ALL, help="Check name to show; empty for all.")
    shown = Int(0, help="Number of findings after filtering.")
    item = Unicode("", help="The record a link opened (entity id): only its findings are shown; empty for all.")

    title_key = "findings.title"
    subtitle_key = "findings.subtitle"

    def __init__(self, engine, **kwargs):
        super().__init__(engine, **kwargs)
        self.frame = None
        everyone = [(t("common.all"), ALL)]
        self.owner_box = widgets.Dropdown(options=everyone, value=ALL, layout=widgets.Layout(width="200px"))
        self.region_box = widgets.Dropdown(options=everyone, value=ALL, layout=widgets.Layout(width="160px"))
        self.check_box = widgets.Dropdown(options=everyone, value=ALL, layout=widgets.Layout(width="220px"))
        for box, cls in ((self.owner_box, "snb-filter-owner"), (self.region_box, "snb-filter-region"),
                         (self.check_box, "snb-filter-check")):
            box.add_class(cls)
        self.export_button = widgets.Button(description=t("findings.export"), button_style="primary")
        self.export_button.add_class("snb-export")
        self.download_area = widgets.HTML("")
        self.count_label = widgets.HTML("")
        self.summary = widgets.HTML("")
        self.summary.add_class("snb-findings-summary")
        self.table = widgets.HTML("")
        self.table.add_class("snb-findings-table")
        toolbar = row(label(t("findings.owner"), inline=True), self.owner_box,
                      label(t("findings.region"), inline=True), self.region_box,
                      label(t("findings.check"), inline=True), self.check_box, cls="snb-toolbar")
        self.body.children = [toolbar, row(self.export_button, self.download_area, self.count_label,
                                           cls="snb-toolbar"), self.summary, self.table]
        widgets.link((self.owner_box, "value"), (self, "owner"))
        widgets.link((self.region_box, "value"), (self, "region"))
        widgets.link((self.check_box, "value"), (self, "check"))
        self.on_change(self, lambda _v: self._filter_changed(), names=["owner", "region", "check"])
        self.on_change(self, lambda _v: self._render(), names="item")
        self.on_click(self.export_button, self.export)
        self.safely(self.refresh)()

    # -------------------------------------------------------------- data

    def refresh(self) -> None:
        """Re-read the open findings and the names of their owners."""
        frame = findings_frame(self.engine, open_only=True, scope=scope_of(self.actor))
        names = user_names(self.engine)
        frame["owner_name"] = [names.get(o, o) if o else t("findings.no_owner") for o in frame["owner_id"]]
        frame["check_title"] = [check_title(c) for c in frame["check_name"]]
        self.frame = frame
        everyone = (t("common.all"), ALL)
        owners = sorted({(n, o) for n, o in zip(frame["owner_name"], frame["owner_id"]) if o})
        self.owner_box.options = [everyone, *[(f"{n}（{o}）", o) for n, o in owners]]
        self.region_box.options = [everyone, *[(r, r) for r in sorted({r for r in frame["region"] if r})]]
        self.check_box.options = [everyone, *sorted({(check_title(c), c) for c in frame["check_name"]})]
        for box in (self.owner_box, self.region_box, self.check_box):
            if box.value not in [v for _l, v in box.options]:
                box.value = ALL
        self._render()

    def open_item(self, item_id: str) -> None:
        """Show only the findings of one record (``?item=`` an entity id or a finding id); a filter change clears it."""
        frame = self.frame
        hits = frame[(frame["entity_id"] == item_id) | (frame["id"].astype(str) == item_id)]
        if hits.empty:
            return
        self.item = str(hits.iloc[0].entity_id)

    def _filter_changed(self) -> None:
        if self.item:
            self.item = ""  # renders
        else:
            self._render()

    def filtered(self):
        """The findings the current filters leave (a DataFrame)."""
        frame = self.frame
        if self.item:
            frame = frame[frame["entity_id"] == self.item]
        if self.owner:
            frame = frame[frame["owner_id"] == self.owner]
        if self.region:
            frame = frame[frame["region"] == self.region]
        if self.check:
            frame = frame[frame["check_name"] == self.check]
        return frame

    def _rows(self, frame, for_html: bool) -> list[list[object]]:
        as_of = self.as_of()
        rows = []
        for rec in frame.itertuples(index=False):
            severity = t(f"severity.{rec.severity}")
            first_seen = _aware(rec.first_seen)
            rows.append([
                rec.check_title,
                entity_label(rec.entity_type, rec.entity_id),
                rec.owner_name,
                rec.region,
                html.badge(severity, SEVERITY_TONE.get(rec.severity, "neutral")) if for_html else severity,
                rec.message,
                first_seen,
                _age(as_of - first_seen) if first_seen else "",
            ])
        return rows

    def _headers(self) -> list[str]:
        return [t(f"findings.col.{c}") for c in
                ("check", "entity", "owner", "region", "severity", "message", "first_seen", "age")]

    def _render(self) -> None:
        frame = self.filtered()
        self.shown = len(frame)
        self.download_area.value = ""
        self.count_label.value = html.tag("span", t("findings.count", shown=self.shown, total=len(self.frame)),
                                          cls="snb-muted")
        self.summary.value = self._summary_html(frame)
        self.table.value = html.table(self._rows(frame, for_html=True), self._headers(),
                                      empty=t("findings.empty"), cell_html={4: True})

    def _summary_html(self, frame) -> str:
        """One badge per check: its title and how many findings it has among those shown."""
        rank = {s: i for i, s in enumerate(SEVERITY_TONE)}
        badges = []
        for name, group in frame.groupby("check_name", sort=True):
            worst = max(group["severity"], key=lambda s: rank.get(s, -1))
            badges.append(html.badge(f"{group['check_title'].iloc[0]} {len(group)}", SEVERITY_TONE.get(worst, "neutral")))
        return html.raw_tag("div", " ".join(badges), cls="snb-summary") if badges else ""

    def export(self) -> bytes:
        """Offer the filtered findings as an xlsx download; return the file's bytes."""
        frame = self.filtered()
        data = download.xlsx_bytes(self._headers(), self._rows(frame, for_html=False), t("findings.sheet"))
        filename = t("findings.file", stamp=to_local(self.as_of()).strftime("%Y%m%d_%H%M"))
        self.download_area.value = download.link(data, filename, t("findings.download", filename=filename))
        return data


def _aware(value) -> datetime | None:
    if value is None or html.is_missing(value):
        return None
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    return to_local(value)


def _age(delta) -> str:
    hours = max(0, int(delta.total_seconds() // 3600))
    return t("findings.age", days=hours // 24, hours=hours % 24)

