"""EscalationConfigurator (升级策略配置): a node's SLA target, calendar and escalation ladder, with a timeline."""

from __future__ import annotations

import copy
from typing import Any

import ipywidgets as widgets
from traitlets import Bool, Dict, List, Unicode

from ..db import session_scope
from ..directory import people
from ..errors import SalesnbError
from ..i18n import get_language, register, t
from ..models import ROLES
from ..sla import (
    Policy,
    PolicyError,
    covered_until,
    holiday_warning,
    load_holidays,
    load_policies,
    reset_policy,
    save_policy,
    timeline,
)
from ..sla.holidays import format_lines, library_last_year, parse_lines, replace_year_entries
from ..timeutil import parse_timestamp, to_local
from . import html
from .base import AppWidget, label, row

register({
    "zh-CN": {
        "esc.title": "升级策略配置",
        "esc.subtitle": "为每个流程节点设置时限和逐级升级：超时后先通知谁、抄送谁、给谁生成待办，再过多久升到下一级。右侧时间线演示一个示例任务会发生什么。",
        "esc.node": "流程节点", "esc.name": "名称", "esc.target": "时限（小时）", "esc.calendar": "计时方式",
        "esc.calendar.24x7": "全天候（24×7）", "esc.calendar.working_hours": "仅工作时间（周一至周五 9:00–12:00、13:30–18:00）",
        "esc.holidays": "按法定节假日和调休计算", "esc.enabled": "启用此策略",
        "esc.days.title": "本团队的节假日和调休",
        "esc.days.help": "每行一天：日期 类型 名称，如「2027-02-06 放假 春节」「2027-02-14 上班 春节调休」。"
                         "这里的安排优先于内置日历（内置日历只到 {library} 年）。当前覆盖到 {until}。",
        "esc.days.save": "保存节假日", "esc.days.saved": "已保存 {count} 天的节假日和调休安排",
        "esc.levels": "升级阶梯",
        "esc.level": "第 {n} 级", "esc.warning": "预警（截止前）",
        "esc.delay": "截止后多少小时触发（负数=截止前预警）",
        "esc.notify": "通知", "esc.cc": "抄送", "esc.todo": "生成待办给", "esc.no_todo": "（不生成待办）",
        "esc.repeat": "重复提醒间隔（小时，0=不重复）", "esc.max_repeats": "最多重复次数",
        "esc.add_level": "＋ 添加一级", "esc.remove_level": "删除此级",
        "esc.tags_hint": "输入文字选择：负责人、主管、角色或员工",
        "esc.example": "示例任务开始于", "esc.timeline": "示例任务的时间线",
        "esc.save": "保存为新版本", "esc.reset": "恢复默认策略",
        "esc.saved": "节点 {node} 的策略已保存（第 {version} 版）",
        "esc.reset_done": "节点 {node} 已恢复默认策略",
        "esc.version": "当前：{source}", "esc.source.default": "系统默认", "esc.source.stored": "已保存第 {version} 版",
        "esc.bad_time": "示例开始时间无法识别：{value}（例：2026-03-16 09:30）",
        "esc.invalid": "设置有误：{problem}",
        "esc.col.when": "时间", "esc.col.event": "事件", "esc.col.after": "计时", "esc.col.notify": "通知",
        "esc.col.cc": "抄送", "esc.col.todo": "待办",
        "esc.after": "{hours} 小时",
        "rcpt.owner": "任务负责人", "rcpt.manager": "负责人的主管", "rcpt.entity_owner": "单据负责人",
        "rcpt.role": "角色：{role}", "rcpt.user": "员工：{name}",
        "role.sales": "销售", "role.sales_manager": "销售经理", "role.sales_director": "销售总监",
        "role.finance": "财务", "role.finance_manager": "财务经理", "role.warehouse": "仓库", "role.ops": "运营",
    },
    "en": {
        "esc.days.title": "This team's holidays and adjusted workdays",
        "esc.days.help": "One day per line: date kind name, e.g. '2027-02-06 holiday Spring Festival', "
                         "'2027-02-14 workday'. These come before the built-in calendar (which stops after {library}). "
                         "Known up to {until}.",
        "esc.days.save": "Save holidays", "esc.days.saved": "Saved {count} holiday and adjusted-workday entries",
        "esc.title": "Escalation policies",
        "esc.subtitle": "Set each workflow node's deadline and escalation ladder: who is notified, cc'ed and gets a to-do, and when the next level follows. The timeline shows what would happen to an example task.",
        "esc.node": "Workflow node", "esc.name": "Name", "esc.target": "Target (hours)", "esc.calendar": "Clock",
        "esc.calendar.24x7": "Around the clock (24×7)", "esc.calendar.working_hours": "Working hours only (Mon–Fri 9:00–12:00, 13:30–18:00)",
        "esc.holidays": "Follow Chinese holidays and adjusted workdays", "esc.enabled": "Policy enabled",
        "esc.levels": "Escalation ladder",
        "esc.level": "Level {n}", "esc.warning": "Warning (before the deadline)",
        "esc.delay": "Hours after the deadline (negative: warning before it)",
        "esc.notify": "Notify", "esc.cc": "Cc", "esc.todo": "To-do for", "esc.no_todo": "(no to-do)",
        "esc.repeat": "Repeat every (hours, 0 = once)", "esc.max_repeats": "At most (repeats)",
        "esc.add_level": "+ Add a level", "esc.remove_level": "Remove this level",
        "esc.tags_hint": "Type to pick: owner, manager, a role or a person",
        "esc.example": "Example task starts at", "esc.timeline": "Timeline of the example task",
        "esc.save": "Save as a new version", "esc.reset": "Back to the default",
        "esc.saved": "Policy of {node} saved (version {version})",
        "esc.reset_done": "Node {node} uses the default policy again",
        "esc.version": "Now: {source}", "esc.source.default": "built-in default", "esc.source.stored": "saved version {version}",
        "esc.bad_time": "Cannot read the example start time: {value} (e.g. 2026-03-16 09:30)",
        "esc.invalid": "Not valid: {problem}",
        "esc.col.when": "When", "esc.col.event": "Event", "esc.col.after": "Clock", "esc.col.notify": "Notify",
        "esc.col.cc": "Cc", "esc.col.todo": "To-do",
        "esc.after": "{hours} h",
        "rcpt.owner": "task owner", "rcpt.manager": "owner's manager", "rcpt.entity_owner": "record owner",
        "rcpt.role": "role: {role}", "rcpt.user": "person: {name}",
        "role.sales": "sales", "role.sales_manager": "sales manager", "role.sales_director": "sales director",
        "role.finance": "finance", "role.finance_manager": "finance manager", "role.warehouse": "warehouse",
        "role.ops": "operations",
    },
})


def recipient_labels(engine) -> dict[str, str]:
    """Recipient spec → the words people read (owner → 任务负责人, role:finance → 角色：财务 …)."""
    labels = {word: t(f"rcpt.{word}") for word in ("owner", "manager", "entity_owner")}
    labels.update({f"role:{r}": t("rcpt.role", role=t(f"role.{r}")) for r in ROLES})
    labels.update({f"user:{p.user_id}": t("rcpt.user", name=p.label) for p in people(engine)})
    return labels


class LevelEditor(widgets.VBox):
    """The controls of one rung of the ladder."""

    def __init__(self, labels: dict[str, str], level: dict[str, Any], on_remove):
        self.labels = labels
        self.specs = {text: spec for spec, text in labels.items()}
        self.title = widgets.HTML("")
        self.delay = widgets.FloatText(value=float(level.get("delay_hours", 0)), layout=widgets.Layout(width="110px"))
        self.notify = widgets.TagsInput(value=[labels.get(s, s) for s in level.get("notify") or []],
                                        allowed_tags=list(labels.values()), allow_duplicates=False,
                                        placeholder=t("esc.tags_hint"))
        self.cc = widgets.TagsInput(value=[labels.get(s, s) for s in level.get("cc") or []],
                                    allowed_tags=list(labels.values()), allow_duplicates=False,
                                    placeholder=t("esc.tags_hint"))
        self.todo = widgets.Dropdown(options=[(t("esc.no_todo"), "")] + [(text, spec) for spec, text in labels.items()],
                                     value=level.get("todo_for") or "", layout=widgets.Layout(width="240px"))
        self.repeat = widgets.BoundedFloatText(value=float(level.get("repeat_every_hours") or 0), min=0, max=10_000,
                                               layout=widgets.Layout(width="90px"))
        self.max_repeats = widgets.BoundedIntText(value=int(level.get("max_repeats") or 0), min=0, max=100,
                                                  layout=widgets.Layout(width="80px"))
        self.remove = widgets.Button(description=t("esc.remove_level"), layout=widgets.Layout(width="auto"))
        self.remove.add_class("snb-remove-level")
        self.remove.on_click(lambda _b: on_remove(self))
        for control, cls in ((self.delay, "snb-level-delay"), (self.notify, "snb-level-notify"),
                             (self.cc, "snb-level-cc"), (self.todo, "snb-level-todo")):
            control.add_class(cls)
        super().__init__([
            row(self.title, self.remove, cls="snb-toolbar"),
            row(label(t("esc.delay")), self.delay),
            row(label(t("esc.notify"), required=True), self.notify),
            row(label(t("esc.cc")), self.cc),
            row(label(t("esc.todo")), self.todo),
            row(label(t("esc.repeat")), self.repeat, label(t("esc.max_repeats"), inline=True), self.max_repeats,
                cls="snb-toolbar"),
        ])
        self.add_class("snb-card")
        self.add_class("snb-level")

    def controls(self) -> list[widgets.Widget]:
        return [self.delay, self.notify, self.cc, self.todo, self.repeat, self.max_repeats]

    def to_dict(self, number: int) -> dict[str, Any]:
        out: dict[str, Any] = {
            "level": number, "delay_hours": self.delay.value,
            "notify": [self.specs.get(x, x) for x in self.notify.value],
            "cc": [self.specs.get(x, x) for x in self.cc.value],
            "todo_for": self.todo.value or None,
        }
        if self.repeat.value > 0:
            out["repeat_every_hours"] = self.repeat.value
            out["max_repeats"] = self.max_repeats.value or 1
        return out


class EscalationConfigurator(AppWidget):
    """升级策略配置: edit one node's policy and ladder; the timeline of an example task follows every change.

    Public state: ``node`` (the workflow node edited), ``definition`` (the
    policy as it stands in the form, JSON), ``problem`` (why it cannot be
    saved, empty when valid), ``valid`` and ``events`` (the example task's
    timeline: ``{"at", "label", "notify", "cc", "todo_for"}`` dicts).
    """

    node = Unicode("", help="The workflow node whose policy is edited.")
    definition = Dict(help="The policy definition as currently edited.")
    problem = Unicode("", help="Why the edited policy is not valid; empty when it is.")
    valid = Bool(False, help="True when the edited policy can be saved.")
    events = List(help="Timeline of the example task under the edited policy.")
    calendar_warning = Unicode("", help="Why the holiday calendar needs the next year's days; empty when fine.")

    title_key = "esc.title"
    subtitle_key = "esc.subtitle"

    def __init__(self, engine, *, node: str | None = None, **kwargs):
        super().__init__(engine, **kwargs)
        self.language = get_language()
        self.labels = recipient_labels(engine)
        self.policies: dict[str, Policy] = {}
        self.level_editors: list[LevelEditor] = []
        self.node_box = widgets.Dropdown(options=[], layout=widgets.Layout(width="320px"))
        self.node_box.add_class("snb-node")
        self.version_view = widgets.HTML("")
        self.name_box = widgets.Text(layout=widgets.Layout(width="260px"))
        self.target_box = widgets.BoundedFloatText(min=0.1, max=10_000, step=0.5, layout=widgets.Layout(width="110px"))
        self.target_box.add_class("snb-target")
        self.mode_box = widgets.RadioButtons(options=[(t("esc.calendar.24x7"), "24x7"),
                                                      (t("esc.calendar.working_hours"), "working_hours")],
                                             layout=widgets.Layout(width="auto"))
        self.mode_box.add_class("snb-calendar")
        self.holidays_box = widgets.Checkbox(description=t("esc.holidays"), indent=False)
        self.enabled_box = widgets.Checkbox(description=t("esc.enabled"), indent=False)
        self.levels_box = widgets.VBox()
        self.add_button = widgets.Button(description=t("esc.add_level"), layout=widgets.Layout(width="auto"))
        self.add_button.add_class("snb-add-level")
        self.example_box = widgets.Text(layout=widgets.Layout(width="180px"))
        self.example_box.add_class("snb-example")
        self.timeline_view = widgets.HTML("")
        self.timeline_view.add_class("snb-timeline-view")
        self.save_button = widgets.Button(description=t("esc.save"), button_style="primary",
                                          layout=widgets.Layout(width="auto"))
        self.save_button.add_class("snb-save-policy")
        self.reset_button = widgets.Button(description=t("esc.reset"), layout=widgets.Layout(width="auto"))
        self.reset_button.add_class("snb-reset-policy")
        policy_card = widgets.VBox([
            row(label(t("esc.name")), self.name_box),
            row(label(t("esc.target"), required=True), self.target_box),
            row(label(t("esc.calendar")), widgets.VBox([self.mode_box, self.holidays_box])),
            row(label(""), self.enabled_box),
        ])
        policy_card.add_class("snb-card")
        left = widgets.VBox([policy_card,
                             widgets.HTML(html.tag("div", t("esc.levels"), cls="snb-section-title")),
                             self.levels_box, self.add_button], layout=widgets.Layout(width="56%"))
        right = widgets.VBox([
            row(label(t("esc.example"), inline=True), self.example_box, cls="snb-toolbar"),
            widgets.HTML(html.tag("div", t("esc.timeline"), cls="snb-section-title")),
            self.timeline_view,
        ], layout=widgets.Layout(width="44%"))
        right.add_class("snb-card")
        self.warning_view = widgets.HTML("")
        self.warning_view.add_class("snb-calendar-warning")
        self.days_help = widgets.HTML("")
        self.days_box = widgets.Textarea(layout=widgets.Layout(width="100%", height="140px"))
        self.days_box.add_class("snb-holidays")
        self.days_button = widgets.Button(description=t("esc.days.save"), layout=widgets.Layout(width="auto"))
        self.days_button.add_class("snb-save-holidays")
        days_card = widgets.VBox([widgets.HTML(html.tag("div", t("esc.days.title"), cls="snb-section-title")),
                                  self.days_help, self.days_box, self.days_button])
        days_card.add_class("snb-card")
        self.body.children = [
            self.warning_view,
            row(label(t("esc.node"), inline=True), self.node_box, self.version_view, cls="snb-toolbar"),
            row(left, right),
            row(self.save_button, self.reset_button, cls="snb-toolbar"),
            days_card,
        ]
        self.example_box.value = to_local(self.as_of()).strftime("%Y-%m-%d %H:%M")
        self.on_change(self.node_box, lambda value: self.edit(value) if value else None)
        for control in (self.name_box, self.target_box, self.mode_box, self.holidays_box, self.enabled_box,
                        self.example_box):
            self.on_change(control, lambda _v: self._update())
        self.on_click(self.add_button, self.add_level)
        self.on_click(self.save_button, self.save)
        self.on_click(self.reset_button, self.reset)
        self.on_click(self.days_button, self.save_holidays)
        self._loading = False
        self.safely(self._load)(node)

    # -------------------------------------------------------------- loading

    def _load(self, node: str | None = None) -> None:
        with session_scope(self.engine) as session:
            self.policies = load_policies(session)
            days = load_holidays(session)
            self.calendar_warning = holiday_warning(session, self.as_of(), self.language) or ""
        self.warning_view.value = html.message(self.calendar_warning, "warn") if self.calendar_warning else ""
        self.days_help.value = html.tag("p", t("esc.days.help", library=library_last_year(),
                                               until=covered_until(days).isoformat()), cls="snb-muted")
        self.days_box.value = format_lines(days)
        self.node_box.options = [(f"{p.label(self.language)}（{name}）", name) for name, p in self.policies.items()]
        target = node if node in self.policies else (self.node or next(iter(self.policies), ""))
        if self.node_box.value != target:
            self.node_box.value = target
        else:
            self.edit(target)

    def open_item(self, item_id: str) -> None:
        """Show the policy of node ``item_id`` (a link's ``?item=``)."""
        if item_id in self.policies:
            self.node_box.value = item_id

    def edit(self, node: str) -> None:
        """Put the policy of ``node`` in the form."""
        policy = self.policies[node]
        self._loading = True
        try:
            self.node = node
            data = policy.to_dict()
            self.name_box.value = policy.title.get(self.language) or policy.title.get("zh-CN") or ""
            self.target_box.value = float(data["target_hours"])
            self.mode_box.value = policy.calendar.mode
            self.holidays_box.value = bool(policy.calendar.chinese_holidays)
            self.enabled_box.value = policy.enabled
            self._base = data
            self.level_editors = []
            for level in sorted(data["levels"], key=lambda lv: lv["delay_hours"]):
                self._add_editor(level)
            source = t("esc.source.stored", version=policy.version) if policy.source == "stored" \
                else t("esc.source.default")
            self.version_view.value = html.tag("span", t("esc.version", source=source), cls="snb-muted")
            self.reset_button.layout.display = "" if policy.source == "stored" else "none"
        finally:
            self._loading = False
        self._update()

    def _add_editor(self, level: dict[str, Any]) -> LevelEditor:
        editor = LevelEditor(self.labels, level, self.safely(self.remove_level))
        for control in editor.controls():
            self.on_change(control, lambda _v: self._update())
        self.level_editors.append(editor)
        self.levels_box.children = tuple(self.level_editors)
        return editor

    def add_level(self) -> LevelEditor:
        """Append a level one target later than the last one, notifying the manager."""
        last = max((e.delay.value for e in self.level_editors), default=-self.target_box.value)
        editor = self._add_editor({"delay_hours": last + self.target_box.value, "notify": ["manager"]})
        self._update()
        return editor

    def remove_level(self, editor: LevelEditor) -> None:
        self.level_editors.remove(editor)
        self.levels_box.children = tuple(self.level_editors)
        self._update()

    # -------------------------------------------------------------- the edited policy

    def _definition(self) -> dict[str, Any]:
        data = copy.deepcopy(self._base)
        title = dict(data.get("title") or {})
        title[self.language] = self.name_box.value.strip() or self.node
        calendar = dict(data.get("calendar") or {})
        calendar["mode"] = self.mode_box.value
        if self.mode_box.value == "working_hours":
            calendar["chinese_holidays"] = self.holidays_box.value
        ordered = sorted(self.level_editors, key=lambda e: e.delay.value)
        warnings = [e for e in ordered if e.delay.value < 0]
        levels = [e.to_dict(0) for e in warnings] + [e.to_dict(i) for i, e in
                                                     enumerate((e for e in ordered if e.delay.value >= 0), 1)]
        data.update(node=self.node, title=title, target_hours=self.target_box.value, calendar=calendar,
                    levels=levels, enabled=self.enabled_box.value)
        return data

    def _update(self) -> None:
        if self._loading or not self.node:
            return
        self.holidays_box.layout.display = "" if self.mode_box.value == "working_hours" else "none"
        self.definition = definition = self._definition()
        numbers = iter(range(1, 100))
        for editor in sorted(self.level_editors, key=lambda e: e.delay.value):
            text = t("esc.warning") if editor.delay.value < 0 else t("esc.level", n=next(numbers))
            editor.title.value = html.tag("div", text, cls="snb-section-title")
        try:
            policy = Policy.from_dict(definition, self.node)
            try:
                start = parse_timestamp(self.example_box.value)
            except ValueError:
                raise PolicyError("esc.bad_time", value=self.example_box.value) from None
            events = timeline(policy, start, language=self.language)
        except PolicyError as exc:
            self.problem, self.valid, self.events = str(exc), False, []
            self.save_button.disabled = True
            self.timeline_view.value = html.message(t("esc.invalid", problem=str(exc)), "warn")
            return
        self.problem, self.valid = "", True
        self.save_button.disabled = False
        self.events = [{"at": e.at.isoformat() if e.at else None, "kind": e.kind, "label": e.label,
                        "notify": [self.labels.get(x, x) for x in e.notify],
                        "cc": [self.labels.get(x, x) for x in e.cc],
                        "todo_for": self.labels.get(e.todo_for, e.todo_for) if e.todo_for else None}
                       for e in events]
        self.timeline_view.value = self._timeline_html(events)

    def _timeline_html(self, events) -> str:
        items = []
        for e in events:
            who = []
            if e.notify:
                who.append(f"{t('esc.col.notify')}：" + "、".join(self.labels.get(x, x) for x in e.notify))
            if e.cc:
                who.append(f"{t('esc.col.cc')}：" + "、".join(self.labels.get(x, x) for x in e.cc))
            if e.todo_for:
                who.append(f"{t('esc.col.todo')}：" + self.labels.get(e.todo_for, e.todo_for))
            after = t("esc.after", hours=f"{e.offset_hours:g}") if e.offset_hours is not None else ""
            head = html.tag("span", html.display(e.at), cls="snb-when") + html.tag("b", e.label)
            if after:
                head += " " + html.tag("span", f"（{after}）", cls="snb-muted")
            detail = "".join(html.tag("div", line, cls="snb-muted") for line in who)
            items.append(html.raw_tag("li", head + detail, cls=f"snb-event snb-event-{e.kind}"))
        return html.raw_tag("ul", "".join(items), cls="snb-timeline")

    # -------------------------------------------------------------- saving

    def save(self) -> Policy:
        """Store the edited policy as the node's next version."""
        self._update()
        if not self.valid:
            raise SalesnbError(t("esc.invalid", problem=self.problem))
        with session_scope(self.engine) as session:
            policy = save_policy(session, self.definition, node=self.node, actor=self.actor, at=self.as_of())
        self._load(self.node)
        self.show_notice(t("esc.saved", node=policy.label(self.language), version=policy.version))
        return policy

    def save_holidays(self) -> int:
        """Store the days of the editor (each year it or the store names is replaced as a whole)."""
        entries = parse_lines(self.days_box.value)
        with session_scope(self.engine) as session:
            years = load_holidays(session).years() | {day.year for day, _, _ in entries}
            replace_year_entries(session, entries, actor=self.actor, years=years, at=self.as_of())
        self._load(self.node)
        self.show_notice(t("esc.days.saved", count=len(entries)))
        return len(entries)

    def reset(self) -> None:
        """Drop the stored policy of the node: the built-in default applies again."""
        with session_scope(self.engine) as session:
            reset_policy(session, self.node, actor=self.actor, at=self.as_of())
        self._load(self.node)
        self.show_notice(t("esc.reset_done", node=self.node), tone="info")
