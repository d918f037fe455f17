"""MyWork (我的待办): what waits for the signed-in person, each with its action; made for a phone's width too."""

from __future__ import annotations

from urllib.parse import urlencode

import ipywidgets as widgets
from traitlets import Int, List, Unicode

from ..auth import allowed
from ..contracts import approve, reject
from ..db import session_scope
from ..errors import SalesnbError
from ..i18n import register, t
from ..links import item_app
from ..receivables import confirm_claim, reject_claim
from ..tasks import close_task
from ..work import KINDS, WorkItem, my_work
from . import html
from .base import AppWidget, entity_label

register({
    "zh-CN": {
        "work.title": "我的待办",
        "work.subtitle": "等你处理的事都在这里。点击编号打开详情页。",
        "work.summary": "共 {n} 项",
        "work.empty": "没有等你处理的事，辛苦了！",
        "work.section.task": "待办（{n}）",
        "work.section.contract": "待我审批的合同（{n}）",
        "work.section.claim": "待审核的回款申请（{n}）",
        "work.section.escalation": "通知或抄送我的升级（{n}）",
        "work.section.finding": "我负责的断点（{n}）",
        "work.since": "自 {when}",
        "work.amount": "金额 {amount}",
        "work.owner": "负责人 {name}",
        "work.claim.invoice": "发票 {invoice}",
        "work.escalation.notified": "第 {level} 级升级 · 通知我",
        "work.escalation.cc": "第 {level} 级升级 · 抄送我",
        "work.done": "完成",
        "work.approve": "通过",
        "work.confirm": "确认回款",
        "work.reject": "驳回",
        "work.reason": "驳回原因",
        "work.reason_required": "请先填写驳回原因",
        "work.open": "查看",
        "work.done.task": "待办 {id} 已完成",
        "work.done.contract": "合同 {id} 已审批通过",
        "work.done.claim_confirmed": "回款申请 {id} 已确认",
        "work.done.claim_rejected": "回款申请 {id} 已驳回",
        "work.done.contract_rejected": "合同 {id} 已驳回",
    },
    "en": {
        "work.title": "My work",
        "work.subtitle": "Everything waiting for you. Tap an id to open its page.",
        "work.summary": "{n} item(s)",
        "work.empty": "Nothing waits for you. Well done!",
        "work.section.task": "To-dos ({n})",
        "work.section.contract": "Contracts to approve ({n})",
        "work.section.claim": "Payment claims to review ({n})",
        "work.section.escalation": "Escalations I am told or copied about ({n})",
        "work.section.finding": "Findings I own ({n})",
        "work.since": "since {when}",
        "work.amount": "amount {amount}",
        "work.owner": "owner {name}",
        "work.claim.invoice": "invoice {invoice}",
        "work.escalation.notified": "escalation level {level} · told",
        "work.escalation.cc": "escalation level {level} · copied",
        "work.done": "Done",
        "work.approve": "Approve",
        "work.confirm": "Confirm payment",
        "work.reject": "Reject",
        "work.reason": "Reason for rejecting",
        "work.reason_required": "Please give a reason for rejecting first",
        "work.open": "Open",
        "work.done.task": "To-do {id} done",
        "work.done.contract": "Contract {id} approved",
        "work.done.claim_confirmed": "Payment claim {id} confirmed",
        "work.done.claim_rejected": "Payment claim {id} rejected",
        "work.done.contract_rejected": "Contract {id} rejected",
    },
})


def item_href(item: WorkItem) -> str:
    """The page of what ``item`` is about, relative to the app pages (``contracts.ipynb?item=K001``)."""
    if item.kind == "finding":
        return "findings.ipynb?" + urlencode({"item": item.entity_id})
    if item.kind == "claim":
        return "reconciliation.ipynb?" + urlencode({"item": item.entity_id})
    return f"{item_app(item.entity_type)}.ipynb?" + urlencode({"item": item.entity_id})


class MyWork(AppWidget):
    """我的待办: the signed-in person's to-dos, approvals, claim reviews, escalations and findings.

    Each card has its action: a to-do is marked done (:func:`salesnb.tasks.close_task`), a contract approved or
    rejected with a reason (:mod:`salesnb.contracts`), a payment claim confirmed or rejected (finance).  Public state:
    ``items`` (the ``kind:id`` keys shown, in order), ``selected`` (the key a link opened) and ``count``.
    """

    items = List(help="The kind:id keys of the items shown, in order.")
    selected = Unicode("", help="The item a link opened (kind:id), highlighted; empty for none.")
    count = Int(0, help="How many items wait.")

    title_key = "work.title"
    subtitle_key = "work.subtitle"

    def __init__(self, engine, **kwargs):
        super().__init__(engine, **kwargs)
        self.add_class("snb-work-app")
        self.work: list[WorkItem] = []
        self.cards: dict[str, widgets.VBox] = {}
        self.buttons: dict[str, dict[str, widgets.Widget]] = {}
        self.summary = widgets.HTML("")
        self.summary.add_class("snb-work-summary")
        self.list = widgets.VBox()
        self.list.add_class("snb-work")
        self.body.children = [self.summary, self.list]
        self.safely(self.refresh)()

    # -------------------------------------------------------------- data

    def refresh(self) -> None:
        """Re-read what waits for the person and draw one card per item, grouped by kind."""
        self.work = my_work(self.engine, self.actor)
        self.items = [item.key for item in self.work]
        self.count = len(self.work)
        self.summary.value = html.tag("div", t("work.summary", n=self.count) if self.work else t("work.empty"),
                                      cls="snb-muted" if self.work else "snb-empty")
        self.cards, self.buttons = {}, {}
        children: list[widgets.Widget] = []
        for kind in KINDS:
            group = [item for item in self.work if item.kind == kind]
            if not group:
                continue
            heading = widgets.HTML(html.tag("div", t(f"work.section.{kind}", n=len(group)), cls="snb-section-title"))
            children.append(heading)
            children.extend(self._card(item) for item in group)
        self.list.children = children
        if self.selected and self.selected in self.cards:
            self.cards[self.selected].add_class("snb-work-selected")

    def _card(self, item: WorkItem) -> widgets.VBox:
        link = html.tag("a", entity_label(item.entity_type, item.entity_id), href=item_href(item), cls="snb-work-link",
                        target="_top")
        meta = [t("work.since", when=html.display(item.since))] if item.since else []
        if item.amount is not None:
            meta.append(t("work.amount", amount=html.display(item.amount)))
        if item.kind == "claim":
            meta.append(t("work.owner", name=item.detail))
        if item.kind == "escalation":
            meta.append(t(f"work.escalation.{item.detail}", level=item.severity))
        if item.kind == "finding" and item.severity:
            meta.append(t(f"severity.{item.severity}"))
        head = widgets.HTML(html.raw_tag("div", link + html.tag("div", item.title, cls="snb-work-title")
                                         + html.tag("div", " · ".join(meta), cls="snb-muted"), cls="snb-work-text"))
        actions = self._actions(item)
        bar = widgets.HBox(list(actions.values()))
        bar.add_class("snb-work-actions")
        card = widgets.VBox([head, bar] if actions else [head])
        card.add_class("snb-work-card")
        card.add_class(f"snb-work-{item.kind}")
        self.cards[item.key] = card
        self.buttons[item.key] = actions
        return card

    def _actions(self, item: WorkItem) -> dict[str, widgets.Widget]:
        actions: dict[str, widgets.Widget] = {}

        def reason(into: dict[str, widgets.Widget]) -> None:
            box = widgets.Text(placeholder=t("work.reason"), layout=widgets.Layout(width="auto"))
            box.add_class("snb-work-reason")
            into["reason"] = box

        def button(name: str, text: str, style: str, fn) -> None:
            b = widgets.Button(description=text, button_style=style, layout=widgets.Layout(width="auto"))
            b.add_class(f"snb-work-{name}")
            self.on_click(b, lambda: fn(item))
            actions[name] = b

        if item.kind == "task" and allowed(self.actor, "task.close", item.owner_id):
            button("done", t("work.done"), "success", self.done)
        elif item.kind == "contract" and allowed(self.actor, "contract.approve", item.owner_id):
            button("approve", t("work.approve"), "success", self.approve)
            if allowed(self.actor, "contract.reject", item.owner_id):
                reason(actions)
                button("reject", t("work.reject"), "danger", self.reject)
        elif item.kind == "claim" and allowed(self.actor, "claim.review"):
            button("confirm", t("work.confirm"), "success", self.confirm)
            reason(actions)
            button("reject", t("work.reject"), "danger", self.reject)
        return actions

    # -------------------------------------------------------------- actions

    def open_item(self, item_id: str) -> None:
        """Highlight the item a link names (``?item=`` a to-do, contract, claim or record id)."""
        hits = [i for i in self.work if i.item_id == item_id] or [i for i in self.work if i.entity_id == item_id]
        if hits:
            self.selected = hits[0].key
            self.cards[hits[0].key].add_class("snb-work-selected")

    def done(self, item: WorkItem) -> None:
        """Mark to-do ``item`` done."""
        with session_scope(self.engine) as session:
            close_task(session, item.item_id, actor=self.actor, at=self.as_of())
        self.refresh()
        self.show_notice(t("work.done.task", id=item.item_id))

    def approve(self, item: WorkItem) -> None:
        """Approve contract ``item``."""
        with session_scope(self.engine) as session:
            approve(session, item.item_id, actor=self.actor, at=self.as_of())
        self.refresh()
        self.show_notice(t("work.done.contract", id=item.item_id))

    def confirm(self, item: WorkItem) -> None:
        """Confirm payment claim ``item``: its amount is applied to the invoice."""
        with session_scope(self.engine) as session:
            confirm_claim(session, item.item_id, actor=self.actor, at=self.as_of())
        self.refresh()
        self.show_notice(t("work.done.claim_confirmed", id=item.item_id))

    def reject(self, item: WorkItem) -> None:
        """Reject contract or payment claim ``item`` with the reason typed on its card."""
        reason = self.buttons[item.key]["reason"].value.strip()
        if not reason:
            raise SalesnbError("work.reason_required")
        with session_scope(self.engine) as session:
            if item.kind == "contract":
                reject(session, item.item_id, actor=self.actor, at=self.as_of(), reason=reason)
            else:
                reject_claim(session, item.item_id, actor=self.actor, at=self.as_of(), reason=reason)
        self.refresh()
        key = "work.done.contract_rejected" if item.kind == "contract" else "work.done.claim_rejected"
        self.show_notice(t(key, id=item.item_id), tone="info")
