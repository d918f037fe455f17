"""ScorecardForm (线索意向评分卡): create or edit a lead with its scorecard; grade and promotion on save."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
from traitlets import Bool, Dict, List, Unicode

from ..auth import scope_of
from ..customers import search_customers
from ..db import session_scope
from ..directory import manager_of, person
from ..errors import SalesnbError
from ..i18n import get_language, register, t
from ..scorecards import (
    DEFAULT_NAME,
    IncompleteScorecard,
    check_answers,
    get_scorecard,
    save_lead,
)
from ..scorecards.leads import lead_snapshot, next_lead_id, search_leads
from ..scorecards.new_lead import save_new_lead
from . import html
from .base import (
    AppWidget,
    customer_option,
    label,
    person_picker,
    row,
    show_suggestions,
)

register({
    "zh-CN": {
        "sc.title": "线索意向评分卡",
        "sc.customer_unknown": "客户 {id} 不存在（可能已被删除）",
        "sc.subtitle": "带 * 的为必填项，填完整才能保存。保存后自动评级：A 级线索会通知主管并进入新品优先体验池。",
        "sc.mode.new": "新建线索", "sc.mode.edit": "修改已有线索",
        "sc.find_lead": "查找线索", "sc.find_lead.placeholder": "线索编号 / 客户名称 / 拼音",
        "sc.no_lead": "没有找到匹配的线索",
        "sc.lead_option": "{lead} · {customer} · {status}{grade}",
        "sc.section.lead": "线索信息", "sc.section.card": "{title}（第 {version} 版）",
        "sc.lead_id": "线索编号", "sc.customer": "客户", "sc.owner": "负责销售", "sc.region": "区域",
        "sc.source": "来源",
        "sc.customer.placeholder": "输入客户名称或拼音查找",
        "sc.customer.chosen": "已选：{name}（{id}）",
        "sc.customer.new": "＋ 新建客户「{name}」",
        "sc.customer.will_create": "将新建客户：{name}（保存线索时创建）",
        "sc.pick": "请选择", "sc.yes": "是", "sc.no": "否",
        "sc.missing": "还需填写：{fields}",
        "sc.complete": "已填写完整，可以保存",
        "sc.save": "保存并评级",
        "sc.grade": "评级结果",
        "sc.grade_line": "线索 {lead} 评为 {grade} 级",
        "sc.previous": "（原为 {grade} 级）",
        "sc.triggered.notify": "已通知主管 {manager}",
        "sc.triggered.pool": "已加入“{pool}”",
        "sc.triggered.already": "已在“{pool}”中，不重复通知",
        "sc.triggered.none": "该评级不触发通知",
        "sc.saved": "线索 {lead} 已保存，评为 {grade} 级",
        "sc.status.open": "跟进中", "sc.status.converted": "已成交", "sc.status.lost": "已丢单",
        "sc.no_manager": "（未设置主管）",
    },
    "en": {
        "sc.title": "Lead scorecard",
        "sc.customer_unknown": "Customer {id} does not exist (it may have been deleted)",
        "sc.subtitle": "Fields marked * are required; the lead can be saved once they are filled in. Saving grades the lead: grade A notifies the manager and joins the priority pool.",
        "sc.mode.new": "New lead", "sc.mode.edit": "Edit a lead",
        "sc.find_lead": "Find lead", "sc.find_lead.placeholder": "Lead id / customer name / pinyin",
        "sc.no_lead": "No matching lead",
        "sc.lead_option": "{lead} · {customer} · {status}{grade}",
        "sc.section.lead": "Lead", "sc.section.card": "{title} (version {version})",
        "sc.lead_id": "Lead id", "sc.customer": "Customer", "sc.owner": "Sales rep", "sc.region": "Region",
        "sc.source": "Source",
        "sc.customer.placeholder": "Type a customer name or pinyin",
        "sc.customer.chosen": "Chosen: {name} ({id})",
        "sc.customer.new": "+ New customer “{name}”",
        "sc.customer.will_create": "New customer: {name} (created when the lead is saved)",
        "sc.pick": "Choose…", "sc.yes": "Yes", "sc.no": "No",
        "sc.missing": "Still required: {fields}",
        "sc.complete": "Complete: ready to save",
        "sc.save": "Save and grade",
        "sc.grade": "Grade",
        "sc.grade_line": "Lead {lead} is grade {grade}",
        "sc.previous": " (was {grade})",
        "sc.triggered.notify": "Manager {manager} notified",
        "sc.triggered.pool": "Added to “{pool}”",
        "sc.triggered.already": "Already in “{pool}”; no second notice",
        "sc.triggered.none": "This grade triggers nothing",
        "sc.saved": "Lead {lead} saved: grade {grade}",
        "sc.status.open": "open", "sc.status.converted": "won", "sc.status.lost": "lost",
        "sc.no_manager": "(no manager set)",
    },
})

SALES_ROLES = ("sales", "sales_manager", "sales_director")
GRADE_TONE = {"A": "good", "B": "info", "C": "neutral"}


class ScorecardForm(AppWidget):
    """线索意向评分卡: the lead's basics and its scorecard; Save stays disabled until the card is complete.

    Public state: ``mode`` (``new`` / ``edit``), ``lead_id``, ``customer_id``,
    ``owner_id``, ``answers`` (field name → value, ``None`` when empty),
    ``missing`` (labels of what is still required), ``can_save``, and after a
    save ``grade`` and ``triggered`` (what the grade set off, as sentences).
    """

    mode = Unicode("new", help="new or edit.")
    lead_id = Unicode("", help="The lead being created or edited.")
    customer_id = Unicode("", help="The lead's customer.")
    new_customer_name = Unicode("", help="A customer to create with the new lead (no customer_id yet).")
    owner_id = Unicode("", help="The lead's sales rep.")
    answers = Dict(help="Scorecard answers by field name (None when empty).")
    missing = List(help="Labels of the required fields still empty.")
    can_save = Bool(False, help="True when every required field is filled in.")
    grade = Unicode("", help="Grade given by the last save.")
    triggered = List(help="What the last save triggered (notifications, pool), as sentences.")

    title_key = "sc.title"
    subtitle_key = "sc.subtitle"

    def __init__(self, engine, *, scorecard: str = DEFAULT_NAME, **kwargs):
        super().__init__(engine, **kwargs)
        self.language = get_language()
        with session_scope(engine) as session:
            self.card = get_scorecard(session, scorecard)
        self.scorecard = scorecard
        self.mode_box = widgets.ToggleButtons(options=[(t("sc.mode.new"), "new"), (t("sc.mode.edit"), "edit")],
                                              value="new")
        self.mode_box.add_class("snb-mode")
        # finding a lead to edit
        self.lead_search = widgets.Text(placeholder=t("sc.find_lead.placeholder"), layout=widgets.Layout(width="360px"))
        self.lead_search.add_class("snb-lead-search")
        self.lead_picker = widgets.Select(options=[], rows=5, layout=widgets.Layout(width="360px", display="none"))
        self.lead_picker.add_class("snb-lead-picker")
        self.lead_hint = widgets.HTML("")
        self.finder = row(label(t("sc.find_lead")), widgets.VBox([self.lead_search, self.lead_picker, self.lead_hint]))
        # the lead's basics
        self.lead_id_box = widgets.Text(layout=widgets.Layout(width="220px"))
        self.lead_id_box.add_class("snb-lead-id")
        self.customer_search = widgets.Text(placeholder=t("sc.customer.placeholder"),
                                            layout=widgets.Layout(width="360px"))
        self.customer_search.add_class("snb-customer-search")
        self.customer_picker = widgets.Select(options=[], rows=4,
                                              layout=widgets.Layout(width="360px", display="none"))
        self.customer_picker.add_class("snb-customer-picker")
        self.customer_chosen = widgets.HTML("")
        self.new_customer_button = widgets.Button(description="", layout=widgets.Layout(width="auto", display="none"))
        self.new_customer_button.add_class("snb-new-customer")
        self.owner_box = person_picker(engine, SALES_ROLES, empty=t("sc.pick"), cls="snb-owner")
        self.region_box = widgets.Text(layout=widgets.Layout(width="220px"))
        self.source_box = widgets.Text(layout=widgets.Layout(width="220px"))
        lead_section = widgets.VBox([
            widgets.HTML(html.tag("div", t("sc.section.lead"), cls="snb-section-title")),
            row(label(t("sc.lead_id"), required=True), self.lead_id_box),
            row(label(t("sc.customer"), required=True),
                widgets.VBox([self.customer_search, self.customer_picker, self.new_customer_button,
                              self.customer_chosen])),
            row(label(t("sc.owner"), required=True), self.owner_box),
            row(label(t("sc.region")), self.region_box),
            row(label(t("sc.source")), self.source_box),
        ])
        lead_section.add_class("snb-card")
        # the scorecard
        self.controls: dict[str, widgets.Widget] = {}
        card_rows = [widgets.HTML(html.tag("div", t("sc.section.card", title=self.card.title(self.language),
                                                     version=self.card.version), cls="snb-section-title"))]
        for f in self.card.fields:
            control = self._control(f)
            control.add_class(f"snb-field-{f.name}")
            self.controls[f.name] = control
            card_rows.append(row(label(f.title(self.language), required=f.required), control))
        card_section = widgets.VBox(card_rows)
        card_section.add_class("snb-card")
        self.status_view = widgets.HTML("")
        self.status_view.add_class("snb-missing")
        self.save_button = widgets.Button(description=t("sc.save"), button_style="primary", disabled=True,
                                          layout=widgets.Layout(width="auto"))
        self.save_button.add_class("snb-save")
        self.result_view = widgets.HTML("")
        self.result_view.add_class("snb-result")
        self.body.children = [self.mode_box, self.finder, lead_section, card_section,
                              row(self.save_button, self.status_view, cls="snb-toolbar"), self.result_view]
        # behaviour
        widgets.link((self.mode_box, "value"), (self, "mode"))
        widgets.link((self.lead_id_box, "value"), (self, "lead_id"))
        widgets.link((self.owner_box, "value"), (self, "owner_id"))
        self.on_change(self, self._switch_mode, names="mode")
        self.on_change(self.lead_search, self._find_leads)
        self.on_change(self.lead_picker, lambda v: self.load(v) if v else None)
        self.on_change(self.customer_search, self._find_customers)
        self.on_change(self.customer_picker, lambda v: self.choose_customer(v) if v else None)
        for control in self.controls.values():
            self.on_change(control, lambda _v: self._update())
        self.on_change(self, lambda _v: self._update(), names=["lead_id", "customer_id", "owner_id",
                                                              "new_customer_name"])
        self.on_click(self.new_customer_button, self.create_new_customer)
        self.on_click(self.save_button, self.save)
        self.safely(self._switch_mode)("new")

    # -------------------------------------------------------------- controls

    def _control(self, f) -> widgets.Widget:
        if f.type == "yes_no":
            return widgets.ToggleButtons(options=[(t("sc.yes"), True), (t("sc.no"), False)], value=None,
                                         style={"button_width": "80px"})
        if f.type == "dropdown":
            # "" stands for "not chosen yet": a Dropdown shows nothing at all for the value None.
            options = [(t("sc.pick"), "")] + [(f.option_label(v, self.language), v) for v, _l in f.options]
            return widgets.Dropdown(options=options, value="", layout=widgets.Layout(width="220px"))
        return widgets.Text(layout=widgets.Layout(width="220px"))

    def set_answer(self, name: str, value: Any) -> None:
        """Fill in scorecard field ``name`` (as if the user did)."""
        control = self.controls[name]
        control.value = "" if value is None and not isinstance(control, widgets.ToggleButtons) else value

    def _answers(self) -> dict[str, Any]:
        return {name: (None if c.value == "" else c.value) for name, c in self.controls.items()}

    def _update(self) -> None:
        self.answers = self._answers()
        missing = [t(f"sc.{key}") for key, value in (("lead_id", self.lead_id.strip()),
                                                     ("customer", self.customer_id or self.new_customer_name),
                                                     ("owner", self.owner_id))
                   if not value]
        try:
            check_answers(self.card, self.answers, self.lead_id or "-", self.language)
            problems: list[str] = []
        except IncompleteScorecard as exc:
            titles = [self.card.field(name).title(self.language) for name in exc.missing]
            missing += titles
            said = {t("scorecard.missing", self.language, label=title) for title in titles}
            problems = [p for p in exc.problems if p not in said]
        self.missing = missing
        self.can_save = not missing and not problems
        self.save_button.disabled = not self.can_save
        if missing:
            self.status_view.value = html.tag("span", t("sc.missing", fields="、".join(missing)), cls="snb-badge snb-warn")
        elif problems:
            self.status_view.value = html.tag("span", "；".join(problems), cls="snb-badge snb-bad")
        else:
            self.status_view.value = html.tag("span", t("sc.complete"), cls="snb-badge snb-good")

    # -------------------------------------------------------------- modes and look-ups

    def _switch_mode(self, mode: str) -> None:
        self.finder.layout.display = "" if mode == "edit" else "none"
        self.lead_id_box.disabled = mode == "edit"
        self.reset()
        if mode == "new":
            self.lead_id = next_lead_id(self.engine, self.as_of())

    def reset(self) -> None:
        """Empty the form (keeps the mode)."""
        with self.hold_trait_notifications():
            self.lead_id = ""
            self.customer_id = ""
            self.new_customer_name = ""
            self.owner_id = ""
            self.customer_search.value = ""
            self.customer_chosen.value = ""
            self.region_box.value = ""
            self.source_box.value = ""
            for name in self.controls:
                self.set_answer(name, None)
        self.grade, self.triggered, self.result_view.value = "", [], ""
        self._update()

    def _find_leads(self, text: str) -> None:
        hits = search_leads(self.engine, text, scope=scope_of(self.actor)) if text.strip() else []
        show_suggestions(self.lead_picker, [
            (t("sc.lead_option", lead=h.lead_id, customer=h.customer_name, status=t(f"sc.status.{h.status}"),
               grade=f" · {h.grade}" if h.grade else ""), h.lead_id) for h in hits])
        self.lead_hint.value = html.tag("div", t("sc.no_lead"), cls="snb-muted") if text.strip() and not hits else ""

    def _find_customers(self, text: str) -> None:
        if self.customer_id and text == self._customer_label:
            return
        if self.customer_id or self.new_customer_name:  # typing again drops the customer chosen before
            self.customer_id = ""
            self.new_customer_name = ""
            self.customer_chosen.value = ""
        hits = search_customers(self.engine, text, scope=scope_of(self.actor)) if text.strip() else []
        show_suggestions(self.customer_picker,
                         [(customer_option(h.name, h.region, h.customer_id), h.customer_id) for h in hits], 5)
        name = " ".join(text.split())
        offer = self.mode == "new" and bool(name) and all(h.name.strip().lower() != name.lower() for h in hits)
        self.new_customer_button.description = t("sc.customer.new", name=name) if offer else ""
        self.new_customer_button.layout.display = "" if offer else "none"

    def create_new_customer(self) -> None:
        """Use the name typed as a new customer, created when the lead is saved (new leads only)."""
        name = " ".join(self.customer_search.value.split())
        if not name or self.mode != "new":
            return
        self.customer_id = ""
        self.new_customer_name = name
        self.customer_picker.layout.display = "none"
        self.new_customer_button.layout.display = "none"
        self.customer_chosen.value = html.tag("span", t("sc.customer.will_create", name=name), cls="snb-muted")

    _customer_label = ""

    def choose_customer(self, customer_id: str) -> None:
        """Set the lead's customer (and its region when the region is still empty)."""
        hits = [h for h in search_customers(self.engine, customer_id, limit=50, scope=scope_of(self.actor))
                if h.customer_id == customer_id]
        if not hits:
            raise SalesnbError("sc.customer_unknown", id=customer_id)
        hit = hits[0]
        self._customer_label = hit.name
        self.new_customer_name = ""
        self.new_customer_button.layout.display = "none"
        self.customer_id = hit.customer_id
        self.customer_search.value = hit.name
        self.customer_picker.layout.display = "none"
        self.customer_chosen.value = html.tag("span", t("sc.customer.chosen", name=hit.name, id=hit.customer_id),
                                              cls="snb-muted")
        if not self.region_box.value and hit.region:
            self.region_box.value = hit.region

    def open_item(self, item_id: str) -> None:
        """Open lead ``item_id`` (a link's ``?item=``) for editing."""
        self.safely(self.load)(item_id)

    def load(self, lead_id: str) -> None:
        """Fill the form with lead ``lead_id`` (edit mode)."""
        try:
            data = lead_snapshot(self.engine, lead_id, scope=scope_of(self.actor))
        except KeyError:
            raise SalesnbError(t("sc.no_lead")) from None
        if self.mode != "edit":
            self.mode = "edit"
        with self.hold_trait_notifications():
            self.lead_id = lead_id
            self._customer_label = str(data["customer_name"])
            self.customer_id = str(data["customer_id"])
            self.customer_search.value = self._customer_label
            self.customer_chosen.value = html.tag("span", t("sc.customer.chosen", name=data["customer_name"],
                                                            id=data["customer_id"]), cls="snb-muted")
            self.customer_picker.layout.display = "none"
            self.owner_id = str(data["owner_id"]) if data["owner_id"] in [v for _l, v in self.owner_box.options] else ""
            self.region_box.value = str(data.get("region") or "")
            self.source_box.value = str(data.get("source") or "")
            for f in self.card.fields:
                value = data.get(f.column or f.name)
                if f.type == "dropdown" and value is not None:
                    value = next((v for v, _l in f.options if v == value or str(v) == str(value)
                                  or (isinstance(v, (int, float)) and isinstance(value, (int, float))
                                      and float(v) == float(value))), None)
                if f.type == "number" and value is not None:
                    value = html.display(value)
                self.set_answer(f.name, value)
        self.grade = str(data.get("grade") or "")
        self.triggered, self.result_view.value = [], ""
        self._update()

    # -------------------------------------------------------------- saving

    def save(self) -> None:
        """Save the lead with its scorecard (refused by the library when incomplete); show grade and effects."""
        self._update()
        lead = {"lead_id": self.lead_id.strip(), "customer_id": self.customer_id, "owner_id": self.owner_id,
                "region": self.region_box.value.strip() or None, "source": self.source_box.value.strip() or None}
        if self.mode == "new":
            lead["created_at"] = self.as_of()
        with session_scope(self.engine) as session:
            if self.mode == "new":  # a new customer too when one was typed; the first-response clock starts
                new_customer = None
                if self.new_customer_name and not self.customer_id:
                    lead.pop("customer_id")
                    new_customer = {"name": self.new_customer_name, "region": lead["region"]}
                result = save_new_lead(session, lead, self.answers, self.actor, new_customer=new_customer,
                                       scorecard=self.scorecard, at=self.as_of(), language=self.language)
            else:
                result = save_lead(session, lead, self.answers, self.actor, scorecard=self.scorecard,
                                   at=self.as_of(), language=self.language)
        if self.mode == "new":  # reload as the saved lead first: the result is then shown once, not cleared
            self.lead_id_box.disabled = True
            self.mode_box.value = "edit"
            self.load(result.lead_id)
        self.grade, self.triggered = result.grade, self._effects(result)
        self.result_view.value = self._result_html(result)
        self.show_notice(t("sc.saved", lead=result.lead_id, grade=result.grade))

    def _effects(self, result) -> list[str]:
        if result.grade not in self.card.promote_grades:
            return [t("sc.triggered.none")]
        if not result.promoted:
            return [t("sc.triggered.already", pool=self.card.pool)]
        manager = manager_of(self.engine, self.owner_id)
        return [t("sc.triggered.notify", manager=manager.label if manager else t("sc.no_manager")),
                t("sc.triggered.pool", pool=self.card.pool)]

    def _result_html(self, result) -> str:
        grade = html.tag("span", result.grade, cls=f"snb-badge snb-grade snb-{GRADE_TONE.get(result.grade, 'neutral')}")
        line = t("sc.grade_line", lead=result.lead_id, grade=result.grade)
        if result.previous and result.previous != result.grade:
            line += t("sc.previous", grade=result.previous)
        owner = person(self.engine, self.owner_id)
        head = html.raw_tag("div", grade + " " + html.tag("span", line) +
                            (html.tag("span", f" · {owner.label}", cls="snb-muted") if owner else ""),
                            cls="snb-grade-line")
        return html.raw_tag("div", html.tag("div", t("sc.grade"), cls="snb-section-title") + head +
                            html.items(self.triggered), cls="snb-card")
