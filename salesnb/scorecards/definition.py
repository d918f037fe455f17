"""Scorecard definitions: fields, which are required, and grading rules in the rule language.

A definition (JSON, stored versioned in ``scorecards``)::

    {"title": {"zh-CN": "意向评分卡", "en": "Lead intent scorecard"},
     "fields": [{"name": "budget_provided", "type": "yes_no", "required": true,
                 "label": {"zh-CN": "是否提供预算", "en": "Budget provided"}, "column": "budget_provided"},
                {"name": "purchase_freq_per_month", "type": "dropdown", "options": [0, 1, 2, ...], ...},
                ...],
     "grades": [{"grade": "A", "rule": {...}}, {"grade": "B", "rule": {...}}],
     "default_grade": "C",
     "promote_grades": ["A"], "pool": "新品优先体验池"}

Field types: ``yes_no`` (bool), ``dropdown`` (options: values or
``{"value": v, "label": {...}}``; numeric options make a number), ``number``,
``text``.  ``column`` stores the answer in that ``leads`` column; other answers
go to ``leads.extra["scorecard"]``.  Grades are tried in order; the first whose
rule holds wins, else ``default_grade``.  Grades in ``promote_grades`` notify
the rep's manager and put the lead in ``pool``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from ..i18n import t
from ..rules import FieldInfo, RuleError, parse_rule, to_predicate
from ..rules.fields import field_set
from ..rules.nodes import Node

FIELD_TYPES = ("yes_no", "dropdown", "number", "text")
YES = {"是", "yes", "y", "true", "1", "有", "对"}
NO = {"否", "no", "n", "false", "0", "无", "不"}
COLUMN_KINDS = {"yes_no": ("bool",), "number": ("float", "int", "decimal"), "text": ("str",)}
DEFAULT_NAME = "意向评分卡"
DEFAULT_POOL = "新品优先体验池"


def _yes_no(zh: str, en: str, column: str) -> dict[str, Any]:
    return {"name": column, "type": "yes_no", "required": True, "label": {"zh-CN": zh, "en": en}, "column": column}


DEFAULT_DEFINITION: dict[str, Any] = {
    "title": {"zh-CN": DEFAULT_NAME, "en": "Lead intent scorecard"},
    "fields": [
        _yes_no("是否提供预算", "Budget provided", "budget_provided"),
        _yes_no("是否明确交期", "Delivery date specified", "delivery_date_specified"),
        {"name": "purchase_freq_per_month", "type": "dropdown", "required": True, "column": "purchase_freq_per_month",
         "label": {"zh-CN": "近3个月采购频次（次/月）", "en": "Purchases per month, last 3 months"},
         "options": [{"value": n, "label": {"zh-CN": f"{n} 次/月", "en": f"{n} / month"}} for n in range(5)]
         + [{"value": 5, "label": {"zh-CN": "5 次及以上/月", "en": "5 or more / month"}}]},
        {"name": "inquiry_type", "type": "dropdown", "required": False, "column": "inquiry_type",
         "label": {"zh-CN": "询盘类型", "en": "Inquiry type"},
         "options": [{"value": "technical", "label": {"zh-CN": "技术咨询", "en": "Technical inquiry"}},
                     {"value": "tender", "label": {"zh-CN": "招标比价", "en": "Tender / price comparison"}}]},
    ],
    "grades": [
        {"grade": "A", "rule": {"all": [
            {"field": "budget_provided", "op": "eq", "value": True},
            {"field": "delivery_date_specified", "op": "eq", "value": True},
            {"field": "purchase_freq_per_month", "op": "ge", "value": 2}]}},
        {"grade": "B", "rule": {"any": [
            {"field": "budget_provided", "op": "eq", "value": True},
            {"field": "delivery_date_specified", "op": "eq", "value": True},
            {"field": "purchase_freq_per_month", "op": "ge", "value": 1}]}},
    ],
    "default_grade": "C",
    "promote_grades": ["A"],
    "pool": DEFAULT_POOL,
}


def default_definition() -> dict[str, Any]:
    """A copy of the default 意向评分卡."""
    return copy.deepcopy(DEFAULT_DEFINITION)


def _label(value: Any, language: str) -> str:
    if isinstance(value, dict):
        return value.get(language) or value.get("zh-CN") or next(iter(value.values()), "")
    return "" if value is None else str(value)


@dataclass(frozen=True)
class CardField:
    name: str
    type: str
    required: bool
    label: dict[str, str] | str
    column: str | None = None
    options: tuple[tuple[Any, dict[str, str] | str], ...] = ()  # (value, label)

    @property
    def kind(self) -> str:
        """The rule-language kind of the answer."""
        if self.type == "yes_no":
            return "bool"
        if self.type == "text":
            return "str"
        if self.type == "number" or all(_is_number(v) for v, _ in self.options):
            return "float"
        return "str"

    def title(self, language: str = "zh-CN") -> str:
        return _label(self.label, language) or self.name

    def option_label(self, value: Any, language: str = "zh-CN") -> str:
        for v, label in self.options:
            if v == value:
                return _label(label, language) or str(v)
        return str(value)

    def normalise(self, raw: Any, language: str) -> tuple[Any, str | None]:
        """(value, None) or (None, reason) for a raw answer (not missing)."""
        if self.type == "yes_no":
            if isinstance(raw, bool):
                return raw, None
            text = str(raw).strip().lower()
            if text in YES:
                return True, None
            if text in NO:
                return False, None
            return None, t("scorecard.reason.yes_no", language)
        if self.type == "number":
            number = _number(raw)
            return (number, None) if number is not None else (None, t("scorecard.reason.number", language))
        if self.type == "text":
            return (raw.strip(), None) if isinstance(raw, str) else (None, t("scorecard.reason.text", language))
        for value, label in self.options:
            labels = set(label.values()) if isinstance(label, dict) else {label}
            if raw == value or (self.kind == "float" and _number(raw) == value) or str(raw).strip() in labels:
                return (float(value) if self.kind == "float" else value), None
        options = "、".join(self.option_label(v, language) for v, _ in self.options)
        return None, t("scorecard.reason.option", language, options=options)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _number(raw: Any) -> float | None:
    if _is_number(raw):
        return float(raw)
    try:
        return float(Decimal(str(raw).strip()))
    except (InvalidOperation, ValueError):
        return None


def missing(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass(frozen=True)
class Card:
    """A validated scorecard version, ready to check answers and grade them."""

    name: str
    version: int
    definition: dict[str, Any]
    fields: tuple[CardField, ...]
    grades: tuple[tuple[str, Node], ...]
    default_grade: str
    promote_grades: tuple[str, ...] = ("A",)
    pool: str = DEFAULT_POOL
    _predicates: list = field(default_factory=list, compare=False, repr=False)

    def field(self, name: str) -> CardField:
        return next(f for f in self.fields if f.name == name)

    def title(self, language: str = "zh-CN") -> str:
        return _label(self.definition.get("title"), language) or self.name

    def grade(self, answers: dict[str, Any]) -> str:
        """The first grade whose rule holds for ``answers`` (normalised values), else the default grade."""
        if not self._predicates:
            fs = field_set({f.name: FieldInfo(f.name, f.kind) for f in self.fields})
            self._predicates.extend((g, to_predicate(node, fs)) for g, node in self.grades)
        for grade, predicate in self._predicates:
            if predicate(answers):
                return grade
        return self.default_grade


def compile_card(name: str, version: int, definition: Any) -> Card:
    """Validate ``definition`` and build a :class:`Card`; raise RuleError listing every problem."""
    from ..schema import table_spec

    problems: list[str] = []
    if not isinstance(definition, dict):
        raise RuleError(["definition: expected an object with fields and grades"], f"scorecard {name}")
    lead_columns = {c.name: c for c in table_spec("leads").columns}
    lead_columns.update({k: v for k, v in field_set("leads").fields.items() if k not in lead_columns})
    fields: list[CardField] = []
    raw_fields = definition.get("fields")
    if not isinstance(raw_fields, list) or not raw_fields:
        problems.append("fields: expected a non-empty list")
        raw_fields = []
    for i, raw in enumerate(raw_fields):
        where = f"fields[{i}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not raw["name"].isidentifier():
            problems.append(f"{where}.name: expected an identifier")
            continue
        if raw.get("type") not in FIELD_TYPES:
            problems.append(f"{where}.type: expected one of {', '.join(FIELD_TYPES)}")
            continue
        options: list[tuple[Any, Any]] = []
        if raw["type"] == "dropdown":
            items = raw.get("options")
            if not isinstance(items, list) or not items:
                problems.append(f"{where}.options: a dropdown needs a list of options")
            else:
                for item in items:
                    value, label = (item.get("value"), item.get("label", item.get("value"))) if isinstance(item, dict) \
                        else (item, item)
                    if not (_is_number(value) or isinstance(value, str)):
                        problems.append(f"{where}.options: {value!r} is not a number or text")
                    options.append((value, label))
                kinds = {_is_number(v) for v, _ in options}
                if len(kinds) > 1:
                    problems.append(f"{where}.options: mix of numbers and text")
        card_field = CardField(raw["name"], raw["type"], bool(raw.get("required", False)),
                               raw.get("label") or raw["name"], raw.get("column"), tuple(options))
        if card_field.column is not None:
            column = lead_columns.get(card_field.column)
            allowed = COLUMN_KINDS.get(card_field.type, ("float", "int") if card_field.kind == "float" else ("str",))
            if column is None:
                problems.append(f"{where}.column: leads has no column {card_field.column!r}")
            elif column.kind not in allowed:
                problems.append(f"{where}.column: leads.{card_field.column} holds {column.kind}, "
                                f"not answers of a {card_field.type} field")
            elif getattr(column, "enum", None) and card_field.kind == "str":
                bad = [v for v, _ in options if v not in column.enum]
                if bad:
                    problems.append(f"{where}.options: {bad} are not allowed in leads.{card_field.column} "
                                    f"({', '.join(column.enum)})")
        if any(f.name == card_field.name for f in fields):
            problems.append(f"{where}.name: {card_field.name} appears twice")
        fields.append(card_field)
    kinds = {f.name: FieldInfo(f.name, f.kind) for f in fields}
    grades: list[tuple[str, Node]] = []
    for i, raw in enumerate(definition.get("grades") or []):
        where = f"grades[{i}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("grade"), str) or not 0 < len(raw["grade"]) <= 8:
            problems.append(f"{where}.grade: expected a short grade name such as A")
            continue
        try:
            grades.append((raw["grade"], parse_rule(raw.get("rule"), kinds)))
        except RuleError as exc:
            problems.extend(p.replace("rule", f"{where}.rule", 1) for p in exc.problems)
    default = definition.get("default_grade")
    if not isinstance(default, str) or not 0 < len(default) <= 8:
        problems.append("default_grade: expected the grade given when no rule holds (e.g. C)")
    if problems:
        raise RuleError(problems, f"scorecard {name}")
    return Card(name, version, definition, tuple(fields), tuple(grades), default,
                tuple(definition.get("promote_grades", ["A"])), definition.get("pool") or DEFAULT_POOL)
