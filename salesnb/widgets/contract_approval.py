"""ContractApproval (合同审批): the queue with feasibility verdicts, decisions, edit-and-resubmit, the guarantee."""

from __future__ import annotations

import ipywidgets as widgets
from traitlets import Unicode

from ..auth import allowed, scope_of
from ..contracts.approval_queue import VERDICTS, QueueItem, approval_queue, destinations, queue_counts
from ..contracts import approve, check_terms, edit, get_attachment, reject, submit
from ..contracts.messages import reason_text
from ..auth.people import Actor
from ..db import session_scope
from ..errors import SalesnbError
from ..i18n import register, t
from . import download, html
from .base import AppWidget, label, row
from .paging import PAGE_SIZE, Pager

register({
    "zh-CN": {
        "contracts.title": "合同审批",
        "contracts.subtitle": "提交审批时自动做交付可行性检查：交期来不及的合同会被熔断冻结，需修改条款后重新提交。",
        "contracts.queue": "待处理合同",
        "contracts.filter": "状态",
        "contracts.summary": "待审批 {pending} 份 · 已冻结 {frozen} 份 · 未检查 {unchecked} 份",
        "contracts.no_decision": "这份合同不由你审批（自己的合同、或不在你的团队内），可以查看但不能通过或驳回。",
        "contracts.empty": "没有待处理的合同",
        "contracts.pick": "从左侧列表选择一份合同",
        "contracts.option": "{id} · {customer} · {status}",
        "contracts.status.feasible": "待审批（交付可行）",
        "contracts.status.frozen": "已冻结（熔断）",
        "contracts.status.unchecked": "待检查",
        "contracts.customer": "客户", "contracts.owner": "销售", "contracts.amount": "合同金额",
        "contracts.product": "产品 × 数量", "contracts.dest": "目的地", "contracts.promised": "承诺交期",
        "contracts.submitted": "提交时间", "contracts.days": "{n} 天",
        "contracts.verdict.feasible": "最早排产 {slot_date}（提交后第 {production_days} 天）+ 运输 {transit_days} 天（{carrier}）= {required_days} 天，承诺 {promised_days} 天，预计 {expected_delivery_date} 交付。",
        "contracts.verdict.frozen": "审批已冻结：{reason}",
        "contracts.verdict.suggestion": "建议：{suggestion}",
        "contracts.verdict.unchecked": "这份合同还没有做交付可行性检查。",
        "contracts.verdict.title.feasible": "交付可行",
        "contracts.verdict.title.frozen": "交付可行性熔断",
        "contracts.check": "检查交付可行性并提交审批",
        "contracts.approve": "通过",
        "contracts.reject": "驳回",
        "contracts.reject_reason": "驳回原因（驳回时必填）",
        "contracts.reason_required": "请填写驳回原因",
        "contracts.edit": "修改条款",
        "contracts.edit.days": "承诺交期（天）",
        "contracts.edit.quantity": "数量",
        "contracts.edit.dest": "目的地区域",
        "contracts.resubmit": "修改并重新提交",
        "contracts.preview.ok": "按修改后的条款：交付可行（需 {required_days} 天）",
        "contracts.preview.bad": "按修改后的条款仍不可行：{reason}",
        "contracts.guarantee": "下载交付保障书（{filename}）",
        "contracts.done.approved": "合同 {id} 已审批通过",
        "contracts.done.frozen_at_approval": "合同 {id} 未能通过：排产已被其他合同占用，合同已冻结（原因见详情）",
        "contracts.done.rejected": "合同 {id} 已驳回",
        "contracts.done.submitted": "合同 {id} 交付可行，已提交审批，交付保障书已生成",
        "contracts.done.frozen": "合同 {id} 交期来不及，已被熔断冻结",
        "contracts.training": "该销售已连续 {streak} 次触发熔断，已安排《交付能力白皮书》培训",
    },
    "en": {
        "contracts.title": "Contract approval",
        "contracts.subtitle": "Submitting a contract checks delivery feasibility: contracts that cannot be delivered in time are frozen until their terms are edited and resubmitted.",
        "contracts.queue": "Contracts to handle",
        "contracts.filter": "Status",
        "contracts.summary": "{pending} awaiting approval · {frozen} frozen · {unchecked} not checked",
        "contracts.no_decision": "You do not decide on this contract (your own, or outside your team): you can look, not approve or reject.",
        "contracts.empty": "No contracts to handle",
        "contracts.pick": "Pick a contract from the list",
        "contracts.option": "{id} · {customer} · {status}",
        "contracts.status.feasible": "awaiting approval (feasible)",
        "contracts.status.frozen": "frozen (breaker)",
        "contracts.status.unchecked": "not checked",
        "contracts.customer": "Customer", "contracts.owner": "Sales rep", "contracts.amount": "Amount",
        "contracts.product": "Product × qty", "contracts.dest": "Destination", "contracts.promised": "Promised",
        "contracts.submitted": "Submitted", "contracts.days": "{n} days",
        "contracts.verdict.feasible": "Earliest slot {slot_date} (day {production_days}) + {transit_days} transit days ({carrier}) = {required_days} days, {promised_days} promised; expected delivery {expected_delivery_date}.",
        "contracts.verdict.frozen": "Approval frozen: {reason}",
        "contracts.verdict.suggestion": "Suggestion: {suggestion}",
        "contracts.verdict.unchecked": "This contract has not been checked for delivery feasibility yet.",
        "contracts.verdict.title.feasible": "Feasible",
        "contracts.verdict.title.frozen": "Delivery breaker tripped",
        "contracts.check": "Check feasibility and submit",
        "contracts.approve": "Approve",
        "contracts.reject": "Reject",
        "contracts.reject_reason": "Reason for rejecting (required to reject)",
        "contracts.reason_required": "Please give a reason for rejecting",
        "contracts.edit": "Edit the terms",
        "contracts.edit.days": "Promised days",
        "contracts.edit.quantity": "Quantity",
        "contracts.edit.dest": "Destination",
        "contracts.resubmit": "Edit and resubmit",
        "contracts.preview.ok": "With these terms: feasible ({required_days} days needed)",
        "contracts.preview.bad": "Still infeasible with these terms: {reason}",
        "contracts.guarantee": "Download the delivery guarantee ({filename})",
        "contracts.done.approved": "Contract {id} approved",
        "contracts.done.frozen_at_approval": ("Contract {id} not approved: its production slot was taken by another "
                                              "contract; frozen (see why)"),
        "contracts.done.rejected": "Contract {id} rejected",
        "contracts.done.submitted": "Contract {id} is feasible and awaits approval; the delivery guarantee was issued",
        "contracts.done.frozen": "Contract {id} cannot be delivered in time and was frozen",
        "contracts.training": "This rep has tripped the breaker {streak} times in a row; training was assigned",
    },
})

def verdict_of(item: QueueItem) -> str:
    """``feasible``, ``frozen`` or ``unchecked``."""
    if item.status == "frozen":
        return "frozen"
    return "feasible" if item.feasible else "unchecked"


class ContractApproval(AppWidget):
    """合同审批: pick a contract, see its verdict; approve, reject, or edit and resubmit; download the guarantee.

    The person acting is the signed-in ``actor``: the queue shows the contracts
    they see (:func:`~salesnb.auth.scope_of`), and approve / reject appear only
    on a contract they may decide (:func:`~salesnb.auth.allowed`; the library
    checks again).  Public state: ``selected`` (the contract shown), ``verdict``
    (``feasible`` / ``frozen`` / ``unchecked``) and ``preview`` (what-if verdict of the edited terms: ``feasible`` /
    ``infeasible`` / empty).
    """

    selected = Unicode("", help="The contract shown.")
    verdict = Unicode("", help="feasible, frozen or unchecked; empty when nothing is selected.")
    preview = Unicode("", help="What-if verdict of the edited terms: feasible, infeasible or empty.")
    show = Unicode("", help="The verdict the queue lists (feasible, frozen, unchecked); empty for all.")

    title_key = "contracts.title"
    subtitle_key = "contracts.subtitle"

    def __init__(self, engine, **kwargs):
        super().__init__(engine, **kwargs)
        self.items: dict[str, QueueItem] = {}
        self.summary = widgets.HTML("")
        self.queue = widgets.Select(options=[], rows=10, layout=widgets.Layout(width="360px"))
        self.queue.add_class("snb-queue")
        self.show_box = widgets.Dropdown(options=[(t("common.all"), "")] + [
            (t(f"contracts.status.{v}"), v) for v in VERDICTS], value="", layout=widgets.Layout(width="200px"))
        self.show_box.add_class("snb-filter-verdict")
        self.pager = Pager(self, lambda: self.refresh(), page_size=PAGE_SIZE, cls="snb-queue-pager")
        self.facts = widgets.HTML("")
        self.verdict_view = widgets.HTML("")
        self.verdict_view.add_class("snb-verdict")
        self.guarantee = widgets.HTML("")
        self.check_button = widgets.Button(description=t("contracts.check"), button_style="primary",
                                           layout=widgets.Layout(width="auto"))
        self.check_button.add_class("snb-check")
        self.approve_button = widgets.Button(description=t("contracts.approve"), button_style="success")
        self.approve_button.add_class("snb-approve")
        self.reject_button = widgets.Button(description=t("contracts.reject"), button_style="danger")
        self.reject_button.add_class("snb-reject")
        self.reason = widgets.Text(placeholder=t("contracts.reject_reason"), layout=widgets.Layout(width="320px"))
        self.reason.add_class("snb-reason")
        self.days = widgets.BoundedIntText(min=1, max=3650, layout=widgets.Layout(width="120px"))
        self.days.add_class("snb-edit-days")
        self.quantity = widgets.BoundedIntText(min=1, max=10_000_000, layout=widgets.Layout(width="120px"))
        self.quantity.add_class("snb-edit-quantity")
        self.dest = widgets.Dropdown(options=destinations(engine), layout=widgets.Layout(width="160px"))
        self.dest.add_class("snb-edit-dest")
        self.preview_view = widgets.HTML("")
        self.preview_view.add_class("snb-preview")
        self.resubmit_button = widgets.Button(description=t("contracts.resubmit"), button_style="warning",
                                              layout=widgets.Layout(width="auto"))
        self.resubmit_button.add_class("snb-resubmit")
        self.decision = row(self.approve_button, self.reject_button, self.reason, cls="snb-toolbar")
        self.no_decision = widgets.HTML(html.message(t("contracts.no_decision"), "info"))
        self.no_decision.add_class("snb-no-decision")
        self.editor = widgets.VBox([
            widgets.HTML(html.tag("div", t("contracts.edit"), cls="snb-section-title")),
            row(label(t("contracts.edit.days"), inline=True), self.days,
                label(t("contracts.edit.quantity"), inline=True), self.quantity,
                label(t("contracts.edit.dest"), inline=True), self.dest, cls="snb-toolbar"),
            self.preview_view, self.resubmit_button,
        ])
        self.editor.add_class("snb-card")
        self.detail = widgets.VBox([self.facts, self.verdict_view, self.guarantee, self.check_button, self.decision,
                                    self.no_decision, self.editor], layout=widgets.Layout(flex="1"))
        self.body.children = [
            row(self.summary, label(t("contracts.filter"), inline=True), self.show_box, cls="snb-toolbar"),
            row(widgets.VBox([widgets.HTML(html.tag("div", t("contracts.queue"), cls="snb-section-title")),
                              self.queue, self.pager]), self.detail),
        ]
        self.on_change(self.queue, lambda value: self.select(value or ""))
        widgets.link((self.show_box, "value"), (self, "show"))
        self.on_change(self, lambda _v: self._filter_changed(), names="show")
        for box in (self.days, self.quantity, self.dest):
            self.on_change(box, lambda _v: self._preview())
        self.on_click(self.check_button, self.submit_selected)
        self.on_click(self.approve_button, self.approve_selected)
        self.on_click(self.reject_button, self.reject_selected)
        self.on_click(self.resubmit_button, self.resubmit_selected)
        self.safely(self.refresh)()

    def may_decide(self, item: QueueItem) -> bool:
        """May the signed-in person approve / reject ``item`` (hides the buttons; the library decides)?"""
        return allowed(self.actor, "contract.approve", item.owner_id)

    def open_item(self, item_id: str) -> None:
        """Select contract ``item_id`` (a link's ``?item=``) when the person sees it, on whichever page it is."""
        if item_id not in self.items:
            found = approval_queue(self.engine, scope=scope_of(self.actor), contract_id=item_id)
            if not found:
                return
            self.items[item_id] = found[0]
            self.queue.options = [(self._option(found[0]), item_id), *self.queue.options]
        self.queue.value = item_id
        self.select(item_id)

    # -------------------------------------------------------------- queue

    def _filter_changed(self) -> None:
        self.pager.reset()
        self.refresh(keep="")

    def _option(self, item: QueueItem) -> str:
        return t("contracts.option", id=item.contract_id, customer=item.customer_name,
                 status=t(f"contracts.status.{verdict_of(item)}"))

    def refresh(self, keep: str | None = None) -> None:
        """Count the queue, then re-read the page shown; keep ``keep`` (or the current contract) selected when on it."""
        keep = keep if keep is not None else self.selected
        scope = scope_of(self.actor)
        counts = queue_counts(self.engine, scope=scope)
        self.summary.value = html.tag("span", t("contracts.summary", pending=counts["feasible"],
                                                frozen=counts["frozen"], unchecked=counts["unchecked"]),
                                      cls="snb-muted")
        self.pager.set_total(counts[self.show] if self.show else sum(counts.values()))
        items = approval_queue(self.engine, scope=scope, verdict=self.show, limit=self.pager.page_size,
                               offset=self.pager.offset)
        self.pager.show(len(items))
        self.items = {item.contract_id: item for item in items}
        self.queue.options = [(self._option(i), i.contract_id) for i in items]
        target = keep if keep in self.items else (items[0].contract_id if items else "")
        self.queue.value = target or None
        self.select(target, force=True)

    def select(self, contract_id: str, force: bool = False) -> None:
        """Show ``contract_id`` (must be in the queue)."""
        if contract_id == self.selected and not force:
            return
        self.selected = contract_id
        item = self.items.get(contract_id)
        if item is None:
            self.verdict = ""
            self.facts.value = html.tag("div", t("contracts.empty" if not self.items else "contracts.pick"),
                                        cls="snb-empty")
            for part in (self.verdict_view, self.guarantee):
                part.value = ""
            for part in (self.check_button, self.decision, self.no_decision, self.editor):
                part.layout.display = "none"
            return
        self.verdict = verdict_of(item)
        self.facts.value = _facts_html(item)
        self.verdict_view.value = self._verdict_html(item)
        self.guarantee.value = self._guarantee_html(item)
        submits = allowed(self.actor, "contract.submit", item.owner_id)
        self.check_button.layout.display = "" if self.verdict == "unchecked" and submits else "none"
        decides = self.may_decide(item)
        self.decision.layout.display = "" if self.verdict == "feasible" and decides else "none"
        self.no_decision.layout.display = "" if self.verdict == "feasible" and not decides else "none"
        edits = allowed(self.actor, "contract.edit", item.owner_id)
        self.editor.layout.display = "" if self.verdict == "frozen" and edits else "none"
        self.reason.value = ""
        with self.hold_trait_notifications():
            self.days.value = item.promised_delivery_days or 1
            self.quantity.value = item.quantity or 1
            if item.dest_region in self.dest.options:
                self.dest.value = item.dest_region
        self._preview()

    def _verdict_html(self, item: QueueItem) -> str:
        if self.verdict == "frozen":
            text = t("contracts.verdict.frozen", reason=item.frozen_why)
            suggestion = t("contracts.verdict.suggestion", suggestion=item.frozen_suggestion)
            return html.message(f"{text}\n{suggestion}", "bad", title=t("contracts.verdict.title.frozen"))
        if self.verdict == "feasible":
            return html.message(t("contracts.verdict.feasible", **(item.verdict or {})), "good",
                                title=t("contracts.verdict.title.feasible"))
        return html.message(t("contracts.verdict.unchecked"), "info")

    def _guarantee_html(self, item: QueueItem) -> str:
        if not item.guarantees:
            return ""
        with session_scope(self.engine) as session:
            doc = get_attachment(session, item.contract_id)
            data, filename, mime = doc.content, doc.filename, doc.mime
        return download.link(data, filename, t("contracts.guarantee", filename=filename), mime)

    def _preview(self) -> None:
        item = self.items.get(self.selected)
        if item is None or self.verdict == "unchecked":
            self.preview, self.preview_view.value = "", ""
            return
        terms = {**_terms(item), "promised_delivery_days": self.days.value, "quantity": self.quantity.value,
                 "dest_region": self.dest.value}
        with session_scope(self.engine) as session:
            result = check_terms(session, terms, self.as_of())
        self.preview = "feasible" if result.feasible else "infeasible"
        if result.feasible:
            self.preview_view.value = html.message(t("contracts.preview.ok", required_days=result.required_days), "good")
        else:
            reason = reason_text(result, product_line=item.product_line, dest_region=self.dest.value)
            self.preview_view.value = html.message(t("contracts.preview.bad", reason=reason), "warn")

    # -------------------------------------------------------------- actions

    def approve_selected(self) -> None:
        """Approve the selected contract as the signed-in person."""
        item = self.items[self.selected]
        with session_scope(self.engine) as session:
            status = approve(session, item.contract_id, actor=self.actor, at=self.as_of()).status
        self.refresh(keep="")
        done = "contracts.done.approved" if status == "approved" else "contracts.done.frozen_at_approval"
        self.show_notice(t(done, id=item.contract_id))

    def reject_selected(self) -> None:
        """Reject the selected contract with the reason typed."""
        item = self.items[self.selected]
        if not self.reason.value.strip():
            raise SalesnbError(t("contracts.reason_required"))
        with session_scope(self.engine) as session:
            reject(session, item.contract_id, actor=self.actor, at=self.as_of(), reason=self.reason.value.strip())
        self.refresh(keep="")
        self.show_notice(t("contracts.done.rejected", id=item.contract_id))

    def submit_selected(self) -> None:
        """Run the feasibility check on the selected (never checked) contract and submit it."""
        item = self.items[self.selected]
        with session_scope(self.engine) as session:
            result = submit(session, item.contract_id, actor=self.actor, at=self.as_of())
        self._after_submission(result)

    def resubmit_selected(self) -> None:
        """Save the edited terms and re-submit (re-check) the selected contract."""
        item = self.items[self.selected]
        with session_scope(self.engine) as session:
            result = edit(session, item.contract_id, actor=self.actor, at=self.as_of(),
                          promised_delivery_days=self.days.value, quantity=self.quantity.value,
                          dest_region=self.dest.value)
        self._after_submission(result)

    def _after_submission(self, result) -> None:
        self.refresh(keep=result.contract_id)
        key = "contracts.done.submitted" if result.feasible else "contracts.done.frozen"
        message = t(key, id=result.contract_id)
        if result.training_task_id:
            message += "；" + t("contracts.training", streak=result.streak)
        self.show_notice(message, tone="good" if result.feasible else "warn")


def _terms(item: QueueItem) -> dict[str, object]:
    return {"contract_id": item.contract_id, "product_line": item.product_line, "quantity": item.quantity,
            "dest_region": item.dest_region, "promised_delivery_days": item.promised_delivery_days}


def _facts_html(item: QueueItem) -> str:
    return html.raw_tag("div", html.tag("h3", item.contract_id, cls="snb-customer-name") + html.fields([
        (t("contracts.customer"), item.customer_name),
        (t("contracts.owner"), item.owner_name),
        (t("contracts.amount"), item.amount),
        (t("contracts.product"), f"{item.product_line or ''} × {item.quantity or ''}"),
        (t("contracts.dest"), item.dest_region),
        (t("contracts.promised"), t("contracts.days", n=item.promised_delivery_days)),
        (t("contracts.submitted"), item.submitted_at),
    ], inline=True), cls="snb-card")
