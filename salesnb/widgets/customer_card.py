"""CustomerCard (客户问答速查卡): type part of a name, pick a suggestion, see the customer's card."""

from __future__ import annotations

import ipywidgets as widgets
from traitlets import List, Unicode

from ..auth import allowed, scope_of
from ..customers import (
    CustomerCardData,
    StageIssue,
    customer_card,
    customer_owner,
    last_contact,
    search_customers,
)
from ..db import session_scope
from ..errors import SalesnbError
from ..i18n import register, t
from ..interactions import add_interaction
from . import html
from .base import AppWidget, customer_option, label, row, show_suggestions

register({
    "zh-CN": {
        "card.title": "客户问答速查卡",
        "card.subtitle": "输入客户名称的一部分（支持拼音和首字母，如 “huadian” 或 “hd”），从下拉建议中选择客户。",
        "card.search": "查找客户",
        "card.placeholder": "客户名称 / 拼音 / 首字母 / 客户编号",
        "card.no_match": "没有找到匹配的客户",
        "card.unknown": "客户 {id} 不存在（可能已被删除）",
        "card.pick": "请从上面的列表中选择一个客户",
        "card.customer_id": "客户编号", "card.region": "区域", "card.industry": "行业",
        "card.owner": "负责人", "card.last_contact": "最近沟通",
        "card.questions": "客户问过的技术问题（{n}）",
        "card.materials": "已发送的资料（{n}）",
        "card.engineers": "对接过的工程师（{n}）",
        "card.issues": "七个环节的未结事项（{n}）",
        "card.no_questions": "还没有沟通记录",
        "card.no_materials": "还没有发送过资料",
        "card.no_engineers": "还没有工程师参与",
        "card.no_issues": "无",
        "card.col.at": "时间", "card.col.channel": "渠道", "card.col.question": "问题",
        "card.col.materials": "已发资料", "card.col.engineer": "工程师",
        "card.engineer_times": "{name}（{n} 次）",
        "card.qa.title": "新增问答记录",
        "card.qa.channel": "渠道", "card.qa.question": "客户问题", "card.qa.materials": "已发资料",
        "card.qa.engineer": "对接工程师",
        "card.qa.question.placeholder": "客户问了什么技术问题",
        "card.qa.materials.placeholder": "发送的资料，多份用顿号分隔",
        "card.qa.add": "添加记录",
        "card.qa.added": "已为 {name} 添加问答记录 {id}",
        "card.qa.channels": "电话,微信,企业微信,钉钉,邮件,拜访,展会,其他",
        "issue.finding": "{entity} {id}：{message}",
        "issue.lead_no_response": "线索 {id} 尚未首次响应",
        "issue.scorecard_incomplete": "线索 {id} 的意向评分卡未填完整",
        "issue.quote_pending": "报价 {id} 等待客户确认",
        "issue.quote_not_ordered": "报价 {id} 已被接受，但 ERP 中没有订单",
        "issue.contract_pending_approval": "合同 {id} 待审批",
        "issue.contract_frozen": "合同 {id} 审批被熔断冻结",
        "issue.order_open": "订单 {id} 尚未发货",
        "issue.shipped_no_tracking": "订单 {id} 已发货但没有物流单号",
        "issue.invoice_unpaid": "发票 {id} 未回款 {outstanding} 元",
        "issue.claim_in_review": "回款申请 {id} 等待财务审核",
    },
    "en": {
        "card.title": "Customer Q&A card",
        "card.subtitle": "Type part of a customer's name (pinyin and initials work too, e.g. “huadian” or “hd”) and pick a suggestion.",
        "card.search": "Find customer",
        "card.placeholder": "Name / pinyin / initials / customer id",
        "card.no_match": "No matching customer",
        "card.unknown": "Customer {id} does not exist (it may have been deleted)",
        "card.pick": "Pick a customer from the list above",
        "card.customer_id": "Customer id", "card.region": "Region", "card.industry": "Industry",
        "card.owner": "Owner", "card.last_contact": "Last contact",
        "card.questions": "Technical questions asked ({n})",
        "card.materials": "Material sent ({n})",
        "card.engineers": "Engineers involved ({n})",
        "card.issues": "Open issues across the seven stages ({n})",
        "card.no_questions": "No interactions yet",
        "card.no_materials": "No material sent yet",
        "card.no_engineers": "No engineer involved yet",
        "card.no_issues": "None",
        "card.col.at": "When", "card.col.channel": "Channel", "card.col.question": "Question",
        "card.col.materials": "Material sent", "card.col.engineer": "Engineer",
        "card.engineer_times": "{name} ({n} times)",
        "card.qa.title": "Add a Q&A record",
        "card.qa.channel": "Channel", "card.qa.question": "Question", "card.qa.materials": "Material sent",
        "card.qa.engineer": "Engineer",
        "card.qa.question.placeholder": "What the customer asked",
        "card.qa.materials.placeholder": "Material sent, several separated by 、",
        "card.qa.add": "Add record",
        "card.qa.added": "Q&A record {id} added for {name}",
        "card.qa.channels": "Phone,WeChat,WeCom,DingTalk,E-mail,Visit,Trade fair,Other",
        "issue.finding": "{entity} {id}: {message}",
        "issue.lead_no_response": "Lead {id} has no first response yet",
        "issue.scorecard_incomplete": "Lead {id} has an incomplete scorecard",
        "issue.quote_pending": "Quote {id} waits for the customer",
        "issue.quote_not_ordered": "Quote {id} was accepted but has no ERP order",
        "issue.contract_pending_approval": "Contract {id} waits for approval",
        "issue.contract_frozen": "Contract {id} is frozen by the delivery check",
        "issue.order_open": "Order {id} is not shipped yet",
        "issue.shipped_no_tracking": "Order {id} is shipped without a tracking number",
        "issue.invoice_unpaid": "Invoice {id} has {outstanding} outstanding",
        "issue.claim_in_review": "Payment claim {id} waits for finance review",
    },
})


def issue_text(issue: StageIssue) -> str:
    """The sentence for one open issue (plain text; the caller escapes it)."""
    values = {k: html.display(v) for k, v in issue.detail.items()}
    if issue.kind == "finding":
        message = values.get("message") or values.get("check", "")
        if issue.entity_id in message:
            return message
        return t("issue.finding", entity=t(f"entity.{issue.entity_type}"), id=issue.entity_id, message=message)
    return t(f"issue.{issue.kind}", id=issue.entity_id, **values)


class CustomerCard(AppWidget):
    """客户问答速查卡: search box with suggestions, then the customer's questions, material, engineers and open issues.

    Public state: ``query`` (the text typed), ``suggestions`` (list of
    ``[label, customer_id]``), ``customer_id`` (the customer shown).
    """

    query = Unicode("", help="Text typed in the search box.")
    suggestions = List(help="[[label, customer_id], ...] matching the query, best first.")
    customer_id = Unicode("", help="The customer whose card is shown; empty for none.")

    title_key = "card.title"
    subtitle_key = "card.subtitle"

    def __init__(self, engine, *, limit: int = 10, **kwargs):
        super().__init__(engine, **kwargs)
        self.limit = limit
        self.card: CustomerCardData | None = None
        self.search_box = widgets.Text(placeholder=t("card.placeholder"), continuous_update=True,
                                       layout=widgets.Layout(width="420px"))
        self.search_box.add_class("snb-search")
        self.picker = widgets.Select(options=[], rows=6, layout=widgets.Layout(width="420px", display="none"))
        self.picker.add_class("snb-suggestions")
        self.hint = widgets.HTML(html.tag("div", t("card.pick"), cls="snb-muted"))
        self.card_view = widgets.HTML("")
        self.card_view.add_class("snb-card-view")
        self.qa_form = self._qa_form()
        self.body.children = [
            row(label(t("card.search")), widgets.VBox([self.search_box, self.picker, self.hint])),
            self.card_view,
            self.qa_form,
        ]
        widgets.link((self.search_box, "value"), (self, "query"))
        self.on_change(self, self._search, names="query")
        self.on_change(self.picker, self._picked)
        self.on_change(self, self._show, names="customer_id")

    # -------------------------------------------------------------- behaviour

    def _search(self, text: str) -> None:
        hits = search_customers(self.engine, text, limit=self.limit, scope=scope_of(self.actor)) if text.strip() else []
        self.suggestions = [[customer_option(h.name, h.region, h.customer_id), h.customer_id] for h in hits]
        show_suggestions(self.picker, [tuple(pair) for pair in self.suggestions])
        if text.strip() and not hits:
            self.hint.value = html.tag("div", t("card.no_match"), cls="snb-muted")
        else:
            self.hint.value = html.tag("div", t("card.pick"), cls="snb-muted") if hits else ""

    def _picked(self, customer_id: str | None) -> None:
        if customer_id:
            self.customer_id = customer_id

    def select(self, customer_id: str) -> None:
        """Show the card of ``customer_id`` (as if picked from the suggestions)."""
        self.customer_id = customer_id

    def open_item(self, item_id: str) -> None:
        """Show customer ``item_id`` (a link's ``?item=``); one the person does not see reads as unknown."""
        self.safely(self.select)(item_id)

    def _show(self, customer_id: str) -> None:
        self.qa_form.layout.display = "none"
        if not customer_id:
            self.card, self.card_view.value = None, ""
            return
        try:
            self.card = customer_card(self.engine, customer_id, scope=scope_of(self.actor))
        except KeyError:
            raise SalesnbError(t("card.unknown", id=customer_id)) from None
        self.hint.value = ""
        self.card_view.value = render_card(self.card)
        self.qa_form.layout.display = "" if allowed(self.actor, "interaction.add",
                                                    customer_owner(self.engine, customer_id)) else "none"

    # -------------------------------------------------------------- Q&A records

    def _qa_form(self) -> widgets.VBox:
        channels = [c for c in t("card.qa.channels").split(",") if c]
        self.qa_channel = widgets.Dropdown(options=channels, value=channels[0], layout=widgets.Layout(width="160px"))
        self.qa_channel.add_class("snb-qa-channel")
        self.qa_question = widgets.Textarea(placeholder=t("card.qa.question.placeholder"),
                                            layout=widgets.Layout(width="420px", height="60px"))
        self.qa_question.add_class("snb-qa-question")
        self.qa_materials = widgets.Text(placeholder=t("card.qa.materials.placeholder"),
                                         layout=widgets.Layout(width="420px"))
        self.qa_materials.add_class("snb-qa-materials")
        self.qa_engineer = widgets.Text(layout=widgets.Layout(width="220px"))
        self.qa_engineer.add_class("snb-qa-engineer")
        self.qa_button = widgets.Button(description=t("card.qa.add"), button_style="primary",
                                        layout=widgets.Layout(width="auto"))
        self.qa_button.add_class("snb-qa-add")
        self.on_click(self.qa_button, self.add_record)
        box = widgets.VBox([
            widgets.HTML(html.tag("div", t("card.qa.title"), cls="snb-section-title")),
            row(label(t("card.qa.channel")), self.qa_channel),
            row(label(t("card.qa.question")), self.qa_question),
            row(label(t("card.qa.materials")), self.qa_materials),
            row(label(t("card.qa.engineer")), self.qa_engineer),
            row(self.qa_button, cls="snb-toolbar"),
        ], layout=widgets.Layout(display="none"))
        box.add_class("snb-card")
        box.add_class("snb-qa-form")
        return box

    def add_record(self) -> None:
        """Add the Q&A typed in the form to the customer shown; the card is read again and shows it."""
        customer_id = self.customer_id
        with session_scope(self.engine) as session:
            row_ = add_interaction(session, customer_id, question=self.qa_question.value,
                                   materials=self.qa_materials.value, engineer=self.qa_engineer.value,
                                   channel=self.qa_channel.value, at=self.as_of(), actor=self.actor)
            new_id = row_.interaction_id
        self.qa_question.value = self.qa_materials.value = self.qa_engineer.value = ""
        self._show(customer_id)
        self.show_notice(t("card.qa.added", name=self.card.name, id=new_id))


def render_card(card: CustomerCardData) -> str:
    """The card as HTML; every value from the data is escaped."""
    contact = last_contact(card)
    head = html.raw_tag("div", html.tag("h3", card.name, cls="snb-customer-name") + html.fields([
        (t("card.customer_id"), card.customer_id),
        (t("card.region"), card.region),
        (t("card.industry"), card.industry),
        (t("card.owner"), card.owner),
        (t("card.last_contact"), contact),
    ], inline=True), cls="snb-card")
    rows = [(i["at"], i["channel"], i["question"], i["materials"], i["engineer"]) for i in card.interactions]
    questions = html.table(rows, [t("card.col.at"), t("card.col.channel"), t("card.col.question"),
                                  t("card.col.materials"), t("card.col.engineer")], empty=t("card.no_questions"))
    materials = html.items(card.materials, empty=t("card.no_materials"))
    engineers = html.items((t("card.engineer_times", name=name, n=n) for name, n in card.engineers),
                           empty=t("card.no_engineers"))
    stages = []
    for stage, issues in card.issues_by_stage().items():
        inner = html.tag("b", t(f"stage.{stage}"))
        inner += html.items(issue_text(i) for i in issues) if issues else html.tag("span", t("card.no_issues"), cls="snb-muted")
        stages.append(html.raw_tag("div", inner, cls="snb-stage snb-has-issues" if issues else "snb-stage",
                                   data_stage=stage))
    section = lambda key, n, inner: html.raw_tag(
        "div", html.tag("div", t(key, n=n), cls="snb-section-title") + inner, cls="snb-card")
    return "".join([
        head,
        section("card.issues", len(card.issues), html.raw_tag("div", "".join(stages), cls="snb-stages")),
        section("card.questions", len(card.interactions), questions),
        html.raw_tag("div", section("card.materials", len(card.materials), materials)
                     + section("card.engineers", len(card.engineers), engineers), cls="snb-two-col"),
    ])

