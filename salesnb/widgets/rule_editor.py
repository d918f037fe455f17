"""RuleEditor (规则编辑器): build a rule with drop-downs, see how many records match now, save a new version.

The same editor serves custom checks (a rule over a canonical table, stored
with :func:`salesnb.rules.save_rule`) and the grading rules of the lead
scorecard (stored as a new scorecard version with
:func:`salesnb.scorecards.save_scorecard`).  Users never type code: a
condition is field / comparison / value, the group is "all", "any" or "at
least N of".
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets
from traitlets import Dict, Int, Unicode

from ..checks.computed import computed_preview_source
from ..db import session_scope
from ..errors import SalesnbError
from ..i18n import get_language, register, t
from ..rules import latest_rules, save_rule
from ..rules.definitions import SEVERITIES
from ..rules.fields import canonical_tables, field_set, stored_fields
from ..rules.parse import OPS_BY_KIND, UNARY_OPS
from ..rules.preview import Preview, preview_scorecard_rule, preview_table_rule
from ..schema import table_spec
from ..scorecards import DEFAULT_NAME, get_scorecard, save_scorecard
from . import html
from .base import AppWidget, label, row

register({
    "zh-CN": {
        "re.title": "规则编辑器",
        "re.subtitle": "用下拉框组合条件，不需要写代码。下方实时显示当前有多少条记录命中；保存后生成新版本，旧版本保留。",
        "re.purpose.check": "自定义检查", "re.purpose.grade": "评分卡评级规则",
        "re.open": "打开", "re.new_rule": "（新建规则）", "re.table": "检查哪张表", "re.name": "检查名称",
        "re.name.placeholder": "例如：大额报价超过7天未跟进",
        "re.severity": "严重程度", "re.grade": "编辑哪一级", "re.grade_option": "{grade} 级的条件",
        "re.match": "满足", "re.match.all": "以下全部条件", "re.match.any": "以下任一条件",
        "re.match.at_least": "以下条件中至少", "re.items": "项",
        "re.add": "＋ 添加条件", "re.remove": "删除",
        "re.preview": "预览", "re.count": "当前命中 {count} 条（共 {total} 条）",
        "re.sample": "命中记录示例",
        "re.no_match": "当前没有记录命中",
        "re.save.check": "保存为新版本", "re.save.grade": "保存为评分卡新版本",
        "re.saved.check": "检查“{title}”已保存（{name} 第 {version} 版），下次运行检查时生效",
        "re.saved.grade": "评分卡已保存为第 {version} 版：{grade} 级条件已更新，之后保存的线索按新规则评级",
        "re.need_name": "请填写检查名称",
        "re.need_condition": "至少添加一个条件",
        "re.need_value": "第 {n} 个条件还没有填写比较的值",
        "re.bad_number": "第 {n} 个条件的值不是数字：{value}",
        "re.bad_date": "第 {n} 个条件的日期无法识别：{value}（例：2026-03-16）",
        "re.unsupported": "规则“{name}”的结构较复杂，无法在编辑器中打开",
        "re.invalid": "规则无法使用：{problem}",
        "re.rel.before": "之前", "re.rel.after": "之后", "re.rel.now": "距现在",
        "re.against.value": "值", "re.against.field": "另一字段", "re.plus": "加",
        "re.add_related": "＋ 关联记录条件", "re.add_group": "＋ 条件组",
        "re.related.none": "没有", "re.related.some": "有", "re.related.table": "关联的",
        "re.related.on": "按", "re.related.where": "且满足", "re.related.any_time": "（不限时间）",
        "re.related.within": "在本记录的", "re.related.within_after": "之后",
        "re.related.time": "以内（按关联记录的", "re.related.close": "）",
        "re.related.no_key": "{table}没有可按编号关联的表",
        "re.group": "条件组：满足",
        "field.required_days": "所需交期天数（系统计算）", "field.days_overdue": "逾期天数（系统计算）",
        "field.contract_owner_id": "合同负责人（系统计算）", "field.sla_level": "超时级别（系统计算）",
        "re.unit.hours": "小时", "re.unit.days": "天",
        "op.eq": "等于", "op.ne": "不等于", "op.lt": "小于", "op.le": "小于等于", "op.gt": "大于",
        "op.ge": "大于等于", "op.in": "属于", "op.not_in": "不属于", "op.contains": "包含",
        "op.starts_with": "开头是", "op.is_null": "为空", "op.not_null": "不为空", "op.is_empty": "为空白",
        "op.not_empty": "有内容",
        "op.time.lt": "早于", "op.time.le": "不晚于", "op.time.gt": "晚于", "op.time.ge": "不早于",
        "table.users": "员工", "table.customers": "客户", "table.leads": "线索", "table.quotes": "报价",
        "table.contracts": "合同", "table.orders": "订单", "table.shipments": "发运", "table.invoices": "发票",
        "table.payment_claims": "回款申请", "table.bank_transactions": "银行流水", "table.tasks": "任务",
        "table.interactions": "沟通记录", "table.production_slots": "排产", "table.lanes": "物流线路",
        "enum.pending_approval": "待审批", "enum.approved": "已批准", "enum.frozen": "已冻结", "enum.rejected": "已驳回",
        "enum.draft": "草稿", "enum.quoted": "已报价", "enum.accepted": "已接受", "enum.lost": "已丢单",
        "enum.open": "进行中", "enum.converted": "已成交", "enum.shipped": "已发货", "enum.delivered": "已签收",
        "enum.cancelled": "已取消", "enum.requested": "已申请", "enum.issued": "已开票",
        "enum.partially_paid": "部分回款", "enum.paid": "已回款", "enum.finance_review": "财务审核中",
        "enum.confirmed": "已确认", "enum.technical": "技术咨询", "enum.tender": "招标比价",
        "enum.in": "收入", "enum.out": "支出",
    },
    "en": {
        "re.title": "Rule editor",
        "re.subtitle": "Combine conditions with drop-downs; no code. The preview below shows how many records match right now; saving creates a new version and keeps the old ones.",
        "re.purpose.check": "Custom check", "re.purpose.grade": "Scorecard grading",
        "re.open": "Open", "re.new_rule": "(new rule)", "re.table": "Table to check", "re.name": "Check name",
        "re.name.placeholder": "e.g. large quotes without follow-up for 7 days",
        "re.severity": "Severity", "re.grade": "Grade to edit", "re.grade_option": "conditions of grade {grade}",
        "re.match": "Match", "re.match.all": "all conditions", "re.match.any": "any condition",
        "re.match.at_least": "at least", "re.items": "of the conditions",
        "re.add": "+ Add a condition", "re.remove": "Remove",
        "re.preview": "Preview", "re.count": "{count} match now (of {total})",
        "re.sample": "Matching records",
        "re.no_match": "No record matches now",
        "re.save.check": "Save as a new version", "re.save.grade": "Save as a new scorecard version",
        "re.saved.check": "Check “{title}” saved ({name} version {version}); it runs with the next checks",
        "re.saved.grade": "Scorecard saved as version {version}: grade {grade} updated; leads saved from now on use it",
        "re.need_name": "Give the check a name",
        "re.need_condition": "Add at least one condition",
        "re.need_value": "Condition {n} has no value yet",
        "re.bad_number": "The value of condition {n} is not a number: {value}",
        "re.bad_date": "Cannot read the date of condition {n}: {value} (e.g. 2026-03-16)",
        "re.unsupported": "Rule “{name}” is too complex to open in the editor",
        "re.invalid": "The rule cannot be used: {problem}",
        "re.rel.before": "ago", "re.rel.after": "from now", "re.rel.now": "now,",
        "re.against.value": "a value", "re.against.field": "another field", "re.plus": "plus",
        "re.add_related": "+ Related records", "re.add_group": "+ Group",
        "re.related.none": "has no", "re.related.some": "has", "re.related.table": "related",
        "re.related.on": "matching on", "re.related.where": "where", "re.related.any_time": "(any time)",
        "re.related.within": "by this record's", "re.related.within_after": "plus",
        "re.related.time": "(by the related record's", "re.related.close": ")",
        "re.related.no_key": "{table} shares no id field with another table",
        "re.group": "Group: match",
        "field.required_days": "Days required (computed)", "field.days_overdue": "Days overdue (computed)",
        "field.contract_owner_id": "Contract owner (computed)", "field.sla_level": "SLA level reached (computed)",
        "enum.pending_approval": "pending approval", "enum.approved": "approved", "enum.frozen": "frozen",
        "enum.rejected": "rejected", "enum.draft": "draft", "enum.quoted": "quoted", "enum.accepted": "accepted",
        "enum.lost": "lost", "enum.open": "open", "enum.converted": "converted", "enum.shipped": "shipped",
        "enum.delivered": "delivered", "enum.cancelled": "cancelled", "enum.requested": "requested",
        "enum.issued": "issued", "enum.partially_paid": "partially paid", "enum.paid": "paid",
        "enum.finance_review": "in finance review", "enum.confirmed": "confirmed", "enum.technical": "technical",
        "enum.tender": "tender", "enum.in": "incoming", "enum.out": "outgoing",
        "re.unit.hours": "hours", "re.unit.days": "days",
        "op.eq": "is", "op.ne": "is not", "op.lt": "less than", "op.le": "at most", "op.gt": "greater than",
        "op.ge": "at least", "op.in": "is one of", "op.not_in": "is none of", "op.contains": "contains",
        "op.starts_with": "starts with", "op.is_null": "is missing", "op.not_null": "is present",
        "op.is_empty": "is blank", "op.not_empty": "is not blank",
        "op.time.lt": "before", "op.time.le": "at or before", "op.time.gt": "after", "op.time.ge": "at or after",
        "table.users": "Users", "table.customers": "Customers", "table.leads": "Leads", "table.quotes": "Quotes",
        "table.contracts": "Contracts", "table.orders": "Orders", "table.shipments": "Shipments",
        "table.invoices": "Invoices", "table.payment_claims": "Payment claims",
        "table.bank_transactions": "Bank lines", "table.tasks": "Tasks", "table.interactions": "Interactions",
        "table.production_slots": "Production slots", "table.lanes": "Lanes",
    },
})

TIME_KINDS = ("datetime", "date")
FIELD_OPS = ("eq", "ne", "lt", "le", "gt", "ge")  # comparisons the editor offers against another field
NUMBER_KINDS = ("int", "float", "decimal")


@dataclass(frozen=True)
class FieldMeta:
    """What the editor needs to know about one field."""

    name: str
    label: str
    kind: str
    enum: tuple[Any, ...] | None = None
    enum_labels: tuple[str, ...] | None = None

    def value_label(self, value: Any) -> str:
        if self.enum and value in self.enum and self.enum_labels:
            return self.enum_labels[self.enum.index(value)]
        return html.display(value)


def enum_label(value: Any) -> str:
    key = f"enum.{value}"
    text = t(key)
    return str(value) if text == key else text


def table_fields(table: str) -> dict[str, FieldMeta]:
    """The fields of ``table`` with Chinese labels (import headers) and enum labels."""
    spec = table_spec(table)
    labels = {c.name: c.label(get_language()) for c in spec.columns}
    out = {}
    for name, info in field_set(table).fields.items():
        enum = tuple(info.enum) if info.enum else None
        if info.computed:
            labels[name] = t(f"field.{name}")
        out[name] = FieldMeta(name, labels.get(name, name), info.kind, enum,
                              tuple(enum_label(v) for v in enum) if enum else None)
    return out


def card_fields(card) -> dict[str, FieldMeta]:
    """The fields of a scorecard (their options as enum values)."""
    lang = get_language()
    out = {}
    for f in card.fields:
        enum = tuple(v for v, _l in f.options) if f.type == "dropdown" else None
        out[f.name] = FieldMeta(f.name, f.title(lang), f.kind, enum,
                                tuple(f.option_label(v, lang) for v in enum) if enum else None)
    return out


class Incomplete(SalesnbError):
    """The rule being built is not finished yet (a value missing, a name missing …)."""


class ConditionRow(widgets.HBox):
    """One condition: field, comparison, value (controls depend on the field's kind)."""

    def __init__(self, fields: dict[str, FieldMeta], condition: dict[str, Any] | None, changed):
        self.fields = fields
        self.changed = changed
        self.field_box = widgets.Dropdown(options=[(m.label, n) for n, m in fields.items()],
                                          layout=widgets.Layout(width="190px"))
        self.field_box.add_class("snb-cond-field")
        self.op_box = widgets.Dropdown(layout=widgets.Layout(width="120px"))
        self.op_box.add_class("snb-cond-op")
        self.against_box = widgets.Dropdown(options=[(t("re.against.value"), "value"), (t("re.against.field"), "field")],
                                            layout=widgets.Layout(width="100px"))
        self.against_box.add_class("snb-cond-against")
        self.value_box = widgets.HBox()
        self.value_box.add_class("snb-cond-value")
        self.remove = widgets.Button(description=t("re.remove"), layout=widgets.Layout(width="auto"))
        self.remove.add_class("snb-cond-remove")
        self.value_controls: list[widgets.Widget] = []
        super().__init__([self.field_box, self.op_box, self.against_box, self.value_box, self.remove])
        self.add_class("snb-condition")
        self.add_class("snb-toolbar")
        self._quiet = True
        self.field_box.value = (condition or {}).get("field") or next(iter(fields))
        value = (condition or {}).get("value")
        self.against_box.value = "field" if isinstance(value, dict) and "field" in value else "value"
        self._field_set(condition)
        self._quiet = False
        self.field_box.observe(lambda _c: self._field_set(None), names="value")
        self.op_box.observe(lambda _c: self._op_set(None), names="value")
        self.against_box.observe(lambda _c: self._op_set(None), names="value")

    @property
    def meta(self) -> FieldMeta:
        return self.fields[self.field_box.value]

    def _ops(self) -> list[tuple[str, str]]:
        kind = self.meta.kind
        ops = OPS_BY_KIND[kind]
        if kind in TIME_KINDS:
            return [(t(f"op.time.{op}") if op in ("lt", "le", "gt", "ge") else t(f"op.{op}"), op)
                    for op in ops if op not in ("in", "not_in")]
        return [(t(f"op.{op}"), op) for op in ops]

    def _field_set(self, condition: dict[str, Any] | None) -> None:
        self._signature = None  # a new field always gets new value controls
        ops = self._ops()
        quiet, self._quiet = self._quiet, True
        self.op_box.options = ops
        wanted = (condition or {}).get("op")
        self.op_box.value = wanted if wanted in [v for _l, v in ops] else ops[0][1]
        self._quiet = quiet
        self._op_set(condition)

    def others(self) -> list[tuple[str, str]]:
        """(label, name) of the fields this field can be compared with."""
        kind = self.meta.kind
        return [(m.label, n) for n, m in self.fields.items()
                if n != self.meta.name and (m.kind == kind or (kind in NUMBER_KINDS and m.kind in NUMBER_KINDS))]

    def _against_field(self, op: str) -> bool:
        usable = op in FIELD_OPS and self.meta.kind != "bool" and not self.meta.enum and bool(self.others())
        self.against_box.layout.display = "" if usable else "none"
        return usable and self.against_box.value == "field"

    def _signature_of(self, op: str) -> str:
        meta = self.meta
        if self._against_field(op):
            return "field"
        if op in UNARY_OPS:
            return "none"
        if meta.kind == "bool":
            return "bool"
        if op in ("in", "not_in"):
            return "tags"
        if meta.enum:
            return "enum"
        return "relative" if meta.kind == "datetime" else "text"

    def _op_set(self, condition: dict[str, Any] | None) -> None:
        meta, op = self.meta, self.op_box.value
        signature = self._signature_of(op)
        if condition is None and signature == getattr(self, "_signature", None):
            self._notify()  # same kind of value: keep what the user already entered
            return
        self._signature = signature
        value = (condition or {}).get("value")
        controls: list[widgets.Widget] = []
        if op in UNARY_OPS:
            controls = []
        elif signature == "field":
            other = value.get("field") if isinstance(value, dict) else None
            others = self.others()
            controls = [widgets.Dropdown(options=others, value=other if other in [n for _l, n in others] else others[0][1],
                                         layout=widgets.Layout(width="180px"))]
            if meta.kind == "datetime":
                amount, unit = _duration((value or {}).get("offset") if isinstance(value, dict) else None)
                controls += [widgets.HTML(html.tag("span", t("re.plus"), cls="snb-muted")),
                             widgets.IntText(value=amount, layout=widgets.Layout(width="70px")),
                             _unit_box(unit)]
        elif meta.kind == "bool":
            controls = [widgets.Dropdown(options=[(t("common.yes"), True), (t("common.no"), False)],
                                         value=True if value is None else bool(value), layout=widgets.Layout(width="90px"))]
        elif op in ("in", "not_in"):
            if meta.enum:
                chosen = [meta.value_label(v) for v in (value or [])]
                controls = [widgets.TagsInput(value=chosen, allowed_tags=list(meta.enum_labels),
                                              allow_duplicates=False)]
            else:
                controls = [widgets.TagsInput(value=[str(v) for v in (value or [])], allow_duplicates=False)]
        elif meta.enum:
            options = list(zip(meta.enum_labels, meta.enum))
            controls = [widgets.Dropdown(options=options, value=value if value in meta.enum else meta.enum[0],
                                         layout=widgets.Layout(width="150px"))]
        elif meta.kind == "datetime":
            amount, unit, direction = _relative(value)
            controls = [
                widgets.HTML(html.tag("span", t("re.rel.now"), cls="snb-muted")),
                widgets.BoundedIntText(value=amount, min=0, max=36_500, layout=widgets.Layout(width="80px")),
                _unit_box(unit),
                widgets.Dropdown(options=[(t("re.rel.before"), -1), (t("re.rel.after"), 1)], value=direction,
                                 layout=widgets.Layout(width="80px")),
            ]
        else:
            text = "" if value is None else html.display(value) if meta.kind in NUMBER_KINDS else str(value)
            controls = [widgets.Text(value=text, layout=widgets.Layout(width="180px"))]
        for control in controls:
            if not isinstance(control, widgets.HTML):
                control.observe(lambda _c: self._notify(), names="value")
        self.value_controls = controls
        self.value_box.children = controls
        self._notify()

    def _notify(self) -> None:
        if not self._quiet:
            self.changed()

    def to_rule(self, n: int) -> dict[str, Any]:
        """The condition as rule JSON; :class:`Incomplete` when a value is missing or unreadable."""
        meta, op = self.meta, self.op_box.value
        rule: dict[str, Any] = {"field": meta.name, "op": op}
        if op in UNARY_OPS:
            return rule
        controls = [c for c in self.value_controls if not isinstance(c, widgets.HTML)]
        if self._signature == "field":
            other: dict[str, Any] = {"field": controls[0].value}
            if meta.kind == "datetime" and controls[1].value:
                other["offset"] = {controls[2].value: controls[1].value}
            rule["value"] = other
            return rule
        if meta.kind == "datetime" and op not in ("in", "not_in"):
            amount, unit, direction = (c.value for c in controls)
            rule["value"] = {"as_of": True, "offset": {unit: direction * amount}} if amount else {"as_of": True}
            return rule
        raw = controls[0].value
        if op in ("in", "not_in"):
            if not raw:
                raise Incomplete(t("re.need_value", n=n))
            if meta.enum:
                rule["value"] = [meta.enum[meta.enum_labels.index(x)] for x in raw]
            else:
                rule["value"] = [_typed(x, meta.kind, n) for x in raw]
            return rule
        if isinstance(raw, str) and not raw.strip() and meta.kind != "str":
            raise Incomplete(t("re.need_value", n=n))
        if isinstance(raw, str) and not raw and op in ("eq", "ne", "contains", "starts_with"):
            raise Incomplete(t("re.need_value", n=n))
        rule["value"] = _typed(raw, meta.kind, n) if isinstance(raw, str) else raw
        return rule


def key_pairs(table: str, related: str) -> list[str]:
    """Id fields ``table`` and ``related`` share (what a related-records condition matches on)."""
    own, rel = stored_fields(field_set(table)), stored_fields(field_set(related))
    return [n for n, info in own.fields.items()
            if n.endswith("_id") and rel.get(n) is not None and rel.get(n).kind == info.kind]


def related_tables(table: str) -> list[str]:
    """Tables whose records can be related to ``table``'s by a shared id field."""
    return [n for n in canonical_tables() if n != table and key_pairs(table, n)]


def _times(fields: dict[str, FieldMeta]) -> list[tuple[str, str]]:
    return [(m.label, n) for n, m in fields.items() if m.kind == "datetime"]


class RelatedRow(widgets.VBox):
    """"has (no) related TABLE records matching on KEY", optionally within N hours of one of this record's times
    (by the related record's time) and meeting one condition of their own."""

    def __init__(self, table: str, fields: dict[str, FieldMeta], condition: dict[str, Any] | None, changed):
        self.table, self.fields, self.changed = table, fields, changed
        condition = condition or {}
        presence = "exists" if "exists" in condition else "not_exists"
        spec = condition.get(presence) or {}
        tables = related_tables(table)
        if not tables:
            raise SalesnbError(t("re.related.no_key", table=t(f"table.{table}")))
        self._quiet = True
        self.presence_box = widgets.Dropdown(options=[(t("re.related.none"), "not_exists"),
                                                      (t("re.related.some"), "exists")], value=presence,
                                             layout=widgets.Layout(width="80px"))
        self.table_box = widgets.Dropdown(options=[(t(f"table.{n}"), n) for n in tables],
                                          value=spec.get("table") if spec.get("table") in tables else tables[0],
                                          layout=widgets.Layout(width="130px"))
        self.table_box.add_class("snb-related-table")
        self.key_box = widgets.Dropdown(layout=widgets.Layout(width="150px"))
        self.key_box.add_class("snb-related-key")
        own_times = _times(fields)
        within = spec.get("within") or {}
        self.when_box = widgets.Dropdown(options=[(t("re.related.any_time"), ""), *own_times],
                                         value=within.get("of", "") if within.get("of") in dict(own_times).values() else "",
                                         layout=widgets.Layout(width="160px"))
        self.when_box.add_class("snb-related-when")
        amount, unit = _duration(within.get("offset"))
        self.amount_box = widgets.IntText(value=amount, layout=widgets.Layout(width="70px"))
        self.unit_box = _unit_box(unit)
        self.rel_time_box = widgets.Dropdown(layout=widgets.Layout(width="150px"))
        self.where_box = widgets.Checkbox(value=bool(spec.get("where")), description=t("re.related.where"), indent=False,
                                          layout=widgets.Layout(width="90px"))
        self.remove = widgets.Button(description=t("re.remove"), layout=widgets.Layout(width="auto"))
        self.remove.add_class("snb-cond-remove")
        self.within_line = row(widgets.HTML(html.tag("span", t("re.related.within"), cls="snb-muted")), self.when_box,
                               cls="snb-toolbar")
        self.where_line = row(self.where_box, cls="snb-toolbar")
        self.where_row: ConditionRow | None = None
        super().__init__([
            row(self.presence_box, widgets.HTML(html.tag("span", t("re.related.table"))), self.table_box,
                widgets.HTML(html.tag("span", t("re.related.on"), cls="snb-muted")), self.key_box, self.remove,
                cls="snb-toolbar"),
            self.within_line, self.where_line])
        self.add_class("snb-condition")
        self.add_class("snb-related")
        self._table_set(spec)
        self._quiet = False
        self.table_box.observe(lambda _c: self._table_set({}), names="value")
        self.when_box.observe(lambda _c: self._show(), names="value")
        self.where_box.observe(lambda _c: self._where_set(None), names="value")
        for control in (self.presence_box, self.key_box, self.amount_box, self.unit_box, self.rel_time_box):
            control.observe(lambda _c: self._notify(), names="value")

    def _table_set(self, spec: dict[str, Any]) -> None:
        quiet, self._quiet = self._quiet, True
        related = self.table_box.value
        keys = key_pairs(self.table, related)
        on = spec.get("on") or {}
        self.key_box.options = [(self.fields[k].label if k in self.fields else k, k) for k in keys]
        self.key_box.value = next(iter(on)) if next(iter(on), None) in keys else keys[0]
        self.related_fields = {n: m for n, m in table_fields(related).items()
                               if not field_set(related).get(n).computed}
        rel_times = _times(self.related_fields)
        self.rel_time_box.options = rel_times
        wanted = (spec.get("within") or {}).get("field")
        if rel_times:
            self.rel_time_box.value = wanted if wanted in dict(rel_times).values() else rel_times[0][1]
        self._quiet = quiet
        self._where_set(spec.get("where"))

    def _where_set(self, where: dict[str, Any] | None) -> None:
        self.where_row = None
        if self.where_box.value:
            self.where_row = ConditionRow(self.related_fields, where, self._notify)
            self.where_row.remove.layout.display = "none"
        self.where_line.children = (self.where_box, *((self.where_row,) if self.where_row else ()))
        self._show()

    def _show(self) -> None:
        timed = bool(self.when_box.value) and bool(self.rel_time_box.options)
        extra = (widgets.HTML(html.tag("span", t("re.related.within_after"), cls="snb-muted")), self.amount_box,
                 self.unit_box, widgets.HTML(html.tag("span", t("re.related.time"), cls="snb-muted")),
                 self.rel_time_box, widgets.HTML(html.tag("span", t("re.related.close"), cls="snb-muted")))
        self.within_line.children = (*self.within_line.children[:2], *(extra if timed else ()))
        self._notify()

    def _notify(self) -> None:
        if not self._quiet:
            self.changed()

    def to_rule(self, n: int) -> dict[str, Any]:
        """The condition as rule JSON (``exists`` / ``not_exists``)."""
        key = self.key_box.value
        spec: dict[str, Any] = {"table": self.table_box.value, "on": {key: key}}
        if self.where_row is not None:
            spec["where"] = self.where_row.to_rule(n)
        if self.when_box.value and self.rel_time_box.value:
            spec["within"] = {"field": self.rel_time_box.value, "of": self.when_box.value,
                              "offset": {self.unit_box.value: self.amount_box.value}}
        return {self.presence_box.value: spec}


class ConditionList(widgets.VBox):
    """The conditions of one group, with buttons to add a condition, a related-records condition or a sub-group."""

    def __init__(self, changed, safely, *, table: str | None, fields: dict[str, FieldMeta], nested: bool):
        self.changed, self.safely, self.table, self.fields, self.nested = changed, safely, table, fields, nested
        self.rows: list[widgets.Widget] = []
        self.box = widgets.VBox()
        self.add_button = widgets.Button(description=t("re.add"), layout=widgets.Layout(width="140px"))
        self.add_button.add_class("snb-add-condition")
        self.related_button = widgets.Button(description=t("re.add_related"), layout=widgets.Layout(width="150px"))
        self.related_button.add_class("snb-add-related")
        self.group_button = widgets.Button(description=t("re.add_group"), layout=widgets.Layout(width="120px"))
        self.group_button.add_class("snb-add-group")
        self.add_button.on_click(safely(lambda _b: self.add(None)))
        self.related_button.on_click(safely(lambda _b: self.add({"not_exists": {}})))
        self.group_button.on_click(safely(lambda _b: self.add({"all": []})))
        super().__init__([self.box, row(self.add_button, self.related_button, self.group_button, cls="snb-toolbar")])
        self.reset(table, fields, [])

    def reset(self, table: str | None, fields: dict[str, FieldMeta], items: list[dict[str, Any]]) -> None:
        self.table, self.fields, self.rows = table, fields, []
        self.related_button.layout.display = "" if table and related_tables(table) else "none"
        self.group_button.layout.display = "" if self.nested else "none"
        for item in items:
            self._make(item)
        self.box.children = tuple(self.rows)

    def _make(self, item: dict[str, Any] | None) -> widgets.Widget:
        item = item or {}
        if "exists" in item or "not_exists" in item:
            cond: widgets.Widget = RelatedRow(self.table, self.fields, item, self.changed)
        elif "all" in item or "any" in item:
            cond = GroupRow(self.changed, self.safely, table=self.table, fields=self.fields, rule=item)
        else:
            cond = ConditionRow(self.fields, item or None, self.changed)
        cond.remove.on_click(self.safely(lambda _b: self.remove(cond)))
        self.rows.append(cond)
        return cond

    def add(self, item: dict[str, Any] | None) -> widgets.Widget:
        cond = self._make(item)
        self.box.children = tuple(self.rows)
        self.changed()
        return cond

    def remove(self, cond: widgets.Widget) -> None:
        self.rows.remove(cond)
        self.box.children = tuple(self.rows)
        self.changed()

    def to_rules(self, first: int = 1) -> list[dict[str, Any]]:
        return [cond.to_rule(i) for i, cond in enumerate(self.rows, first)]


class GroupRow(widgets.VBox):
    """A sub-group: all / any of its own conditions (one level deep)."""

    def __init__(self, changed, safely, *, table: str | None, fields: dict[str, FieldMeta], rule: dict[str, Any]):
        self.match_box = widgets.Dropdown(options=[(t("re.match.all"), "all"), (t("re.match.any"), "any")],
                                          value="any" if "any" in rule else "all", layout=widgets.Layout(width="150px"))
        self.remove = widgets.Button(description=t("re.remove"), layout=widgets.Layout(width="auto"))
        self.remove.add_class("snb-cond-remove")
        self.conditions = ConditionList(changed, safely, table=table, fields=fields, nested=False)
        self.conditions.reset(table, fields, rule.get("any", rule.get("all")) or [])
        self.match_box.observe(lambda _c: changed(), names="value")
        super().__init__([row(widgets.HTML(html.tag("span", t("re.group"))), self.match_box, self.remove,
                              cls="snb-toolbar"), self.conditions])
        self.add_class("snb-group")

    def to_rule(self, n: int) -> dict[str, Any]:
        items = self.conditions.to_rules(n)
        if not items:
            raise Incomplete(t("re.need_condition"))
        return {self.match_box.value: items}


def _typed(raw: str, kind: str, n: int) -> Any:
    text = str(raw).strip()
    if kind in NUMBER_KINDS:
        try:
            number = float(text.replace(",", ""))
        except ValueError:
            raise Incomplete(t("re.bad_number", n=n, value=raw)) from None
        return int(number) if kind == "int" and number.is_integer() else number
    if kind == "date":
        if not re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
            raise Incomplete(t("re.bad_date", n=n, value=raw))
        return text
    return text


def _unit_box(unit: str) -> widgets.Dropdown:
    return widgets.Dropdown(options=[(t("re.unit.hours"), "hours"), (t("re.unit.days"), "days")], value=unit,
                            layout=widgets.Layout(width="80px"))


def _duration(offset: Any) -> tuple[int, str]:
    """(signed amount, unit) of ``{"hours": n}`` / ``{"days": n}``; 0 hours when absent."""
    if isinstance(offset, dict):
        for unit in ("days", "hours"):
            if isinstance(offset.get(unit), (int, float)) and not isinstance(offset.get(unit), bool):
                return int(offset[unit]), unit
    return 0, "hours"


def _relative(value: Any) -> tuple[int, str, int]:
    """(amount, unit, direction) of ``{"as_of": true, "offset": {unit: ±amount}}``; 0 hours ago by default."""
    if isinstance(value, dict) and value.get("as_of"):
        offset = value.get("offset") or {}
        for unit in ("days", "hours"):
            if isinstance(offset.get(unit), (int, float)):
                amount = offset[unit]
                return int(abs(amount)), unit, -1 if amount < 0 else 1
        return 0, "hours", -1
    return 0, "hours", -1


def representable(rule: Any, fields: dict[str, FieldMeta], table: str | None = None) -> bool:
    """Whether the editor can show ``rule``: one group of conditions (against a value, another field or
    related records of ``table``) with sub-groups one level deep."""
    if not isinstance(rule, dict):
        return False
    items = [rule] if "field" in rule else rule.get("all", rule.get("any", rule.get("of")))
    return isinstance(items, list) and all(_item_shown(i, fields, table, nested=True) for i in items)


def _item_shown(item: Any, fields: dict[str, FieldMeta], table: str | None, nested: bool) -> bool:
    if not isinstance(item, dict):
        return False
    if nested and len(item) == 1 and ("all" in item or "any" in item):
        items = item.get("all", item.get("any"))
        return isinstance(items, list) and all(_item_shown(i, fields, table, nested=False) for i in items)
    if len(item) == 1 and ("exists" in item or "not_exists" in item):
        return table is not None and _related_shown(item.get("exists", item.get("not_exists")), table)
    return _condition_shown(item, fields)


def _one_unit(offset: Any) -> bool:
    """A duration the editor's amount / unit controls can show: {"hours": n} or {"days": n}, n whole."""
    if not isinstance(offset, dict) or len(offset) != 1:
        return False
    unit, amount = next(iter(offset.items()))
    return unit in ("hours", "days") and isinstance(amount, int) and not isinstance(amount, bool)


def _condition_shown(item: dict[str, Any], fields: dict[str, FieldMeta]) -> bool:
    if set(item) - {"field", "op", "value"} or item.get("field") not in fields:
        return False
    value = item.get("value")
    if not isinstance(value, dict):
        return True
    if value.get("as_of"):
        return set(value) <= {"as_of", "offset"}
    if "field" in value:
        return set(value) <= {"field", "offset"} and value["field"] in fields and item.get("op") in FIELD_OPS \
            and ("offset" not in value or _one_unit(value["offset"]))
    return False


def _related_shown(spec: Any, table: str) -> bool:
    if not isinstance(spec, dict) or set(spec) - {"table", "on", "where", "within"}:
        return False
    related, on = spec.get("table"), spec.get("on")
    if related not in related_tables(table) or not isinstance(on, dict) or len(on) != 1:
        return False
    key, other = next(iter(on.items()))
    if key != other or key not in key_pairs(table, related):
        return False
    if spec.get("where") is not None and not _condition_shown(spec["where"], table_fields(related)):
        return False
    within = spec.get("within")
    return within is None or (isinstance(within, dict) and set(within) == {"field", "of", "offset"}
                              and _one_unit(within["offset"]))


class RuleEditor(AppWidget):
    """规则编辑器: a group of conditions over a table (custom check) or over the scorecard (grading rule).

    Public state: ``purpose`` (``check`` / ``grade``), ``table``, ``grade``,
    ``rule`` (the rule JSON as built; empty while incomplete), ``match_count``
    and ``total`` (live preview), ``problem`` (why the rule is not usable yet).
    """

    purpose = Unicode("check", help="check (custom check over a table) or grade (scorecard grading rule).")
    table = Unicode("quotes", help="The table a custom check runs on.")
    grade = Unicode("A", help="The scorecard grade whose rule is edited.")
    rule = Dict(help="The rule as built (JSON); empty while it is incomplete.")
    match_count = Int(-1, help="Records matching the rule now; -1 when unknown.")
    total = Int(0, help="Records the rule was evaluated on.")
    problem = Unicode("", help="Why the rule cannot be previewed or saved yet.")

    title_key = "re.title"
    subtitle_key = "re.subtitle"

    def __init__(self, engine, *, purpose: str = "check", table: str = "quotes", **kwargs):
        super().__init__(engine, **kwargs)
        self.fields: dict[str, FieldMeta] = {}
        self._loading = False
        with session_scope(engine) as session:
            self.card = get_scorecard(session, DEFAULT_NAME)
        self.purpose_box = widgets.ToggleButtons(options=[(t("re.purpose.check"), "check"),
                                                          (t("re.purpose.grade"), "grade")], value=purpose)
        self.purpose_box.add_class("snb-purpose")
        # custom check settings
        self.open_box = widgets.Dropdown(layout=widgets.Layout(width="300px"))
        self.open_box.add_class("snb-open-rule")
        self.table_box = widgets.Dropdown(options=[(t(f"table.{n}"), n) for n in canonical_tables()], value=table,
                                          layout=widgets.Layout(width="200px"))
        self.table_box.add_class("snb-table")
        self.name_box = widgets.Text(placeholder=t("re.name.placeholder"), layout=widgets.Layout(width="360px"))
        self.name_box.add_class("snb-rule-name")
        self.severity_box = widgets.Dropdown(options=[(t(f"severity.{s}"), s) for s in SEVERITIES], value="warning",
                                             layout=widgets.Layout(width="120px"))
        self.check_settings = widgets.VBox([
            row(label(t("re.open")), self.open_box),
            row(label(t("re.table"), required=True), self.table_box),
            row(label(t("re.name"), required=True), self.name_box),
            row(label(t("re.severity")), self.severity_box),
        ])
        # scorecard settings
        self.grade_box = widgets.Dropdown(options=[(t("re.grade_option", grade=g), g) for g, _n in self.card.grades],
                                          layout=widgets.Layout(width="200px"))
        self.grade_box.add_class("snb-grade-pick")
        self.grade_settings = widgets.VBox([row(label(t("re.grade")), self.grade_box)])
        # the group of conditions
        self.match_box = widgets.Dropdown(options=[(t("re.match.all"), "all"), (t("re.match.any"), "any"),
                                                   (t("re.match.at_least"), "at_least")],
                                          layout=widgets.Layout(width="170px"))
        self.match_box.add_class("snb-match")
        self.at_least_box = widgets.BoundedIntText(value=1, min=0, max=50, layout=widgets.Layout(width="70px"))
        self.at_least_box.add_class("snb-at-least")
        self.at_least_label = widgets.HTML(html.tag("span", t("re.items")))
        self.conditions = ConditionList(self.safely(self._update), self.safely, table=table, fields={}, nested=True)
        self.add_button = self.conditions.add_button
        self.preview_view = widgets.HTML("")
        self.preview_view.add_class("snb-rule-preview")
        self.save_button = widgets.Button(button_style="primary", layout=widgets.Layout(width="auto"))
        self.save_button.add_class("snb-save-rule")
        settings = widgets.VBox([self.check_settings, self.grade_settings])
        settings.add_class("snb-card")
        group = widgets.VBox([
            row(label(t("re.match"), inline=True), self.match_box, self.at_least_box, self.at_least_label,
                cls="snb-toolbar"),
            self.conditions,
        ])
        group.add_class("snb-card")
        preview = widgets.VBox([widgets.HTML(html.tag("div", t("re.preview"), cls="snb-section-title")),
                                self.preview_view])
        preview.add_class("snb-card")
        self.body.children = [self.purpose_box, settings, group, preview, row(self.save_button, cls="snb-toolbar")]
        widgets.link((self.purpose_box, "value"), (self, "purpose"))
        widgets.link((self.table_box, "value"), (self, "table"))
        self.on_change(self, lambda _v: self._setup(), names="purpose")
        self.on_change(self, lambda _v: self._new_group(), names="table")
        self.on_change(self.grade_box, lambda value: self._load_grade(value))
        self.on_change(self.open_box, lambda value: self.open_rule(value) if value else self._new_group())
        for control in (self.match_box, self.at_least_box, self.name_box, self.severity_box):
            self.on_change(control, lambda _v: self._update())
        self.on_click(self.save_button, self.save)
        self.safely(self._setup)()

    # -------------------------------------------------------------- setting up

    def _setup(self) -> None:
        check = self.purpose == "check"
        self.check_settings.layout.display = "" if check else "none"
        self.grade_settings.layout.display = "none" if check else ""
        self.save_button.description = t("re.save.check" if check else "re.save.grade")
        if check:
            self._refresh_saved()
            self._new_group()
        else:
            self._load_grade(self.grade_box.value)

    def _refresh_saved(self) -> None:
        with session_scope(self.engine) as session:
            saved = [(r.name, r.version, r.definition) for r in latest_rules(session, "check")]
        lang = get_language()
        options = [(t("re.new_rule"), "")]
        for name, version, definition in saved:
            title = definition.get("title")
            title = (title.get(lang) or title.get("zh-CN")) if isinstance(title, dict) else title
            options.append((f"{title or name}（{name} v{version}）", name))
        self._saved = {name: definition for name, _v, definition in saved}
        self._loading = True
        self.open_box.options = options
        self.open_box.value = ""
        self._loading = False

    def _set_group(self, fields: dict[str, FieldMeta], rule: dict[str, Any] | None) -> None:
        self._loading = True
        try:
            self.fields = fields
            rule = rule or {"all": []}
            if "at_least" in rule:
                self.match_box.value, self.at_least_box.value = "at_least", int(rule["at_least"])
                items = rule.get("of") or []
            elif "any" in rule:
                self.match_box.value, items = "any", rule["any"]
            elif "field" in rule:
                self.match_box.value, items = "all", [rule]
            else:
                self.match_box.value, items = "all", rule.get("all") or []
            self.conditions.reset(self.table if self.purpose == "check" else None, fields, items)
        finally:
            self._loading = False
        self._update()

    def _new_group(self) -> None:
        if self._loading:
            return
        self.name_box.value = ""
        self._set_group(table_fields(self.table), None)
        if self.open_box.value:
            self._loading = True
            self.open_box.value = ""
            self._loading = False

    def _load_grade(self, grade: str | None) -> None:
        if self.purpose != "grade" or not grade:
            return
        self.grade = grade
        rule = next(r for g, r in self._grade_rules() if g == grade)
        self._set_group(card_fields(self.card), rule)

    def _grade_rules(self) -> list[tuple[str, dict[str, Any]]]:
        return [(g["grade"], g["rule"]) for g in self.card.definition.get("grades") or []]

    def open_item(self, item_id: str) -> None:
        """Open the stored rule ``item_id`` (a link's ``?item=``)."""
        if item_id in [value for _label, value in self.open_box.options]:
            self.open_box.value = item_id

    def open_rule(self, name: str) -> None:
        """Load stored check ``name`` (its newest version) into the editor."""
        if self._loading:
            return
        definition = self._saved[name]
        fields = table_fields(definition["table"])
        if not representable(definition["rule"], fields, definition["table"]):
            raise SalesnbError(t("re.unsupported", name=name))
        self._loading = True
        self.table_box.value = definition["table"]
        title = definition.get("title")
        self.name_box.value = (title.get(get_language()) or title.get("zh-CN") or "") if isinstance(title, dict) \
            else (title or name)
        self.severity_box.value = definition.get("severity", "warning")
        self._loading = False
        self._set_group(fields, definition["rule"])

    @property
    def rows(self) -> list[widgets.Widget]:
        """The top-level conditions (plain, related-records and sub-groups)."""
        return self.conditions.rows

    def add_condition(self) -> ConditionRow:
        """Append a condition (first field, first comparison)."""
        return self.conditions.add(None)

    def add_related(self) -> RelatedRow:
        """Append a related-records condition ("has no related … matching on …")."""
        return self.conditions.add({"not_exists": {}})

    def add_group(self, match: str = "any") -> GroupRow:
        """Append a sub-group of conditions (all / any)."""
        return self.conditions.add({match: []})

    def remove_condition(self, cond: widgets.Widget) -> None:
        self.conditions.remove(cond)

    # -------------------------------------------------------------- building and previewing

    def build(self) -> dict[str, Any]:
        """The rule JSON from the controls; :class:`Incomplete` while something is missing."""
        if not self.rows:
            raise Incomplete(t("re.need_condition"))
        items = self.conditions.to_rules()
        if self.match_box.value == "at_least":
            return {"at_least": self.at_least_box.value, "of": items}
        return {self.match_box.value: items}

    def _update(self) -> None:
        if self._loading:
            return
        self.at_least_box.layout.display = "" if self.match_box.value == "at_least" else "none"
        self.at_least_label.layout.display = self.at_least_box.layout.display
        try:
            rule = self.build()
            result = self._preview(rule)
        except SalesnbError as exc:
            self.rule, self.match_count, self.total, self.problem = {}, -1, 0, str(exc)
            self.save_button.disabled = True
            self.preview_view.value = html.message(str(exc), "warn")
            return
        self.rule, self.match_count, self.total = rule, result.count, result.total
        self.problem = t("re.need_name") if self.purpose == "check" and not self.name_box.value.strip() else ""
        self.save_button.disabled = bool(self.problem)
        self.preview_view.value = self._preview_html(result)

    def _preview(self, rule: dict[str, Any]) -> Preview:
        if self.purpose == "check":
            return preview_table_rule(self.engine, self.table, rule, self.as_of(), source=computed_preview_source)
        fields = {f.name: (f.kind, f.column) for f in self.card.fields}
        return preview_scorecard_rule(self.engine, fields, rule)

    def _preview_html(self, result: Preview) -> str:
        count = html.raw_tag("div", html.tag("span", t("re.count", count=result.count, total=result.total)),
                             cls="snb-match-count")
        if not result.sample:
            return count + html.tag("div", t("re.no_match"), cls="snb-empty")
        metas = {**self.fields}
        headers = [metas[c].label if c in metas else c for c in result.columns]
        rows = [[metas[c].value_label(v) if c in metas else v for c, v in zip(result.columns, values)]
                for values in result.sample]
        extra = "" if not self.problem else html.message(self.problem, "info")
        return count + html.tag("div", t("re.sample"), cls="snb-muted") + html.table(rows, headers) + extra

    # -------------------------------------------------------------- saving

    def save(self) -> None:
        """Store the rule: a new version of the custom check, or a new scorecard version."""
        self._update()
        if not self.rule:
            raise SalesnbError(self.problem or t("re.need_condition"))
        if self.purpose == "check":
            self._save_check()
        else:
            self._save_grade()

    def _save_check(self) -> None:
        title = self.name_box.value.strip()
        if not title:
            raise SalesnbError(t("re.need_name"))
        name = self.open_box.value or self._new_name()
        braces = title.replace("{", "{{").replace("}", "}}")
        kept = {k: v for k, v in (self._saved.get(self.open_box.value) or {}).items()
                if k in ("owner", "started", "description") and self._saved[self.open_box.value]["table"] == self.table}
        definition = {**kept, "table": self.table, "rule": self.rule, "severity": self.severity_box.value,
                      "title": {"zh-CN": title, "en": title},
                      "message": {"zh-CN": f"{braces}：{{entity_id}}", "en": f"{braces}: {{entity_id}}"}}
        with session_scope(self.engine) as session:
            saved = save_rule(session, name, definition, kind="check", actor=self.actor, at=self.as_of())
            version = saved.version
        self._refresh_saved()
        self._loading = True
        self.open_box.value = name
        self._loading = False
        self._update()
        self.show_notice(t("re.saved.check", title=title, name=name, version=version))

    def _new_name(self) -> str:
        taken = set(self._saved)
        n = 1
        while f"custom_{self.table}_{n}" in taken:
            n += 1
        return f"custom_{self.table}_{n}"

    def _save_grade(self) -> None:
        definition = copy.deepcopy(self.card.definition)
        for entry in definition["grades"]:
            if entry["grade"] == self.grade:
                entry["rule"] = self.rule
        with session_scope(self.engine) as session:
            self.card = save_scorecard(session, definition, name=self.card.name, actor=self.actor, at=self.as_of())
        self.show_notice(t("re.saved.grade", version=self.card.version, grade=self.grade))
