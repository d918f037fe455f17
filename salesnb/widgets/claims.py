"""PaymentClaims (回款认领): a rep files a claim on their own invoice; finance confirms or rejects it with a reason.

Filing and deciding go through :mod:`salesnb.receivables.claims` (the
``claim_review`` task and its SLA, the notices and the audit log as from the
command line); this app only lists and collects.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import ipywidgets as widgets
from traitlets import Int, List, Unicode

from ..auth import allowed, allowed_owners, scope_of
from ..db import session_scope
from ..errors import SalesnbError
from ..i18n import register, t
from ..receivables import confirm_claim, reject_claim, submit_claim
from ..receivables.claim_lists import claim_count, claim_rows, claimable_count, claimable_invoices
from . import html
from .base import AppWidget, label, row
from .paging import PAGE_SIZE, Pager

INVOICE_LIMIT = 50  # invoices in the drop-down: the rest are found by typing
COUNT_AT_MOST = 1_000  # the hint counts this far ("1000+"), not every open invoice of a company

register({
    "zh-CN": {
        "claims.title": "回款认领",
        "claims.subtitle": "客户已付款但系统还没有入账时，销售在这里提交回款认领；财务在 48 小时内确认或驳回（驳回须写明原因）。",
        "claims.file.title": "提交回款认领",
        "claims.invoice": "发票",
        "claims.invoice_option": "{invoice} · {customer} · 可认领 {claimable} 元",
        "claims.no_invoice": "没有可认领的未收发票",
        "claims.invoice_search": "输入发票号或客户名查找",
        "claims.invoice_more": "共 {total} 张可认领的发票，列出前 {shown} 张；输入发票号或客户名查找其他的",
        "claims.amount": "到账金额（元）",
        "claims.submit": "提交认领",
        "claims.pick_invoice": "请先选择发票",
        "claims.bad_amount": "金额应为正数，如 5000 或 5,000.00（收到 {value}）",
        "claims.submitted": "已提交回款认领 {claim}（发票 {invoice}，{amount} 元），等待财务审核",
        "claims.review.title": "待财务审核（{n}）",
        "claims.review.empty": "没有等待审核的回款认领",
        "claims.review_option": "{claim} · 发票 {invoice} · {amount} 元 · {rep}",
        "claims.reason": "驳回原因",
        "claims.reason.placeholder": "驳回时必填，如：银行流水中没有这笔款项",
        "claims.confirm": "确认到账",
        "claims.reject": "驳回",
        "claims.need_reason": "驳回回款认领必须填写原因",
        "claims.confirmed": "已确认回款认领 {claim}：发票 {invoice} 记入回款 {amount} 元",
        "claims.rejected": "已驳回回款认领 {claim}",
        "claims.history.title": "回款认领记录",
        "claims.history.empty": "还没有回款认领",
        "claims.col.claim": "认领编号", "claims.col.invoice": "发票", "claims.col.customer": "客户",
        "claims.col.rep": "申请人", "claims.col.amount": "金额", "claims.col.submitted": "提交时间",
        "claims.col.status": "状态", "claims.col.reviewed": "审核时间",
        "claims.status.finance_review": "待财务审核", "claims.status.confirmed": "已确认",
        "claims.status.rejected": "已驳回",
    },
    "en": {
        "claims.title": "Payment claims",
        "claims.subtitle": "When a customer has paid but the system has not booked it, the rep files a claim here; "
                           "finance confirms or rejects it within 48 hours (a rejection needs a reason).",
        "claims.file.title": "File a payment claim",
        "claims.invoice": "Invoice",
        "claims.invoice_option": "{invoice} · {customer} · {claimable} claimable",
        "claims.no_invoice": "No open invoice to claim",
        "claims.invoice_search": "Type an invoice number or customer name",
        "claims.invoice_more": "{total} invoices to claim, the first {shown} listed; type a number or customer to find others",
        "claims.amount": "Amount received",
        "claims.submit": "File claim",
        "claims.pick_invoice": "Pick an invoice first",
        "claims.bad_amount": "The amount must be a positive number such as 5000 or 5,000.00 (got {value})",
        "claims.submitted": "Payment claim {claim} filed (invoice {invoice}, {amount}); waiting for finance",
        "claims.review.title": "Waiting for finance ({n})",
        "claims.review.empty": "No payment claim waits for review",
        "claims.review_option": "{claim} · invoice {invoice} · {amount} · {rep}",
        "claims.reason": "Reason for rejecting",
        "claims.reason.placeholder": "Required to reject, e.g. no such payment on the bank statement",
        "claims.confirm": "Confirm payment",
        "claims.reject": "Reject",
        "claims.need_reason": "A rejected payment claim needs a reason",
        "claims.confirmed": "Payment claim {claim} confirmed: {amount} applied to invoice {invoice}",
        "claims.rejected": "Payment claim {claim} rejected",
        "claims.history.title": "Payment claims",
        "claims.history.empty": "No payment claims yet",
        "claims.col.claim": "Claim", "claims.col.invoice": "Invoice", "claims.col.customer": "Customer",
        "claims.col.rep": "Filed by", "claims.col.amount": "Amount", "claims.col.submitted": "Filed",
        "claims.col.status": "Status", "claims.col.reviewed": "Reviewed",
        "claims.status.finance_review": "waiting for finance", "claims.status.confirmed": "confirmed",
        "claims.status.rejected": "rejected",
    },
})


def parse_amount(text: str) -> Decimal:
    """``5,000.00`` → ``Decimal('5000.00')``; a message key error for anything that is not a positive amount."""
    cleaned = str(text).replace(",", "").replace("，", "").replace("元", "").replace("¥", "").strip()
    try:
        value = Decimal(cleaned).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise SalesnbError("claims.bad_amount", value=text) from None
    if value <= 0:
        raise SalesnbError("claims.bad_amount", value=text)
    return value


class PaymentClaims(AppWidget):
    """回款认领: file a claim (reps), review claims (finance), and the claims seen so far.

    Public state: ``invoice_id`` (the invoice chosen to claim), ``claim_id``
    (the claim chosen for review), ``waiting`` (claims in finance review),
    ``claims`` (claim ids listed in the history).
    """

    invoice_id = Unicode("", help="The invoice chosen for a new claim.")
    invoice_text = Unicode("", help="Text typed to find an invoice to claim (number or customer name).")
    claim_id = Unicode("", help="The claim chosen for review.")
    waiting = Int(0, help="How many claims wait for finance review.")
    claims = List(help="Claim ids in the history, newest first.")

    title_key = "claims.title"
    subtitle_key = "claims.subtitle"

    def __init__(self, engine, **kwargs):
        super().__init__(engine, **kwargs)
        actor = self.actor
        self.may_review = allowed(actor, "claim.review")
        self.may_file = not actor.is_system and allowed(actor, "claim.file", actor.user_id)
        # who the lists are about: every claim for finance (and system), one's own and one's team's otherwise
        self.owners = scope_of(actor, "receivables").owners  # None: everybody's (finance, the director, ops)
        self._claimable: dict[str, Decimal] = {}
        self._owners: dict[str, str | None] = {}
        # filing
        self.invoice_search = widgets.Text(placeholder=t("claims.invoice_search"), continuous_update=True,
                                           layout=widgets.Layout(width="420px"))
        self.invoice_search.add_class("snb-claim-invoice-search")
        self.invoice_box = widgets.Dropdown(options=[], layout=widgets.Layout(width="420px"))
        self.invoice_box.add_class("snb-claim-invoice")
        self.invoice_hint = widgets.HTML("")
        self.invoice_hint.add_class("snb-claim-invoice-hint")
        self.amount_box = widgets.Text(layout=widgets.Layout(width="180px"))
        self.amount_box.add_class("snb-claim-amount")
        self.submit_button = widgets.Button(description=t("claims.submit"), button_style="primary",
                                            layout=widgets.Layout(width="auto"))
        self.submit_button.add_class("snb-claim-submit")
        self.file_section = widgets.VBox([
            widgets.HTML(html.tag("div", t("claims.file.title"), cls="snb-section-title")),
            row(label(t("claims.invoice"), required=True),
                widgets.VBox([self.invoice_search, self.invoice_box, self.invoice_hint])),
            row(label(t("claims.amount"), required=True), self.amount_box),
            row(self.submit_button, cls="snb-toolbar"),
        ])
        self.file_section.add_class("snb-card")
        self.file_section.add_class("snb-claim-file")
        # review
        self.review_title = widgets.HTML("")
        self.queue = widgets.Select(options=[], rows=6, layout=widgets.Layout(width="520px"))
        self.queue.add_class("snb-claim-queue")
        self.claim_facts = widgets.HTML("")
        self.reason_box = widgets.Text(placeholder=t("claims.reason.placeholder"), layout=widgets.Layout(width="420px"))
        self.reason_box.add_class("snb-claim-reason")
        self.confirm_button = widgets.Button(description=t("claims.confirm"), button_style="success",
                                             layout=widgets.Layout(width="auto"))
        self.confirm_button.add_class("snb-claim-confirm")
        self.reject_button = widgets.Button(description=t("claims.reject"), button_style="danger",
                                            layout=widgets.Layout(width="auto"))
        self.reject_button.add_class("snb-claim-reject")
        self.queue_pager = Pager(self, self._load_queue, page_size=PAGE_SIZE, cls="snb-claim-queue-pager")
        self.review_section = widgets.VBox([
            self.review_title, self.queue, self.queue_pager, self.claim_facts,
            row(label(t("claims.reason")), self.reason_box),
            row(self.confirm_button, self.reject_button, cls="snb-toolbar"),
        ])
        self.review_section.add_class("snb-card")
        self.review_section.add_class("snb-claim-review")
        # history
        self.history = widgets.HTML("")
        self.history.add_class("snb-claim-history")
        self.history_pager = Pager(self, self._load_history, page_size=PAGE_SIZE, cls="snb-claim-history-pager")
        sections = ([self.file_section] if self.may_file else []) + ([self.review_section] if self.may_review else [])
        self.body.children = [*sections, widgets.HTML(html.tag("div", t("claims.history.title"),
                                                               cls="snb-section-title")), self.history,
                              self.history_pager]
        widgets.link((self.invoice_search, "value"), (self, "invoice_text"))
        self.on_change(self, lambda _v: self._load_invoices(), names="invoice_text")
        self.on_change(self.invoice_box, self._pick_invoice)
        self.on_change(self.queue, lambda value: self._pick_claim(value or ""))
        self.on_click(self.submit_button, self.submit)
        self.on_click(self.confirm_button, self.confirm)
        self.on_click(self.reject_button, self.reject)
        self.safely(self.refresh)()

    # -------------------------------------------------------------- data

    def refresh(self) -> None:
        """Re-read the claimable invoices, the review queue and the history (each counted, then a page)."""
        if self.may_file:
            self._load_invoices()
        if self.may_review:
            self._load_queue()
        self._load_history()

    def _load_invoices(self) -> None:
        """The invoices the person may claim that match the text typed: the count, then the first few."""
        scope, text = allowed_owners(self.actor, "claim.file"), self.invoice_text
        total = claimable_count(self.engine, scope=scope, text=text, at_most=COUNT_AT_MOST)
        invoices = claimable_invoices(self.engine, scope=scope, text=text, limit=INVOICE_LIMIT)
        self._claimable = {i.invoice_id: i.claimable for i in invoices}
        self._owners = {i.invoice_id: i.owner_id for i in invoices}
        counted = f"{total}+" if total >= COUNT_AT_MOST else str(total)
        self.invoice_hint.value = (html.tag("span", t("claims.invoice_more", total=counted, shown=len(invoices)),
                                            cls="snb-muted") if total > len(invoices) else "")
        self.invoice_box.options = [(t("claims.invoice_option", invoice=i.invoice_id,
                                       customer=i.customer_name or "", claimable=html.display(i.claimable)),
                                     i.invoice_id) for i in invoices]
        self.invoice_box.value = invoices[0].invoice_id if invoices else None
        self._pick_invoice(self.invoice_box.value)
        self.submit_button.disabled = not invoices
        self.invoice_box.disabled = not invoices
        if not invoices:
            self.invoice_box.options = [(t("claims.no_invoice"), "")]
            self.invoice_box.value = ""

    def _load_queue(self) -> None:
        """The claims waiting for finance: counted, then a page."""
        self.waiting = claim_count(self.engine, status="finance_review")
        self.queue_pager.set_total(self.waiting)
        queue = claim_rows(self.engine, status="finance_review", limit=self.queue_pager.page_size,
                           offset=self.queue_pager.offset)
        self.queue_pager.show(len(queue))
        self._queue = {c.claim_id: c for c in queue}
        self.review_title.value = html.tag("div", t("claims.review.title", n=self.waiting), cls="snb-section-title")
        self.queue.options = [(t("claims.review_option", claim=c.claim_id, invoice=c.invoice_id,
                                 amount=html.display(c.amount), rep=c.owner_name or c.owner_id), c.claim_id)
                              for c in queue]
        self.queue.layout.display = "" if queue else "none"
        self.queue.value = queue[0].claim_id if queue else None
        self._pick_claim(self.queue.value or "")

    def _load_history(self) -> None:
        """The claims the person sees, newest first: counted, then a page."""
        self.history_pager.set_total(claim_count(self.engine, owners=self.owners))
        rows = claim_rows(self.engine, owners=self.owners, limit=self.history_pager.page_size,
                          offset=self.history_pager.offset)
        self.history_pager.show(len(rows))
        self.claims = [c.claim_id for c in rows]
        self.history.value = html.table(
            [(c.claim_id, c.invoice_id, c.customer_name, c.owner_name or c.owner_id, c.amount, c.submitted_at,
              html.badge(t(f"claims.status.{c.status}"), _TONE.get(c.status, "neutral")), c.reviewed_at)
             for c in rows],
            [t(f"claims.col.{k}") for k in ("claim", "invoice", "customer", "rep", "amount", "submitted", "status",
                                            "reviewed")],
            empty=t("claims.history.empty"), cell_html={6: True})

    def _pick_invoice(self, invoice_id: str | None) -> None:
        self.invoice_id = invoice_id or ""
        self.amount_box.value = html.display(self._claimable[invoice_id]) if invoice_id in self._claimable else ""

    def _pick_claim(self, claim_id: str) -> None:
        self.claim_id = claim_id
        claim = getattr(self, "_queue", {}).get(claim_id)
        for button in (self.confirm_button, self.reject_button):
            button.disabled = claim is None
        if claim is None:
            self.claim_facts.value = html.tag("div", t("claims.review.empty"), cls="snb-empty")
            return
        self.claim_facts.value = html.raw_tag("div", html.fields([
            (t("claims.col.claim"), claim.claim_id), (t("claims.col.invoice"), claim.invoice_id),
            (t("claims.col.customer"), claim.customer_name), (t("claims.col.rep"), claim.owner_name or claim.owner_id),
            (t("claims.col.amount"), claim.amount), (t("claims.col.submitted"), claim.submitted_at),
        ], inline=True), cls="snb-card")

    # -------------------------------------------------------------- actions

    def submit(self) -> None:
        """File a claim for the chosen invoice and amount (the rep who owns the invoice is its owner)."""
        invoice_id = self.invoice_id
        if not invoice_id:
            raise SalesnbError("claims.pick_invoice")
        amount = parse_amount(self.amount_box.value)
        owner = self._owners.get(invoice_id) or self.actor.user_id  # the invoice's rep, who hears the decision
        with session_scope(self.engine) as session:
            claim = submit_claim(session, invoice_id, owner_id=owner, amount=amount, at=self.as_of())
            claim_id = claim.claim_id
        self.refresh()
        self.show_notice(t("claims.submitted", claim=claim_id, invoice=invoice_id, amount=html.display(amount)))

    def confirm(self) -> None:
        """Finance confirms the chosen claim: its amount is applied to the invoice."""
        claim = self._queue[self.claim_id]
        with session_scope(self.engine) as session:
            confirm_claim(session, claim.claim_id, actor=self.actor, at=self.as_of())
        self.reason_box.value = ""
        self.refresh()
        self.show_notice(t("claims.confirmed", claim=claim.claim_id, invoice=claim.invoice_id,
                           amount=html.display(claim.amount)))

    def reject(self) -> None:
        """Finance rejects the chosen claim; the reason typed is required and recorded."""
        reason = self.reason_box.value.strip()
        if not reason:
            raise SalesnbError("claims.need_reason")
        claim_id = self.claim_id
        with session_scope(self.engine) as session:
            reject_claim(session, claim_id, actor=self.actor, at=self.as_of(), reason=reason)
        self.reason_box.value = ""
        self.refresh()
        self.show_notice(t("claims.rejected", claim=claim_id), tone="info")


_TONE = {"finance_review": "warn", "confirmed": "good", "rejected": "bad"}
