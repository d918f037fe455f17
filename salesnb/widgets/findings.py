"""Findings (断点清单): the current findings of every check, filtered by owner, region and check, to xlsx."""

from __future__ import annotations

import ipywidgets as widgets
from traitlets import Int, Unicode

from ..auth import scope_of
from ..checks.export import SEVERITY_COLUMN, export_filename, finding_headers, finding_row, owner_name
from ..checks.listing import FindingQuery, count_by_check, filter_choices, find_entity, findings_page
from ..directory import user_names
from ..i18n import register, t
from ..labels import check_title
from . import html
from .base import AppWidget, label, row
from .exports import export_url

register({
    "zh-CN": {
        "findings.title": "断点清单",
        "findings.subtitle": "各项检查当前发现的、尚未解决的断点。按负责人、区域或检查项筛选，可导出 Excel。",
        "findings.owner": "负责人", "findings.region": "区域", "findings.check": "检查项",
        "findings.export": "导出 Excel", "findings.download": "下载 {filename}",
        "findings.count": "共 {shown} 条（全部 {total} 条）",
        "findings.empty": "没有符合条件的断点",
        "findings.page": "第 {first}–{last} 条", "findings.prev": "上一页", "findings.next": "下一页",
    },
    "en": {
        "findings.title": "Findings",
        "findings.subtitle": "Open breakpoints found by the checks. Filter by owner, region or check; export to Excel.",
        "findings.owner": "Owner", "findings.region": "Region", "findings.check": "Check",
        "findings.export": "Export to Excel", "findings.download": "Download {filename}",
        "findings.count": "{shown} shown ({total} in all)",
        "findings.empty": "No findings match",
        "findings.page": "rows {first}–{last}", "findings.prev": "Previous", "findings.next": "Next",
    },
})

SEVERITY_TONE = {"info": "info", "warning": "warn", "critical": "bad"}
ALL = ""
PAGE_SIZE = 200  # rows in the page: a list of 100,000s of findings stays a few hundred DOM rows


class Findings(AppWidget):
    """断点清单: open findings with filters, counted and paged in the database, and an xlsx export.

    Public state: ``owner``, ``region``, ``check`` (filters; empty means all),
    ``shown`` (how many findings the filters leave) and ``page`` (0-based page
    of :data:`PAGE_SIZE` rows).
    """

    owner = Unicode(ALL, help="Owner user id to show; empty for all.")
    region = Unicode(ALL, help="Region to show; empty for all.")
    check = Unicode(ALL, help="Check name to show; empty for all.")
    shown = Int(0, help="Number of findings after filtering.")
    page = Int(0, help="The page shown (0-based).")
    item = Unicode("", help="The record a link opened (entity id): only its findings are shown; empty for all.")

    title_key = "findings.title"
    subtitle_key = "findings.subtitle"

    def __init__(self, engine, **kwargs):
        super().__init__(engine, **kwargs)
        self.total = 0
        self.names: dict[str, str] = {}
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
        self.prev_button = widgets.Button(description=t("findings.prev"))
        self.next_button = widgets.Button(description=t("findings.next"))
        self.prev_button.add_class("snb-page-prev")
        self.next_button.add_class("snb-page-next")
        self.page_label = widgets.HTML("")
        toolbar = row(label(t("findings.owner"), inline=True), self.owner_box,
                      label(t("findings.region"), inline=True), self.region_box,
                      label(t("findings.check"), inline=True), self.check_box, cls="snb-toolbar")
        pager = row(self.prev_button, self.page_label, self.next_button, cls="snb-toolbar")
        self.body.children = [toolbar, row(self.export_button, self.download_area, self.count_label,
                                           cls="snb-toolbar"), self.summary, self.table, pager]
        widgets.link((self.owner_box, "value"), (self, "owner"))
        widgets.link((self.region_box, "value"), (self, "region"))
        widgets.link((self.check_box, "value"), (self, "check"))
        self.on_change(self, lambda _v: self._filter_changed(), names=["owner", "region", "check"])
        self.on_change(self, lambda _v: self._render(), names=["item", "page"])
        self.on_click(self.export_button, self.export)
        self.on_click(self.prev_button, lambda: self._turn(-1))
        self.on_click(self.next_button, lambda: self._turn(1))
        self.safely(self.refresh)()

    # -------------------------------------------------------------- data

    def query(self) -> FindingQuery:
        """The current filters (and the person's scope) as a library query."""
        return FindingQuery(scope=scope_of(self.actor), owner=self.owner, region=self.region, check=self.check,
                            entity=self.item)

    def refresh(self) -> None:
        """Re-read the filter choices, the counts and the page (all in the database)."""
        self.names = user_names(self.engine)
        choices = filter_choices(self.engine, scope_of(self.actor))
        everyone = (t("common.all"), ALL)
        owners = sorted((self._owner_name(o), o) for o in choices["owner"])
        self.owner_box.options = [everyone, *[(f"{n}（{o}）", o) for n, o in owners]]
        self.region_box.options = [everyone, *[(r, r) for r in choices["region"]]]
        self.check_box.options = [everyone, *sorted((check_title(c), c) for c in choices["check"])]
        for box in (self.owner_box, self.region_box, self.check_box):
            if box.value not in [v for _l, v in box.options]:
                box.value = ALL
        self.total = sum(c.count for c in count_by_check(self.engine, FindingQuery(scope=scope_of(self.actor))))
        self._render()

    def _owner_name(self, owner_id: str | None) -> str:
        return owner_name(self.names, owner_id)

    def open_item(self, item_id: str) -> None:
        """Show only the findings of one record (``?item=`` an entity id or a finding id); a filter change clears it."""
        entity = find_entity(self.engine, scope_of(self.actor), item_id)
        if entity is not None:
            self.item = entity

    def _filter_changed(self) -> None:
        if self.item:
            self.item = ""  # renders
        elif self.page:
            self.page = 0  # renders
        else:
            self._render()

    def _turn(self, step: int) -> None:
        last = max(0, (self.shown - 1) // PAGE_SIZE)
        self.page = min(max(0, self.page + step), last)

    def _rows(self, records) -> list[list[object]]:
        as_of = self.as_of()
        rows = []
        for rec in records:
            cells = finding_row(rec, self.names, as_of)
            cells[SEVERITY_COLUMN] = html.badge(cells[SEVERITY_COLUMN], SEVERITY_TONE.get(rec.severity, "neutral"))
            rows.append(cells)
        return rows

    def _render(self) -> None:
        query = self.query()
        counts = count_by_check(self.engine, query)
        self.shown = sum(c.count for c in counts)
        if self.page * PAGE_SIZE >= max(self.shown, 1):
            self.page = 0  # renders again, at the first page
            return
        records = findings_page(self.engine, query, limit=PAGE_SIZE, offset=self.page * PAGE_SIZE)
        self.download_area.value = ""
        self.count_label.value = html.tag("span", t("findings.count", shown=self.shown, total=self.total),
                                          cls="snb-muted")
        self.summary.value = self._summary_html(counts)
        self.table.value = html.table(self._rows(records), finding_headers(),
                                      empty=t("findings.empty"), cell_html={SEVERITY_COLUMN: True})
        first = self.page * PAGE_SIZE
        self.page_label.value = html.tag("span", t("findings.page", first=first + 1 if records else 0,
                                                   last=first + len(records)), cls="snb-muted")
        self.prev_button.disabled = self.page == 0
        self.next_button.disabled = first + len(records) >= self.shown

    def _summary_html(self, counts) -> str:
        """One badge per check: its title and how many findings it has among those shown."""
        badges = [html.badge(f"{check_title(c.check_name)} {c.count}", SEVERITY_TONE.get(c.severity, "neutral"))
                  for c in counts]
        return html.raw_tag("div", " ".join(badges), cls="snb-summary") if badges else ""

    def export(self) -> str:
        """Offer every finding the filters leave (not only the page) as an xlsx download; return its URL.

        The link points at the server's export endpoint, which writes the file from the database for the
        signed-in person and streams it: nothing is built in the kernel or carried in the page.
        """
        filters = {"owner": self.owner, "region": self.region, "check": self.check, "entity": self.item}
        url = export_url("findings", {k: v for k, v in filters.items() if v}, as_of=self.fixed_as_of)
        filename = export_filename(self.as_of())
        self.download_area.value = html.tag("a", t("findings.download", filename=filename), cls="snb-download",
                                            href=url, download=filename)
        return url
