"""MyWork (我的待办): what waits for the signed-in person, each with its action; made for a phone's width too.

A manager (anyone who hands out work) also sees their team's open to-dos, a page at a time, and reassigns them.
"""

from __future__ import annotations

from urllib.parse import urlencode

import ipywidgets as widgets
from ipywidgets.widgets.widget_description import DescriptionStyle
from ipywidgets.widgets.widget_string import HTMLStyle, TextStyle
from traitlets import Int, List, Unicode

from ..auth import allowed
from ..contracts import approve, reject
from ..db import session_scope
from ..errors import SalesnbError
from ..i18n import register, t
from ..links import item_app
from ..receivables import confirm_claim, reject_claim
from ..tasks import add_task_note, close_task, reassign_task
from ..work import KINDS, TeamPage, WorkItem, hands_out_work, my_work, reassign_targets, team_work
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
        "work.note.placeholder": "写一条备注（进展、等待什么）",
        "work.note.add": "添加备注",
        "work.note.line": "{when} {who}：{text}",
        "work.done.note": "已给待办 {id} 添加备注",
        "work.team.title": "我团队的待办（{n}）",
        "work.team.empty": "团队里没有未完成的待办",
        "work.team.range": "第 {first}–{last} 项，共 {n} 项",
        "work.team.previous": "上一页",
        "work.more": "再显示 {more} 项（本类还有 {left} 项）",
        "work.team.next": "下一页",
        "work.holder": "处理人 {name}",
        "work.holder.none": "未指派",
        "work.reassign": "转派",
        "work.reassign.to": "转派给…",
        "work.reassign.pick": "请先选择转派给谁",
        "work.done.reassigned": "待办 {id} 已转派给 {name}",
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
        "work.note.placeholder": "Write a note (progress, what you are waiting for)",
        "work.note.add": "Add note",
        "work.note.line": "{when} {who}: {text}",
        "work.done.note": "Note added to to-do {id}",
        "work.team.title": "My team's to-dos ({n})",
        "work.team.empty": "No open to-dos in your team",
        "work.team.range": "{first}–{last} of {n}",
        "work.team.previous": "Previous",
        "work.more": "Show {more} more ({left} more of this kind)",
        "work.team.next": "Next",
        "work.holder": "held by {name}",
        "work.holder.none": "unassigned",
        "work.reassign": "Reassign",
        "work.reassign.to": "Reassign to…",
        "work.reassign.pick": "Please choose who gets the to-do first",
        "work.done.reassigned": "To-do {id} reassigned to {name}",
    },
})


def item_href(item: WorkItem) -> str:
    """The page of what ``item`` is about, relative to the app pages (``contracts.ipynb?item=K001``)."""
    if item.kind == "finding":
        return "findings.ipynb?" + urlencode({"item": item.entity_id})
    if item.kind == "claim":
        return "reconciliation.ipynb?" + urlencode({"item": item.entity_id})
    return f"{item_app(item.entity_type)}.ipynb?" + urlencode({"item": item.entity_id})


SECTION_SIZE = 20  # cards drawn per kind before "show more"


class Looks:
    """The layout and style models every card shares.

    An ipywidget made without them gets a layout (and a style) model of its own, and the page loads each
    model over the kernel's comm: a director's page of ≈ 1,000 widgets carried ≈ 2,400 models.  The cards
    never change a layout or style, so one of each kind serves them all.
    """

    def __init__(self) -> None:
        self.box = widgets.Layout()
        self.auto = widgets.Layout(width="auto")
        self.note = widgets.Layout(width="300px")
        self.html = HTMLStyle()
        self.button = widgets.ButtonStyle()
        self.text = TextStyle()
        self.pick = DescriptionStyle()


class MyWork(AppWidget):
    """我的待办: the signed-in person's to-dos, approvals, claim reviews, escalations and findings.

    Each card has its action: a to-do is marked done (:func:`salesnb.tasks.close_task`) or given a note
    (:func:`~salesnb.tasks.add_task_note`), a contract approved or rejected with a reason
    (:mod:`salesnb.contracts`), a payment claim confirmed or rejected (finance).  A person who hands out work also
    has 我团队的待办: their people's open to-dos, ``team_size`` a page, each with a note and 转派
    (:func:`~salesnb.tasks.reassign_task`).  Public state: ``items`` (the ``kind:id`` keys shown, in order),
    ``team_items`` (``team:task_id`` keys of the team page), ``team_total``, ``team_offset``, ``selected`` (the
    key a link opened) and ``count``.
    """

    items = List(help="The kind:id keys of the items shown, in order.")
    team_items = List(help="The team:task_id keys of the team's to-dos on this page, in order.")
    team_total = Int(0, help="How many open to-dos the team has (counted as far as work.COUNT_AHEAD past the page).")
    team_offset = Int(0, help="Where the team page starts.")
    selected = Unicode("", help="The item a link opened (kind:id), highlighted; empty for none.")
    count = Int(0, help="How many items wait.")

    title_key = "work.title"
    subtitle_key = "work.subtitle"

    def __init__(self, engine, *, team_size: int = 20, section_size: int = SECTION_SIZE, **kwargs):
        super().__init__(engine, **kwargs)
        self.add_class("snb-work-app")
        self.team_size = team_size
        self.section_size = section_size
        self.shown: dict[str, int] = {}  # kind → cards drawn (a section grows by "show more")
        self.work: list[WorkItem] = []
        self.team: TeamPage | None = None
        self.targets: list[tuple[str, str]] = []
        self.looks = Looks()
        self.cards: dict[str, widgets.VBox] = {}
        self.buttons: dict[str, dict[str, widgets.Widget]] = {}
        self.summary = widgets.HTML("")
        self.summary.add_class("snb-work-summary")
        self.list = widgets.VBox()
        self.list.add_class("snb-work")
        self.team_box = widgets.VBox()
        self.team_box.add_class("snb-work-team")
        self.previous_button = widgets.Button(description=t("work.team.previous"), icon="chevron-left")
        self.previous_button.add_class("snb-work-previous")
        self.next_button = widgets.Button(description=t("work.team.next"), icon="chevron-right")
        self.next_button.add_class("snb-work-next")
        self.on_click(self.previous_button, lambda: self.team_page(self.team_offset - self.team_size))
        self.on_click(self.next_button, lambda: self.team_page(self.team_offset + self.team_size))
        self.body.children = [self.summary, self.list, self.team_box]
        self.safely(self.refresh)()

    # -------------------------------------------------------------- data

    def refresh(self) -> None:
        """Re-read what waits for the person and draw one card per item, grouped by kind."""
        self.work = my_work(self.engine, self.actor)
        self.items = [item.key for item in self.work]
        self.count = len(self.work)
        self.summary.value = html.tag("div", t("work.summary", n=self.count) if self.work else t("work.empty"),
                                      cls="snb-muted" if self.work else "snb-empty")
        self._draw_list()
        self._draw_team()
        self._mark_selected()

    def _draw_list(self) -> None:
        """The person's items by kind, each section's first cards (a page stays a few hundred widgets)."""
        self.cards = {k: v for k, v in self.cards.items() if k.startswith("team:")}
        self.buttons = {k: v for k, v in self.buttons.items() if k.startswith("team:")}
        selected_kind = self.selected.split(":", 1)[0] if self.selected else ""
        children: list[widgets.Widget] = []
        for kind in KINDS:
            group = [item for item in self.work if item.kind == kind]
            if not group:
                continue
            heading = widgets.HTML(html.tag("div", t(f"work.section.{kind}", n=len(group)), cls="snb-section-title"))
            children.append(heading)
            limit = self.shown.get(kind, self.section_size)
            if kind == selected_kind:  # a link opened this item: draw down to it
                keys = [item.key for item in group]
                limit = max(limit, keys.index(self.selected) + 1 if self.selected in keys else 0)
            children.extend(self._card(item) for item in group[:limit])
            if len(group) > limit:
                more = widgets.Button(description=t("work.more", more=min(self.section_size, len(group) - limit),
                                                    left=len(group) - limit))
                more.add_class("snb-work-more")
                more.add_class(f"snb-work-more-{kind}")
                self.on_click(more, lambda kind=kind, limit=limit: self.show_more(kind, limit))
                children.append(more)
        self.list.children = children

    def _mark_selected(self) -> None:
        if self.selected and self.selected in self.cards:
            self.cards[self.selected].add_class("snb-work-selected")

    def show_more(self, kind: str, shown: int) -> None:
        """Draw ``section_size`` more cards of ``kind`` (after the ``shown`` drawn)."""
        self.shown[kind] = shown + self.section_size
        self._draw_list()
        self._mark_selected()

    def _draw_team(self) -> None:
        if not hands_out_work(self.actor):
            self.team_box.children = []
            return
        for key in [k for k in self.cards if k.startswith("team:")]:  # the page shown before
            del self.cards[key], self.buttons[key]
        self.team = team_work(self.engine, self.actor, offset=self.team_offset, limit=self.team_size)
        if self.team.offset and not self.team.items:  # the last page emptied: show the new last one
            last_page = max(0, (self.team.total - 1) // self.team_size * self.team_size)
            self.team = team_work(self.engine, self.actor, offset=last_page, limit=self.team_size)
        self.team_offset, self.team_total = self.team.offset, self.team.total
        self.targets = reassign_targets(self.engine, self.actor) if self.team.items else []
        self.team_items = [f"team:{item.item_id}" for item in self.team.items]
        total = f"{self.team.total:,}+" if self.team.more else f"{self.team.total:,}"
        heading = widgets.HTML(html.tag("div", t("work.team.title", n=total), cls="snb-section-title"))
        if not self.team.items:
            empty = widgets.HTML(html.tag("div", t("work.team.empty"), cls="snb-muted"))
            self.team_box.children = [heading, empty]
            return
        cards = [self._card(item, team=True) for item in self.team.items]
        first, last = self.team.offset + 1, self.team.offset + len(self.team.items)
        self.previous_button.disabled = not self.team.has_previous
        self.next_button.disabled = not self.team.has_next
        pager = widgets.HBox([self.previous_button,
                              widgets.HTML(html.tag("span", t("work.team.range", first=first, last=last,
                                                                n=total), cls="snb-muted")),
                              self.next_button])
        pager.add_class("snb-work-pager")
        self.team_box.children = [heading, *cards, pager]

    def team_page(self, offset: int) -> None:
        """Show the team's to-dos from ``offset`` (clamped to the list)."""
        self.team_offset = max(0, offset)
        self._draw_team()

    def _card(self, item: WorkItem, team: bool = False) -> widgets.VBox:
        key = f"team:{item.item_id}" if team else item.key
        link = html.tag("a", entity_label(item.entity_type, item.entity_id), href=item_href(item), cls="snb-work-link",
                        target="_top")
        meta = [t("work.since", when=html.display(item.since))] if item.since else []
        if team:
            meta.append(t("work.holder", name=item.owner_name or item.owner_id) if item.owner_id
                        else t("work.holder.none"))
        if item.amount is not None:
            meta.append(t("work.amount", amount=html.display(item.amount)))
        if item.kind == "claim":
            meta.append(t("work.owner", name=item.detail))
        if item.kind == "escalation":
            meta.append(t(f"work.escalation.{item.detail}", level=item.severity))
        if item.kind == "finding" and item.severity:
            meta.append(t(f"severity.{item.severity}"))
        notes = "".join(html.tag("div", t("work.note.line", when=html.display(note.at), who=note.author,
                                          text=note.text), cls="snb-work-note-line") for note in item.notes)
        looks = self.looks
        head = widgets.HTML(html.raw_tag("div", link + html.tag("div", item.title, cls="snb-work-title")
                                         + html.tag("div", " · ".join(meta), cls="snb-muted")
                                         + (html.raw_tag("div", notes, cls="snb-work-notes") if notes else ""),
                                         cls="snb-work-text"), layout=looks.box, style=looks.html)
        actions = self._actions(item, team)
        bar = widgets.HBox(list(actions.values()), layout=looks.box)
        bar.add_class("snb-work-actions")
        card = widgets.VBox([head, bar] if actions else [head], layout=looks.box)
        card.add_class("snb-work-card")
        card.add_class("snb-work-team-task" if team else f"snb-work-{item.kind}")
        self.cards[key] = card
        self.buttons[key] = actions
        return card

    def _actions(self, item: WorkItem, team: bool = False) -> dict[str, widgets.Widget]:
        actions: dict[str, widgets.Widget] = {}
        looks = self.looks

        def reason(into: dict[str, widgets.Widget]) -> None:
            box = widgets.Text(placeholder=t("work.reason"), layout=looks.auto, style=looks.text)
            box.add_class("snb-work-reason")
            into["reason"] = box

        def button(name: str, text: str, style: str, fn) -> None:
            b = widgets.Button(description=text, button_style=style, layout=looks.auto, style=looks.button)
            b.add_class(f"snb-work-{name}")
            self.on_click(b, lambda: fn(item))
            actions[name] = b

        def note() -> None:
            box = widgets.Text(placeholder=t("work.note.placeholder"), layout=looks.note, style=looks.text)
            box.add_class("snb-work-note")
            actions["note"] = box
            button("add_note", t("work.note.add"), "", lambda _: self.add_note(item, box.value))

        if team:
            if allowed(self.actor, "task.note", item.owner_id):
                note()
            if allowed(self.actor, "task.reassign", item.owner_id):
                choices = [(f"{name}（{uid}）", uid) for uid, name in self.targets if uid != item.owner_id]
                pick = widgets.Dropdown(options=[(t("work.reassign.to"), "")] + choices, value="",
                                        layout=looks.auto, style=looks.pick)
                pick.add_class("snb-work-reassign-to")
                actions["to"] = pick
                button("reassign", t("work.reassign"), "warning", lambda _: self.reassign(item, pick.value))
        elif item.kind == "task" and allowed(self.actor, "task.close", item.owner_id):
            if allowed(self.actor, "task.note", item.owner_id):
                note()
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
            if self.selected not in self.cards:  # beyond its section's first cards: draw down to it
                self._draw_list()
            self._mark_selected()

    def done(self, item: WorkItem) -> None:
        """Mark to-do ``item`` done."""
        with session_scope(self.engine) as session:
            close_task(session, item.item_id, actor=self.actor, at=self.as_of())
        self.refresh()
        self.show_notice(t("work.done.task", id=item.item_id))

    def add_note(self, item: WorkItem, text: str) -> None:
        """Add note ``text`` (typed on its card) to to-do ``item``."""
        with session_scope(self.engine) as session:
            add_task_note(session, item.item_id, text, actor=self.actor, at=self.as_of())
        self.refresh()
        self.show_notice(t("work.done.note", id=item.item_id))

    def reassign(self, item: WorkItem, to_user: str) -> None:
        """Hand team to-do ``item`` to ``to_user`` (chosen on its card)."""
        if not to_user:
            raise SalesnbError("work.reassign.pick")
        name = dict(self.targets).get(to_user, to_user)
        with session_scope(self.engine) as session:
            reassign_task(session, item.item_id, to_user, actor=self.actor, at=self.as_of())
        self.refresh()
        self.show_notice(t("work.done.reassigned", id=item.item_id, name=name))

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
