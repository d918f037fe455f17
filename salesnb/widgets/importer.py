"""ImportApp (数据导入): upload a sheet, check what will be imported where, map unknown headers, import.

The same pipeline as ``salesnb import`` (:func:`salesnb.io.plan_import`,
:func:`~salesnb.io.remap`, :func:`~salesnb.io.apply_import`): the detected
table, header row and every header's column are shown before anything is
written; headers that will not be used are listed (never dropped silently)
and each can be mapped to a canonical column — remembered for the next file
with that header; every problem is shown with its Excel row and column, and
the import is all or nothing.  Below, the history of imports (``import_log``).
"""

from __future__ import annotations

import ipywidgets as widgets
from traitlets import Bool, Dict, Int, List, Unicode

from .. import io as imports  # plan_import, remap, apply_import are resolved on the first upload (pandas)
from ..auth import allowed
from ..directory import user_names
from ..errors import InputError, Problem
from ..i18n import get_language, register, t
from ..io.formats import SUPPORTED_SUFFIXES
from ..io.history import import_history
from ..io.plan import ImportPlan
from ..schema import table_spec, table_specs
from . import html
from .base import AppWidget, label, row

register({
    "zh-CN": {
        "imp.title": "数据导入",
        "imp.subtitle": "上传 CSV 或 Excel（xlsx / xls）文件：先检查识别出的表、表头行和每一列的去向，再导入。"
                        "有任何问题则一行都不写入。",
        "imp.denied": "只有运营和财务人员可以导入数据；你可以查看导入记录。",
        "imp.file": "选择文件",
        "imp.upload": "上传文件",
        "imp.table": "导入到",
        "imp.table.auto": "自动识别",
        "imp.table_option": "{zh}（{name}）",
        "imp.plan.head": "文件 {name}：识别为表 {table}（{zh}），表头在第 {row} 行",
        "imp.plan.kind": "格式：{kind}{encoding}",
        "imp.section.columns": "列的去向（{n}）",
        "imp.section.unused": "不会导入的列（{n}）",
        "imp.section.missing": "文件中没有的列（{n}）",
        "imp.section.problems": "问题（{n}）",
        "imp.section.history": "导入记录",
        "imp.col.letter": "列", "imp.col.header": "表头", "imp.col.column": "导入到", "imp.col.how": "识别依据",
        "imp.col.note": "说明", "imp.col.map": "映射到",
        "imp.col.row": "Excel 行", "imp.col.problem": "问题", "imp.col.value": "值",
        "imp.col.at": "时间", "imp.col.who": "操作人", "imp.col.file": "文件", "imp.col.table": "表",
        "imp.col.rows": "行数", "imp.col.inserted": "新增", "imp.col.updated": "更新", "imp.col.unchanged": "未变",
        "imp.how": "{reason} {score}",
        "imp.unused.keep": "不导入（保留在附加信息 extra 中）",
        "imp.unused.ignore": "确认不使用（记住）",
        "imp.unused.none": "所有列都会导入",
        "imp.missing.none": "无",
        "imp.missing.required": "{zh}（{name}，必填）",
        "imp.missing.optional": "{zh}（{name}）",
        "imp.no_problems": "没有发现问题，可以导入",
        "imp.problems.found": "发现 {total} 个问题，未导入任何数据；请修改文件或映射后重试",
        "imp.import": "导入",
        "imp.pick_file": "请先上传文件",
        "imp.not_ready": "还有问题没有解决，不能导入",
        "imp.done": "已导入 {file}：{rows} 行，新增 {inserted}，更新 {updated}，未变 {unchanged}",
        "imp.remembered": "；已记住 {n} 个表头映射，下次自动使用",
        "imp.history.empty": "还没有导入记录",
        "imp.table.users": "员工", "imp.table.customers": "客户", "imp.table.leads": "线索", "imp.table.quotes": "报价",
        "imp.table.contracts": "合同", "imp.table.orders": "订单", "imp.table.shipments": "发运",
        "imp.table.invoices": "发票", "imp.table.payment_claims": "回款申请", "imp.table.bank_transactions": "银行流水",
        "imp.table.tasks": "任务", "imp.table.interactions": "沟通记录", "imp.table.production_slots": "排产",
        "imp.table.lanes": "物流线路", "imp.table.holidays": "节假日",
    },
    "en": {
        "imp.title": "Import data",
        "imp.subtitle": "Upload a CSV or Excel (xlsx / xls) file: check the detected table, header row and where each "
                        "column goes, then import. Any problem and nothing is written.",
        "imp.denied": "Only ops and finance staff may import data; you can see the import history.",
        "imp.file": "File",
        "imp.upload": "Upload a file",
        "imp.table": "Import into",
        "imp.table.auto": "Detect",
        "imp.table_option": "{zh} ({name})",
        "imp.plan.head": "File {name}: table {table} ({zh}), header in row {row}",
        "imp.plan.kind": "Format: {kind}{encoding}",
        "imp.section.columns": "Where the columns go ({n})",
        "imp.section.unused": "Columns that will not be imported ({n})",
        "imp.section.missing": "Columns the file lacks ({n})",
        "imp.section.problems": "Problems ({n})",
        "imp.section.history": "Import history",
        "imp.col.letter": "Col", "imp.col.header": "Header", "imp.col.column": "Imported as",
        "imp.col.how": "Matched by",
        "imp.col.note": "Note", "imp.col.map": "Map to",
        "imp.col.row": "Excel row", "imp.col.problem": "Problem", "imp.col.value": "Value",
        "imp.col.at": "When", "imp.col.who": "By", "imp.col.file": "File", "imp.col.table": "Table",
        "imp.col.rows": "Rows", "imp.col.inserted": "Inserted", "imp.col.updated": "Updated",
        "imp.col.unchanged": "Unchanged",
        "imp.how": "{reason} {score}",
        "imp.unused.keep": "Not imported (kept in extra)",
        "imp.unused.ignore": "Not used, on purpose (remembered)",
        "imp.unused.none": "Every column is imported",
        "imp.missing.none": "None",
        "imp.missing.required": "{zh} ({name}, required)",
        "imp.missing.optional": "{zh} ({name})",
        "imp.no_problems": "No problems found: ready to import",
        "imp.problems.found": "{total} problem(s) found; nothing was imported. Fix the file or the mapping and retry",
        "imp.import": "Import",
        "imp.pick_file": "Upload a file first",
        "imp.not_ready": "Problems remain: the file cannot be imported yet",
        "imp.done": "Imported {file}: {rows} rows, {inserted} inserted, {updated} updated, {unchanged} unchanged",
        "imp.remembered": "; {n} header mapping(s) remembered for next time",
        "imp.history.empty": "No imports yet",
        "imp.table.users": "Users", "imp.table.customers": "Customers", "imp.table.leads": "Leads",
        "imp.table.quotes": "Quotes", "imp.table.contracts": "Contracts", "imp.table.orders": "Orders",
        "imp.table.shipments": "Shipments", "imp.table.invoices": "Invoices",
        "imp.table.payment_claims": "Payment claims", "imp.table.bank_transactions": "Bank lines",
        "imp.table.tasks": "Tasks", "imp.table.interactions": "Interactions",
        "imp.table.production_slots": "Production slots", "imp.table.lanes": "Lanes", "imp.table.holidays": "Holidays",
    },
})

KEEP = "\x00keep"  # the drop-down value "leave this header unused" (no mapping given)
ACCEPT = ",".join(SUPPORTED_SUFFIXES)


class ImportApp(AppWidget):
    """数据导入: upload → plan (table, header row, columns, unused, missing, problems) → map → import.

    Public state: ``file_name`` (the upload), ``table`` (detected or chosen),
    ``header_row`` (Excel row of the header), ``mapping`` (header → column,
    ``""`` when not used), ``unused`` (headers not imported), ``corrections``
    (the mappings the person chose), ``problems`` (``[file, row, column,
    message]`` lists), ``can_import``, ``history_rows`` (imports listed).
    """

    file_name = Unicode("", help="The uploaded file's name.")
    table = Unicode("", help="The table the file goes to.")
    header_row = Int(0, help="Excel row of the header (1-based).")
    mapping = Dict(help="Header text → canonical column ('' when not used).")
    unused = List(help="Headers that will not be imported.")
    corrections = Dict(help="Header text → column the person chose ('' = not used, on purpose).")
    problems = List(help="[file, row, column, message] of every problem known.")
    can_import = Bool(False, help="True when a file is planned without problems and the person may import.")
    history_rows = Int(0, help="How many imports the history lists.")

    title_key = "imp.title"
    subtitle_key = "imp.subtitle"

    def __init__(self, engine, *, history_limit: int = 30, **kwargs):
        super().__init__(engine, **kwargs)
        self.language = get_language()
        self.history_limit = history_limit
        self.plan: ImportPlan | None = None
        self.base_plan: ImportPlan | None = None
        self._data: bytes | None = None
        self.may_import = allowed(self.actor, "data.import")
        self.upload = widgets.FileUpload(accept=ACCEPT, multiple=False, description=t("imp.upload"),
                                         layout=widgets.Layout(width="auto"))
        self.upload.add_class("snb-upload")
        options = [(t("imp.table.auto"), "")] + [
            (t("imp.table_option", zh=_table_zh(name), name=name), name) for name in table_specs()]
        self.table_box = widgets.Dropdown(options=options, value="", layout=widgets.Layout(width="260px"))
        self.table_box.add_class("snb-table-choice")
        self.plan_view = widgets.HTML("")
        self.plan_view.add_class("snb-plan")
        self.columns_view = widgets.HTML("")
        self.columns_view.add_class("snb-columns")
        self.unused_title = widgets.HTML("")
        self.unused_box = widgets.VBox([])
        self.unused_box.add_class("snb-unused")
        self.missing_view = widgets.HTML("")
        self.problems_view = widgets.HTML("")
        self.problems_view.add_class("snb-problems")
        self.import_button = widgets.Button(description=t("imp.import"), button_style="primary", disabled=True,
                                            layout=widgets.Layout(width="auto"))
        self.import_button.add_class("snb-import")
        self.status_view = widgets.HTML("")
        self.history_view = widgets.HTML("")
        self.history_view.add_class("snb-history")
        self.plan_box = widgets.VBox([self.plan_view, self.columns_view, self.unused_title, self.unused_box,
                                      self.missing_view, self.problems_view,
                                      row(self.import_button, self.status_view, cls="snb-toolbar")],
                                     layout=widgets.Layout(display="none"))
        upload_row = row(label(t("imp.file"), inline=True), self.upload, label(t("imp.table"), inline=True),
                         self.table_box, cls="snb-toolbar")
        head = [upload_row] if self.may_import else [widgets.HTML(html.message(t("imp.denied"), "info"))]
        self.body.children = [*head, self.plan_box,
                              widgets.HTML(html.tag("div", t("imp.section.history"), cls="snb-section-title")),
                              self.history_view]
        self.on_change(self.upload, self._uploaded)
        self.on_change(self.table_box, lambda _v: self._replan() if self._data is not None else None)
        self.on_click(self.import_button, self.do_import)
        self.safely(self.refresh_history)()

    # -------------------------------------------------------------- planning

    def _uploaded(self, value) -> None:
        if not value:
            return
        item = value[0]
        data, name = bytes(item["content"]), item["name"]
        self.upload.value = ()  # the same file can be uploaded again; the kernel keeps one copy only
        self.load(data, name)

    def load(self, data: bytes, name: str, table: str | None = None) -> None:
        """Plan the uploaded file ``name`` (as if uploaded in the browser); nothing is written."""
        self.clear_messages()
        self._data, self.file_name = data, name
        self.corrections = {}
        if table is not None:
            self.table_box.value = table  # replans through the observer when a file is loaded
        self._replan()

    def _replan(self) -> None:
        self._drop_plan()
        try:
            self.base_plan = imports.plan_import(self._data, self.table_box.value or None, engine=self.engine,
                                         name=self.file_name)
        except InputError as exc:
            self.plan = None
            self._render_failure(exc)
            return
        self.plan = imports.remap(self.base_plan, dict(self.corrections)) if self.corrections else self.base_plan
        self._render()

    def map_header(self, header: str, column: str | None) -> None:
        """Map ``header`` to canonical ``column`` (``""``: not used, on purpose; ``None``: undo the choice)."""
        corrections = dict(self.corrections)
        if column is None or column == KEEP:
            corrections.pop(header, None)
        else:
            corrections[header] = column
        self.corrections = corrections
        if self.base_plan is not None:
            self.plan = imports.remap(self.base_plan, corrections) if corrections else self.base_plan
            self._render()

    def _drop_plan(self) -> None:
        if self.base_plan is not None:
            self.base_plan.close()
        self.base_plan = self.plan = None

    # -------------------------------------------------------------- rendering

    def _render_failure(self, exc: InputError) -> None:
        self.plan_box.layout.display = ""
        self.table, self.header_row, self.mapping, self.unused = "", 0, {}, []
        self.plan_view.value = ""
        self.columns_view.value = self.missing_view.value = self.unused_title.value = ""
        self.unused_box.children = []
        self._show_problems(exc.problems, exc.total)
        self._update_button()

    def _render(self) -> None:
        plan = self.plan
        spec = table_spec(plan.table)
        self.plan_box.layout.display = ""
        self.table, self.header_row = plan.table, plan.header_row
        self.mapping = plan.mapping()
        self.unused = [c.header for c in plan.unused]
        encoding = f" · {plan.encoding}" if plan.encoding else ""
        self.plan_view.value = html.raw_tag("div", html.tag("div", t(
            "imp.plan.head", name=plan.name, table=plan.table, zh=_table_zh(plan.table), row=plan.header_row),
            cls="snb-plan-head") + html.tag("div", t("imp.plan.kind", kind=plan.kind, encoding=encoding),
                                           cls="snb-muted"), cls="snb-card")
        used = [(c.letter, c.header, _column_label(spec, c.column), _how(c)) for c in plan.used]
        self.columns_view.value = html.tag("div", t("imp.section.columns", n=len(used)), cls="snb-section-title") + \
            html.table(used, [t(f"imp.col.{k}") for k in ("letter", "header", "column", "how")])
        self.unused_title.value = html.tag("div", t("imp.section.unused", n=len(plan.unused)),
                                           cls="snb-section-title")
        self.unused_box.children = self._unused_rows(plan, spec)
        missing = [t("imp.missing.required" if c in plan.missing_required else "imp.missing.optional",
                     zh=spec.column(c).zh, name=c) for c in plan.missing]
        self.missing_view.value = html.tag("div", t("imp.section.missing", n=len(missing)),
                                           cls="snb-section-title") + html.tag(
            "div", "、".join(missing) if missing else t("imp.missing.none"), cls="snb-muted snb-missing")
        self._show_problems(plan.problems, len(plan.problems))
        self._update_button()

    def _unused_rows(self, plan: ImportPlan, spec) -> list[widgets.Widget]:
        if not plan.unused:
            return [widgets.HTML(html.tag("div", t("imp.unused.none"), cls="snb-muted"))]
        taken = {c.column for c in plan.used}
        rows = []
        for c in plan.unused:
            options = [(t("imp.unused.keep"), KEEP), (t("imp.unused.ignore"), "")] + [
                (_column_label(spec, col.name), col.name) for col in spec.columns
                if col.name not in taken and col.name not in spec.internal]
            chosen = self.corrections.get(c.header, KEEP)
            picker = widgets.Dropdown(options=options, value=chosen if chosen in [v for _l, v in options] else KEEP,
                                      layout=widgets.Layout(width="260px"))
            picker.add_class("snb-map")
            picker.add_class(f"snb-map-{c.letter}")
            self.on_change(picker, lambda value, header=c.header: self.map_header(header, value))
            text = html.raw_tag("span", html.tag("b", f"{c.letter} · {c.header}") + " " +
                                html.tag("span", _note(c, spec), cls="snb-muted"), cls="snb-unused-header")
            rows.append(row(widgets.HTML(text, layout=widgets.Layout(width="420px")), picker))
        return rows

    def _show_problems(self, problems: list[Problem], total: int) -> None:
        letters = {c.header: c.letter for c in self.plan.columns} if self.plan is not None else {}
        self.problems = [[p.file, p.row, p.column, p.message] for p in problems]
        if not problems:
            self.problems_view.value = html.message(t("imp.no_problems"), "good")
            return
        rows = [(p.row, _where(p.column, letters), p.message, "" if p.value in (None, "") else p.value)
                for p in problems]
        self.problems_view.value = html.tag("div", t("imp.section.problems", n=total), cls="snb-section-title") + \
            html.table(rows, [t(f"imp.col.{k}") for k in ("row", "letter", "problem", "value")])

    def _update_button(self) -> None:
        self.can_import = self.may_import and self.plan is not None and self.plan.ok
        self.import_button.disabled = not self.can_import
        if self.plan is None:
            self.status_view.value = ""
        elif self.plan.ok:
            self.status_view.value = html.badge(t("imp.no_problems"), "good")
        else:
            self.status_view.value = html.badge(t("imp.not_ready"), "warn")

    # -------------------------------------------------------------- importing

    def do_import(self) -> None:
        """Import the planned file, all or nothing; on problems show them with row and column."""
        if self.plan is None:
            raise InputError([Problem("-", None, None, t("imp.pick_file"))])
        if not self.plan.ok:
            raise InputError(self.plan.problems)
        try:
            report = imports.apply_import(self.plan, engine=self.engine, actor=self.actor)
        except InputError as exc:
            self._show_problems(exc.problems, exc.total)
            self.can_import = False
            self.import_button.disabled = True
            self.status_view.value = html.badge(t("imp.not_ready"), "warn")  # not the plan's "ready" any more
            self.show_error(t("imp.problems.found", total=exc.total))
            return
        name = self.file_name
        self.base_plan = self.plan = None  # apply_import removed the temporary copy
        self._data = None
        self.plan_box.layout.display = "none"
        self.can_import = False
        self.import_button.disabled = True
        self.refresh_history()
        text = t("imp.done", file=name, rows=report.rows, inserted=report.total("inserted"),
                 updated=report.total("updated"), unchanged=report.total("unchanged"))
        if report.remembered:
            text += t("imp.remembered", n=report.remembered)
        self.show_notice(text)

    def refresh_history(self) -> None:
        """Re-read the import history (everyone's for importers, one's own otherwise)."""
        entries = import_history(self.engine, self.history_limit)
        names = user_names(self.engine)
        self.history_rows = len(entries)
        rows = [(e.at, names.get(e.actor, e.actor), e.file_name, t("imp.table_option", zh=_table_zh(e.table),
                                                                   name=e.table),
                 e.rows, e.inserted, e.updated, e.unchanged) for e in entries]
        self.history_view.value = html.table(
            rows, [t(f"imp.col.{k}") for k in ("at", "who", "file", "table", "rows", "inserted", "updated",
                                               "unchanged")], empty=t("imp.history.empty"))

    def close(self) -> None:
        self._drop_plan()
        super().close()


def _table_zh(name: str) -> str:
    key = f"imp.table.{name}"
    text = t(key)
    return name if text == key else text


def _column_label(spec, column: str | None) -> str:
    if not column:
        return ""
    try:
        zh = spec.column(column).zh
    except KeyError:
        return column
    return f"{zh}（{column}）" if get_language() == "zh-CN" else f"{column} ({zh})"


def _how(c) -> str:
    reason = t(f"io.reason.{c.reason or 'name'}")
    return t("imp.how", reason=reason, score="" if c.score is None else c.score).strip()


def _note(c, spec) -> str:
    if c.ignored:
        return t("io.reason.ignored")
    s = c.suggestion
    if s is None:
        return ""
    if s.reason == "taken":
        return t("io.suggest.taken", column=s.column)
    if s.reason == "unit":
        return t("io.suggest.unit", column=s.column, unit=s.note)
    return t("io.suggest.fuzzy", column=s.column, zh=spec.column(s.column).zh, score=s.score)


def _where(column: str | None, letters: dict[str, str]) -> str:
    if not column:
        return ""
    letter = letters.get(column)
    return f"{letter}（{column}）" if letter else column
