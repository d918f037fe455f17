"""ReconciliationQueue (回款对账): bank lines waiting for review with their candidate invoices; confirm / reject / unmatch."""

from __future__ import annotations

import ipywidgets as widgets
from traitlets import Int, Unicode

from ..auth import allowed, scope_of
from ..auth.people import Actor
from ..db import session_scope
from ..directory import user_names
from ..i18n import register, t
from ..receivables.bank_matches import AppliedRow, applied_count, applied_rows, claim_invoice
from ..receivables import confirm_match, reject_match, unmatch
from ..receivables.review import Candidate, review_candidates, review_count
from . import html
from .base import AppWidget, row
from .paging import PAGE_SIZE, Pager
from .statement_upload import StatementUploadSection

register({
    "zh-CN": {
        "recon.title": "回款对账",
        "recon.subtitle": "系统已自动匹配能确定的银行流水；下面是需要人工判断的流水和候选发票。确认后发票即记为回款。",
        "recon.tab.review": "待确认（{n}）",
        "recon.tab.applied": "已匹配（{n}）",
        "recon.lines": "待确认的银行流水",
        "recon.line_option": "{txn} · {when} · {amount} 元 · {payer}",
        "recon.empty": "没有待人工确认的流水",
        "recon.facts.txn": "流水号", "recon.facts.when": "入账时间", "recon.facts.amount": "金额",
        "recon.facts.payer": "付款方", "recon.facts.memo": "摘要",
        "recon.candidates": "候选发票",
        "recon.candidate_option": "{invoice} · {customer}",
        "recon.col.invoice": "发票号", "recon.col.customer": "客户", "recon.col.invoice_amount": "发票金额",
        "recon.col.outstanding": "未收金额", "recon.col.proposed": "本次核销", "recon.col.rule": "匹配依据",
        "recon.col.confidence": "可信度", "recon.col.when": "入账时间", "recon.col.txn": "流水号",
        "recon.col.payer": "付款方", "recon.col.amount": "金额", "recon.col.decided": "确认人",
        "recon.by_system": "系统自动匹配",
        "recon.confirm": "确认匹配所选发票",
        "recon.reject": "驳回所选候选",
        "recon.reject_all": "全部驳回",
        "recon.unmatch": "撤销所选匹配",
        "recon.applied_option": "{txn} → {invoice} · {amount} 元 · {customer} · {rule}",
        "recon.applied_empty": "还没有已匹配的流水",
        "recon.done.confirmed": "流水 {txn} 已核销到发票 {invoice}",
        "recon.done.rejected": "已驳回流水 {txn} 的 {n} 个候选",
        "recon.done.unmatched": "已撤销流水 {txn} 与发票 {invoice} 的匹配，发票恢复为未收",
        "rule.reference": "摘要含发票号", "rule.reference_fee": "发票号+扣手续费",
        "rule.reference_partial": "发票号（部分付款）", "rule.reference_overpaid": "发票号（多付）",
        "rule.reference_split": "发票号（合并付款）", "rule.reference_unclear": "发票号不明确",
        "rule.amount_name": "金额+付款方名称", "rule.split_invoices": "一笔付多张发票",
        "rule.split_payments": "多笔付一张发票", "rule.fee": "扣手续费", "rule.amount_only": "仅金额相同",
        "rule.name_only": "仅付款方名称", "rule.manual": "人工确认",
        "rule.claim": "回款认领", "rule.split_rest": "认领发票+一张未认领发票", "rule.percentage": "按比例分期",
        "rule.rest_of_share": "分期尾款", "rule.amount_unique": "金额唯一", "rule.sole_invoice": "唯一未结发票",
        "rule.sole_larger_invoice": "唯一更大的未结发票",
        "rule.claim_third_party_local": "回款认领（客户同城的第三方付款）",
        "rule.with.claim": "回款认领：{rule}", "rule.with.third_party": "{rule}（第三方付款）",
        "rule.with.fee": "{rule}（扣手续费）",
    },
    "en": {
        "recon.title": "Bank reconciliation",
        "recon.subtitle": "Lines the system could match for sure are matched; these need a person. Confirming records the payment on the invoice.",
        "recon.tab.review": "To review ({n})",
        "recon.tab.applied": "Matched ({n})",
        "recon.lines": "Bank lines to review",
        "recon.line_option": "{txn} · {when} · {amount} · {payer}",
        "recon.empty": "No bank lines wait for review",
        "recon.facts.txn": "Serial", "recon.facts.when": "Booked", "recon.facts.amount": "Amount",
        "recon.facts.payer": "Payer", "recon.facts.memo": "Memo",
        "recon.candidates": "Candidate invoices",
        "recon.candidate_option": "{invoice} · {customer}",
        "recon.col.invoice": "Invoice", "recon.col.customer": "Customer", "recon.col.invoice_amount": "Invoice amount",
        "recon.col.outstanding": "Outstanding", "recon.col.proposed": "To apply", "recon.col.rule": "Why",
        "recon.col.confidence": "Confidence", "recon.col.when": "Booked", "recon.col.txn": "Serial",
        "recon.col.payer": "Payer", "recon.col.amount": "Amount", "recon.col.decided": "Decided by",
        "recon.by_system": "matched automatically",
        "recon.confirm": "Confirm the selected invoice",
        "recon.reject": "Reject the selected candidate",
        "recon.reject_all": "Reject all",
        "recon.unmatch": "Undo the selected match",
        "recon.applied_option": "{txn} → {invoice} · {amount} · {customer} · {rule}",
        "recon.applied_empty": "No matched lines yet",
        "recon.done.confirmed": "Line {txn} applied to invoice {invoice}",
        "recon.done.rejected": "Rejected {n} candidate(s) of line {txn}",
        "recon.done.unmatched": "Undid the match of line {txn} to invoice {invoice}; the invoice is open again",
        "rule.reference": "invoice no. in memo", "rule.reference_fee": "invoice no. + bank fee",
        "rule.reference_partial": "invoice no. (partial)", "rule.reference_overpaid": "invoice no. (overpaid)",
        "rule.reference_split": "invoice no. (combined)", "rule.reference_unclear": "invoice no. unclear",
        "rule.amount_name": "amount + payer name", "rule.split_invoices": "one line, several invoices",
        "rule.split_payments": "several lines, one invoice", "rule.fee": "bank fee deducted",
        "rule.amount_only": "amount only", "rule.name_only": "payer name only", "rule.manual": "confirmed by hand",
        "rule.claim": "payment claim", "rule.split_rest": "claimed invoices + one unclaimed",
        "rule.percentage": "instalment (share)", "rule.rest_of_share": "last instalment",
        "rule.amount_unique": "unique amount", "rule.sole_invoice": "only open invoice",
        "rule.sole_larger_invoice": "only larger open invoice",
        "rule.claim_third_party_local": "payment claim (third party in the customer's city)",
        "rule.with.claim": "claim: {rule}", "rule.with.third_party": "{rule} (third party)",
        "rule.with.fee": "{rule} (bank fee)",
    },
})

def first_of_each_line(candidates: list[Candidate]) -> list[Candidate]:
    """The first (best) candidate of each bank line, in the queue's order."""
    first: dict[str, Candidate] = {}
    for candidate in candidates:
        first.setdefault(candidate.txn_id, candidate)
    return list(first.values())


def rule_label(rule: str) -> str:
    """The reviewer's words for a matching rule: its own label, or one built from its parts
    (``claim_split_invoices_third_party_fee`` → 回款认领：一笔付多张发票（第三方付款）（扣手续费）); else the rule."""
    key = f"rule.{rule}"
    if t(key) != key:
        return t(key)
    for suffix in ("_fee", "_third_party"):
        if rule.endswith(suffix) and len(rule) > len(suffix):
            return t(f"rule.with{suffix.replace('_', '.', 1)}", rule=rule_label(rule[: -len(suffix)]))
    if rule.startswith("claim_"):
        return t("rule.with.claim", rule=rule_label(rule[len("claim_"):]))
    return rule


class ReconciliationQueue(AppWidget):
    """回款对账: review queued bank lines (confirm / reject candidates) and undo applied matches.

    Public state: ``selected_txn`` (the line under review), ``selected_invoice``
    (the candidate chosen), ``selected_match`` (the applied match chosen in the
    second tab), ``pending`` (lines waiting for review).  The operator is the
    signed-in ``actor``; the lists show the receivables they see, and the
    confirm / reject / unmatch buttons only appear for someone who may review
    bank matches (finance; the library checks again).
    """

    selected_txn = Unicode("", help="The bank line under review.")
    selected_invoice = Unicode("", help="The candidate invoice chosen for the line.")
    selected_match = Unicode("", help="Applied match chosen for undoing: 'txn_id|invoice_id'.")
    pending = Int(0, help="How many bank lines wait for review.")

    title_key = "recon.title"
    subtitle_key = "recon.subtitle"

    def __init__(self, engine, **kwargs):
        super().__init__(engine, **kwargs)
        self.queue: list[Candidate] = []  # the candidates of the page of lines shown
        self.applied_page: list[AppliedRow] = []
        self.reviews = allowed(self.actor, "bank.review")
        self.lines = widgets.Select(options=[], rows=10, layout=widgets.Layout(width="380px"))
        self.lines.add_class("snb-lines")
        self.line_facts = widgets.HTML("")
        self.candidate_table = widgets.HTML("")
        self.candidates = widgets.RadioButtons(options=[], layout=widgets.Layout(width="auto"))
        self.candidates.add_class("snb-candidates")
        self.confirm_button = widgets.Button(description=t("recon.confirm"), button_style="success",
                                             layout=widgets.Layout(width="auto"))
        self.confirm_button.add_class("snb-confirm")
        self.reject_button = widgets.Button(description=t("recon.reject"), button_style="warning",
                                            layout=widgets.Layout(width="auto"))
        self.reject_button.add_class("snb-reject-candidate")
        self.reject_all_button = widgets.Button(description=t("recon.reject_all"), button_style="danger")
        self.reject_all_button.add_class("snb-reject-all")
        self.review_detail = widgets.VBox([
            self.line_facts,
            widgets.HTML(html.tag("div", t("recon.candidates"), cls="snb-section-title")),
            self.candidate_table, self.candidates,
            row(self.confirm_button, self.reject_button, self.reject_all_button, cls="snb-toolbar"),
        ], layout=widgets.Layout(flex="1"))
        self.review_detail.children[-1].layout.display = "" if self.reviews else "none"
        self.line_pager = Pager(self, self.refresh, page_size=PAGE_SIZE, cls="snb-lines-pager")
        self.applied_pager = Pager(self, self._reload_applied, page_size=PAGE_SIZE, cls="snb-applied-pager")
        self.applied_total = 0
        review = row(widgets.VBox([widgets.HTML(html.tag("div", t("recon.lines"), cls="snb-section-title")),
                                   self.lines, self.line_pager]), self.review_detail)
        self.applied = widgets.Select(options=[], rows=10, layout=widgets.Layout(width="100%"))
        self.applied.add_class("snb-applied")
        self.applied_table = widgets.HTML("")
        self.unmatch_button = widgets.Button(description=t("recon.unmatch"), button_style="danger",
                                             layout=widgets.Layout(width="auto"))
        self.unmatch_button.add_class("snb-unmatch")
        unmatch_bar = row(self.unmatch_button, cls="snb-toolbar")
        unmatch_bar.layout.display = "" if self.reviews else "none"
        applied = widgets.VBox([self.applied, unmatch_bar, self.applied_pager, self.applied_table])
        self.tabs = widgets.Tab(children=[review, applied])
        self.statements = StatementUploadSection(self, on_done=self.refresh)  # finance: upload → reconcile → queue
        self.body.children = [self.statements, self.tabs]
        self.on_change(self.lines, lambda value: self.select_line(value or ""))
        self.on_change(self.candidates, lambda value: setattr(self, "selected_invoice", value or ""))
        self.on_change(self.applied, lambda value: setattr(self, "selected_match", value or ""))
        self.on_click(self.confirm_button, self.confirm)
        self.on_click(self.reject_button, lambda: self.reject(all_candidates=False))
        self.on_click(self.reject_all_button, lambda: self.reject(all_candidates=True))
        self.on_click(self.unmatch_button, self.unmatch)
        self.safely(self.refresh)()

    # -------------------------------------------------------------- data

    def refresh(self) -> None:
        """Count the review queue and the applied matches, then re-read the page of each shown."""
        keep = self.selected_txn
        scope = scope_of(self.actor, "receivables")
        self.pending = review_count(self.engine, scope=scope)
        self.line_pager.set_total(self.pending)
        self.queue = review_candidates(self.engine, scope=scope, limit=self.line_pager.page_size,
                                       offset=self.line_pager.offset)
        lines = first_of_each_line(self.queue)
        self.line_pager.show(len(lines))
        self.lines.options = [self._line_option(r) for r in lines]
        target = keep if keep in {r.txn_id for r in lines} else (lines[0].txn_id if lines else "")
        self.lines.value = target or None
        self.select_line(target, force=True)
        self._reload_applied()

    def _line_option(self, r) -> tuple[str, str]:
        return (t("recon.line_option", txn=r.txn_id, when=html.display(r.booked_at),
                  amount=html.display(r.line_amount), payer=r.payer_name or ""), r.txn_id)

    def _reload_applied(self) -> None:
        scope = scope_of(self.actor, "receivables")
        self.applied_total = applied_count(self.engine, scope=scope)
        self.applied_pager.set_total(self.applied_total)
        self.applied_page = applied_rows(self.engine, self.applied_pager.page_size, scope=scope,
                                         offset=self.applied_pager.offset)
        self.applied_pager.show(len(self.applied_page))
        self.tabs.titles = (t("recon.tab.review", n=self.pending), t("recon.tab.applied", n=self.applied_total))
        self._render_applied()

    def select_line(self, txn_id: str, force: bool = False) -> None:
        """Show bank line ``txn_id`` and its candidates."""
        if txn_id == self.selected_txn and not force:
            return
        self.selected_txn = txn_id
        rows = [r for r in self.queue if r.txn_id == txn_id]
        if not rows:
            self.line_facts.value = html.tag("div", t("recon.empty"), cls="snb-empty")
            self.candidate_table.value = ""
            self.candidates.options = []
            self.review_detail.children[1].layout.display = "none"
            for button in (self.confirm_button, self.reject_button, self.reject_all_button):
                button.disabled = True
            self.selected_invoice = ""
            return
        self.review_detail.children[1].layout.display = ""
        for button in (self.confirm_button, self.reject_button, self.reject_all_button):
            button.disabled = False
        first = rows[0]
        self.line_facts.value = html.raw_tag("div", html.fields([
            (t("recon.facts.txn"), first.txn_id), (t("recon.facts.when"), first.booked_at),
            (t("recon.facts.amount"), first.line_amount), (t("recon.facts.payer"), first.payer_name),
            (t("recon.facts.memo"), first.memo),
        ], inline=True), cls="snb-card")
        self.candidate_table.value = html.table(
            [(r.invoice_id, r.customer_name, r.invoice_amount, r.outstanding, r.proposed_amount, rule_label(r.rule),
              f"{r.confidence:.0%}") for r in rows],
            [t(f"recon.col.{c}") for c in ("invoice", "customer", "invoice_amount", "outstanding", "proposed",
                                            "rule", "confidence")])
        self.candidates.options = [(t("recon.candidate_option", invoice=r.invoice_id, customer=r.customer_name or ""),
                                    r.invoice_id) for r in rows]
        self.candidates.value = first.invoice_id
        self.selected_invoice = self.candidates.value

    def _render_applied(self) -> None:
        page = self.applied_page
        names = user_names(self.engine)
        self.applied.options = [(t("recon.applied_option", txn=r.txn_id, invoice=r.invoice_id,
                                   amount=html.display(r.amount), customer=r.customer_name or "",
                                   rule=rule_label(r.rule)), f"{r.txn_id}|{r.invoice_id}")
                                for r in page]
        self.applied.value = None
        self.applied.rows = max(3, min(len(page), 10))
        self.selected_match = ""
        self.unmatch_button.disabled = not page
        self.applied_table.value = html.table(
            [(r.booked_at, r.txn_id, r.payer_name, r.line_amount, r.invoice_id, r.customer_name, r.amount,
              rule_label(r.rule), names.get(r.decided_by) or t("recon.by_system")) for r in page],
            [t(f"recon.col.{c}") for c in ("when", "txn", "payer", "amount", "invoice", "customer", "proposed",
                                            "rule", "decided")], empty=t("recon.applied_empty"))

    # -------------------------------------------------------------- actions

    def _operator(self) -> Actor:
        """The signed-in person: the library decides whether they may."""
        return self.actor

    def open_item(self, item_id: str) -> None:
        """Select a bank line (``?item=`` a line's serial, or an invoice or payment claim with a candidate or
        applied match), on whichever page it is."""
        scope = scope_of(self.actor, "receivables")
        lines = review_candidates(self.engine, scope=scope, item=item_id)
        applied = applied_rows(self.engine, 1, scope=scope, item=item_id)
        if not lines and not applied:
            item_id = claim_invoice(self.engine, item_id, scope=scope) or item_id
            lines = review_candidates(self.engine, scope=scope, item=item_id)
            applied = applied_rows(self.engine, 1, scope=scope, item=item_id)
        if lines:
            target = lines[0].txn_id
            if target not in {r.txn_id for r in self.queue}:
                self.queue = [*self.queue, *(r for r in lines if r.txn_id == target)]
                self.lines.options = [self._line_option(lines[0]), *self.lines.options]
            self.tabs.selected_index = 0
            self.lines.value = target
            self.select_line(target)
        elif applied:
            key = f"{applied[0].txn_id}|{applied[0].invoice_id}"
            if key not in [v for _l, v in self.applied.options]:
                self.applied_page = [*applied, *self.applied_page]
                self._render_applied()
            self.tabs.selected_index = 1
            self.applied.value = key

    def confirm(self) -> None:
        """Apply the line under review to the chosen candidate invoice."""
        actor, txn, invoice = self._operator(), self.selected_txn, self.selected_invoice
        with session_scope(self.engine) as session:
            confirm_match(session, txn, [invoice] if invoice else [], actor=actor, at=self.as_of())
        self.refresh()
        self.show_notice(t("recon.done.confirmed", txn=txn, invoice=invoice))

    def reject(self, all_candidates: bool = False) -> None:
        """Reject the chosen candidate (or all candidates) of the line under review."""
        actor, txn = self._operator(), self.selected_txn
        invoices = [] if all_candidates else [self.selected_invoice]
        with session_scope(self.engine) as session:
            n = reject_match(session, txn, invoices, actor=actor, at=self.as_of())
        self.refresh()
        self.show_notice(t("recon.done.rejected", txn=txn, n=n), tone="info")

    def unmatch(self) -> None:
        """Undo the applied match chosen in the second tab."""
        actor = self._operator()
        if not self.selected_match:
            return
        txn, invoice = self.selected_match.split("|", 1)
        with session_scope(self.engine) as session:
            unmatch(session, txn, [invoice], actor=actor, at=self.as_of())
        self.refresh()
        self.show_notice(t("recon.done.unmatched", txn=txn, invoice=invoice), tone="info")
