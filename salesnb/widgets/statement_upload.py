"""The bank-statement upload of the reconciliation app: upload → import → reconcile → review queue, counts shown.

A section of its own (kept apart from the review queue's code): finance
uploads one or more bank exports (xlsx, xls — real or HTML/text saved as
.xls, GBK or UTF-8 —, CSV, TXT); :func:`salesnb.receivables.import_and_reconcile`
imports their lines, runs the automatic reconciliation, and the queue below
refreshes with what needs a person.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets
from traitlets import Dict

from .. import receivables  # import_and_reconcile is resolved on the first upload: reading files loads pandas
from ..auth import allowed
from ..errors import InputError
from ..i18n import register, t
from . import html
from .base import AppWidget, label, row

register({
    "zh-CN": {
        "stmt.title": "上传银行流水",
        "stmt.hint": "支持各银行导出的 xlsx、xls（含网页或文本另存的 .xls，GBK 或 UTF-8）、CSV、TXT；"
                     "重复上传同一文件不会重复入账。上传后自动对账，需要人工判断的流水进入下方待确认列表。",
        "stmt.upload": "选择流水文件",
        "stmt.done": "已读取 {files} 个文件共 {lines} 行（收入 {incoming} 行）：新增 {inserted}，更新 {updated}，"
                     "未变 {unchanged}。自动对账：已匹配 {matched} 笔，待人工确认 {queued} 笔，未匹配 {unmatched} 笔；"
                     "当前共 {waiting} 笔流水等待确认。",
        "stmt.failed": "流水文件有 {total} 个问题，未导入任何数据：",
        "stmt.col.file": "文件", "stmt.col.row": "行", "stmt.col.column": "列", "stmt.col.problem": "问题",
    },
    "en": {
        "stmt.title": "Upload bank statements",
        "stmt.hint": "Any bank's xlsx, xls (also web pages or text saved as .xls, GBK or UTF-8), CSV or TXT export; "
                     "uploading a file again books nothing twice. Reconciliation runs at once; lines that need a "
                     "person join the review list below.",
        "stmt.upload": "Choose statement files",
        "stmt.done": "Read {files} file(s), {lines} lines ({incoming} incoming): {inserted} new, {updated} updated, "
                     "{unchanged} unchanged. Reconciliation: {matched} matched, {queued} queued for review, "
                     "{unmatched} unmatched; {waiting} line(s) now wait for review.",
        "stmt.failed": "The statement has {total} problem(s); nothing was imported:",
        "stmt.col.file": "File", "stmt.col.row": "Row", "stmt.col.column": "Column", "stmt.col.problem": "Problem",
    },
})


class StatementUploadSection(widgets.VBox):
    """Upload bank exports in ``app`` (an :class:`AppWidget`); ``on_done()`` runs after a good upload.

    Public state: ``counts`` (the last upload's numbers: lines, incoming, inserted,
    updated, unchanged, matched, queued, unmatched, waiting).
    """

    counts = Dict(help="What the last upload did.")

    def __init__(self, app: AppWidget, on_done: Callable[[], None]):
        self.app = app
        self.on_done = on_done
        self.upload = widgets.FileUpload(accept=".xlsx,.xls,.csv,.txt,.tsv,.htm,.html", multiple=True,
                                         description=t("stmt.upload"), layout=widgets.Layout(width="auto"))
        self.upload.add_class("snb-statement-upload")
        self.result = widgets.HTML("")
        self.result.add_class("snb-statement-result")
        super().__init__([
            widgets.HTML(html.tag("div", t("stmt.title"), cls="snb-section-title")),
            row(label(t("stmt.title"), inline=True), self.upload, cls="snb-toolbar"),
            widgets.HTML(html.tag("div", t("stmt.hint"), cls="snb-muted")),
            self.result,
        ])
        self.add_class("snb-card")
        self.add_class("snb-statements")
        self.layout.display = "" if allowed(app.actor, "bank.upload") else "none"
        app.on_change(self.upload, self._uploaded)

    def _uploaded(self, value) -> None:
        if not value:
            return
        files = [(item["name"], bytes(item["content"])) for item in value]
        self.upload.value = ()
        self.app.clear_messages()
        self.load(files)

    def load(self, files: list[tuple[str, bytes]]) -> None:
        """Import ``(name, bytes)`` files, reconcile, refresh the app (as if uploaded in the browser)."""
        try:
            done = receivables.import_and_reconcile(self.app.engine, files, actor=self.app.actor, as_of=self.app.as_of())
        except InputError as exc:
            self.counts = {}
            rows = [(p.file, p.row, p.column, p.message) for p in exc.problems]
            self.result.value = html.table(rows, [t(f"stmt.col.{k}") for k in ("file", "row", "column", "problem")])
            self.app.show_error(t("stmt.failed", total=exc.total))
            return
        imported, run = done.imported, done.reconciled
        self.counts = {"lines": imported.lines, "incoming": imported.incoming, "inserted": imported.inserted,
                       "updated": imported.updated, "unchanged": imported.unchanged, "matched": run.matched,
                       "queued": run.queued, "unmatched": run.unmatched, "waiting": done.waiting}
        text = t("stmt.done", files=len(imported.files), **self.counts)
        self.on_done()  # the queue first: the counts appear once it shows them
        self.result.value = ""  # the counts are the page's notice; the section keeps only a failed file's problems
        self.app.show_notice(text)
