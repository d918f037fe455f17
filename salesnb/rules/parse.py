"""Parse and validate the JSON form of a rule into :mod:`salesnb.rules.nodes`.

The JSON form (all keys and values are data, never code)::

    {"all": [rule, ...]}            every rule holds (an empty list holds)
    {"any": [rule, ...]}            at least one holds (an empty list does not)
    {"not": rule}
    {"at_least": k, "of": [rule, ...]}
    {"field": "status", "op": "eq", "value": "accepted"}
    {"field": "accepted_at", "op": "le", "value": {"as_of": true, "offset": {"hours": -48}}}
    {"field": "first_response_at", "op": "le", "value": {"field": "created_at", "offset": {"hours": 4}}}
    {"diff": ["first_response_at", "created_at"], "op": "le", "value": {"hours": 4}}
    {"field": "due_at", "op": "lt", "value": {"as_of": true, "offset": {"days": {"field": "terms_days", "negate": true}}}}
    {"field": "tracking_no", "op": "is_empty"}
    {"not_exists": {"table": "orders", "on": {"quote_id": "quote_id"}}}
    {"exists": {"table": "shipments", "on": {"order_id": "order_id"},
                "where": {"field": "tracking_no", "op": "not_empty"}}}
    {"not_exists": {"table": "orders", "on": {"quote_id": "quote_id"},
                    "within": {"field": "created_at", "of": "accepted_at", "offset": {"hours": 48}}}}

Operators: eq ne lt le gt ge in not_in contains starts_with (with ``value``) and
is_null not_null is_empty not_empty (without).  Offsets are durations in
days / hours / minutes / seconds (1 day = 24 h); an amount is a number or an
int field of the same record.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from ..errors import MAX_MESSAGE_CHARS, SalesnbError, shorten
from ..i18n import register, t
from ..timeutil import parse_timestamp
from .fields import NUMERIC_KINDS, ORDERED_KINDS, FieldInfo, FieldSet, canonical_tables, field_set, stored_fields
from .nodes import MICROS, All, AnyOf, AsOf, AtLeast, Compare, Exists, FieldRef, Literal, Node, Not, Offset, Test, Within

BINARY_OPS = ("eq", "ne", "lt", "le", "gt", "ge", "in", "not_in", "contains", "starts_with")
UNARY_OPS = ("is_null", "not_null", "is_empty", "not_empty")
OP_ALIASES = {"=": "eq", "==": "eq", "!=": "ne", "<>": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge"}
ORDER_OPS = ("lt", "le", "gt", "ge")
MAX_OFFSET_US = 36_500 * MICROS["days"]
MAX_DEPTH = 32  # levels of objects and lists in a rule: far beyond any rule a person writes
MAX_SIZE = 20_000  # objects, lists and values in a rule (an ``in`` list of a few thousand ids fits)

register({
    "zh-CN": {
        "rules.invalid": "规则 {name} 无效：",
        "rules.store.kind": "未知的规则类型 {kind}；可用类型：{known}",
        "rules.store.name": "规则名 {name}：只能使用字母、数字和 _",
        "rules.store.unknown": "没有已保存的规则 {name}",
        "rules.store.unknown_version": "没有已保存的规则 {name} 的第 {version} 版",
        "rules.too_deep": "rule: 嵌套超过 {depth} 层，请拆成几条更简单的规则",
        "rules.too_large": "rule: 规则过大（超过 {size:,} 个组成部分），请拆分规则或改用已保存的筛选",
        "rules.file_too_deep": "{path}: 嵌套层数过多，无法读取（规则最多嵌套 {depth} 层）",
    },
    "en": {
        "rules.invalid": "invalid {name}:",
        "rules.store.kind": "unknown rule kind {kind}; known: {known}",
        "rules.store.name": "rule name {name}: use letters, digits and _ only",
        "rules.store.unknown": "no stored rule {name}",
        "rules.store.unknown_version": "no stored rule {name} version {version}",
        "rules.too_deep": "rule: nested more than {depth} levels deep; split it into simpler rules",
        "rules.too_large": "rule: too large (more than {size:,} parts); split it or use a stored filter",
        "rules.file_too_deep": "{path}: nested too deeply to read (a rule is nested at most {depth} levels)",
    },
})

# Which operators make sense for which kind of field.
OPS_BY_KIND = {
    "str": ("eq", "ne", "in", "not_in", "contains", "starts_with", "is_null", "not_null", "is_empty", "not_empty"),
    "bool": ("eq", "ne", "is_null", "not_null"),
    "int": ("eq", "ne", "lt", "le", "gt", "ge", "in", "not_in", "is_null", "not_null"),
    "float": ("eq", "ne", "lt", "le", "gt", "ge", "in", "not_in", "is_null", "not_null"),
    "decimal": ("eq", "ne", "lt", "le", "gt", "ge", "in", "not_in", "is_null", "not_null"),
    "datetime": ("eq", "ne", "lt", "le", "gt", "ge", "is_null", "not_null"),
    "date": ("eq", "ne", "lt", "le", "gt", "ge", "in", "not_in", "is_null", "not_null"),
}


class RuleError(SalesnbError):
    """A rule that does not validate; ``problems`` lists ``path: message`` strings."""

    def __init__(self, problems: list[str], name: str = "rule"):
        self.problems = problems
        super().__init__("rules.invalid", name=name)

    @classmethod
    def keyed(cls, key: str, /, **params: Any) -> RuleError:
        """A rule error that is one message (an unknown rule, a bad name) rather than a list of problems."""
        error = cls([])
        SalesnbError.__init__(error, key, **params)
        return error

    def render(self, language: str | None = None) -> str:
        if self.key != "rules.invalid":
            return super().render(language)
        lines = [t("rules.invalid", language, name=shorten(str(self.params["name"]))),
                 *(f"  {p}" for p in self.problems)]
        return shorten("\n".join(lines), MAX_MESSAGE_CHARS)


def parse_rule(rule: Any, fields: str | FieldSet | Mapping[str, Any], *, name: str = "rule") -> Node:
    """Validate ``rule`` against the fields of a table (or ``{field: kind}``) and return its nodes.

    Raises :class:`RuleError` listing every problem, each with the path of the
    offending part (``rule.all[1].value``).
    """
    check_shape(rule, name)
    parser = _Parser()
    node = parser.node(rule, field_set(fields), "rule")
    if parser.problems or node is None:
        raise RuleError(parser.problems or ["rule: empty"], name)
    return node


def check_shape(value: Any, name: str = "rule") -> None:
    """Raise :class:`RuleError` when ``value`` nests deeper than :data:`MAX_DEPTH` or holds more than
    :data:`MAX_SIZE` parts (walked without recursion, so any depth is measured safely)."""
    stack, size = [(value, 1)], 0
    while stack:
        item, depth = stack.pop()
        size += 1
        if depth > MAX_DEPTH and isinstance(item, (dict, list, tuple)):
            raise RuleError([t("rules.too_deep", depth=MAX_DEPTH)], name)
        if size > MAX_SIZE:
            raise RuleError([t("rules.too_large", size=MAX_SIZE)], name)
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend((v, depth + 1) for v in item)


def validate_rule(rule: Any, fields: str | FieldSet | Mapping[str, Any], *, name: str = "rule") -> None:
    """Raise :class:`RuleError` if ``rule`` is not valid for ``fields``; return None otherwise."""
    parse_rule(rule, fields, name=name)


def _type_name(value: Any) -> str:
    return "null" if value is None else type(value).__name__


class _Parser:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    # ------------------------------------------------------------ structure
    def node(self, rule: Any, fs: FieldSet, path: str) -> Node | None:
        if not isinstance(rule, dict):
            self.fail(path, f"expected an object like {{\"field\": ..., \"op\": ..., \"value\": ...}}, got {_type_name(rule)}")
            return None
        for key, handler in (("all", self._all), ("any", self._any), ("not", self._not), ("at_least", self._at_least),
                             ("exists", self._exists), ("not_exists", self._exists), ("diff", self._diff),
                             ("field", self._compare)):
            if key in rule:
                return handler(rule, fs, path)
        self.fail(path, "expected one of the keys all, any, not, at_least, exists, not_exists, field, diff; "
                        f"got {', '.join(map(str, rule)) or 'nothing'}")
        return None

    def _keys(self, rule: dict, allowed: set[str], path: str) -> None:
        extra = sorted(set(rule) - allowed)
        if extra:
            self.fail(path, f"unexpected key(s) {', '.join(extra)} (allowed: {', '.join(sorted(allowed))})")

    def _items(self, items: Any, fs: FieldSet, path: str) -> tuple[Node, ...]:
        if not isinstance(items, list):
            self.fail(path, f"expected a list of rules, got {_type_name(items)}")
            return ()
        parsed = [self.node(item, fs, f"{path}[{i}]") for i, item in enumerate(items)]
        return tuple(n for n in parsed if n is not None)

    def _all(self, rule: dict, fs: FieldSet, path: str) -> Node:
        self._keys(rule, {"all"}, path)
        return All(self._items(rule["all"], fs, f"{path}.all"))

    def _any(self, rule: dict, fs: FieldSet, path: str) -> Node:
        self._keys(rule, {"any"}, path)
        return AnyOf(self._items(rule["any"], fs, f"{path}.any"))

    def _not(self, rule: dict, fs: FieldSet, path: str) -> Node | None:
        self._keys(rule, {"not"}, path)
        item = self.node(rule["not"], fs, f"{path}.not")
        return None if item is None else Not(item)

    def _at_least(self, rule: dict, fs: FieldSet, path: str) -> Node | None:
        self._keys(rule, {"at_least", "of"}, path)
        k = rule["at_least"]
        if isinstance(k, bool) or not isinstance(k, int) or k < 0:
            self.fail(f"{path}.at_least", f"expected a whole number ≥ 0, got {k!r}")
            return None
        if "of" not in rule:
            self.fail(path, "at_least needs \"of\": [rules]")
            return None
        return AtLeast(k, self._items(rule["of"], fs, f"{path}.of"))

    def _exists(self, rule: dict, fs: FieldSet, path: str) -> Node | None:
        key = "exists" if "exists" in rule else "not_exists"
        self._keys(rule, {key}, path)
        spec, path = rule[key], f"{path}.{key}"
        if not isinstance(spec, dict):
            self.fail(path, f"expected {{\"table\": ..., \"on\": {{related_field: field}}}}, got {_type_name(spec)}")
            return None
        self._keys(spec, {"table", "on", "where", "within"}, path)
        table = spec.get("table")
        if table not in canonical_tables():
            self.fail(f"{path}.table", f"unknown table {table!r}; known: {', '.join(canonical_tables())}")
            return None
        related = stored_fields(field_set(table))
        on = spec.get("on")
        pairs: list[tuple[str, str]] = []
        if not isinstance(on, dict) or not on:
            self.fail(f"{path}.on", "expected a non-empty object {related_field: field}")
        else:
            for rel_name, outer_name in on.items():
                rel, outer = related.get(rel_name), fs.get(str(outer_name))
                if rel is None:
                    self.fail(f"{path}.on", f"unknown field {rel_name!r} in {table}")
                elif outer is None:
                    self.fail(f"{path}.on", f"unknown field {outer_name!r} in {fs.name}")
                elif not _comparable(rel.kind, outer.kind):
                    self.fail(f"{path}.on", f"{table}.{rel_name} ({rel.kind}) cannot be matched with {outer_name} ({outer.kind})")
                else:
                    pairs.append((rel_name, outer_name))
        where = None
        if spec.get("where") is not None:
            where = self.node(spec["where"], related, f"{path}.where")
        within = None
        if spec.get("within") is not None:
            within = self._within(spec["within"], related, fs, f"{path}.within")
            if within is None:
                return None
        return Exists(table, tuple(pairs), where, negate=key == "not_exists", within=within)

    def _within(self, spec: Any, related: FieldSet, fs: FieldSet, path: str) -> Within | None:
        """``{"field": related datetime, "of": own datetime, "offset": duration}``."""
        if not isinstance(spec, dict):
            self.fail(path, 'expected {"field": related_field, "of": field, "offset": {"hours": 48}}')
            return None
        self._keys(spec, {"field", "of", "offset"}, path)
        rel = self._field(spec.get("field"), related, f"{path}.field")
        own = self._field(spec.get("of"), fs, f"{path}.of")
        for info, where in ((rel, "field"), (own, "of")):
            if info is not None and info.kind != "datetime":
                self.fail(f"{path}.{where}", f"within needs datetime fields; {info.name} is {info.kind}")
                return None
        offset = self._offset(spec.get("offset"), fs, f"{path}.offset")
        if rel is None or own is None or offset is None:
            return None
        return Within(rel.name, own.name, offset)

    # ------------------------------------------------------------ comparisons
    def _op(self, rule: dict, path: str) -> str | None:
        op = rule.get("op")
        op = OP_ALIASES.get(op, op) if isinstance(op, str) else op
        if op not in BINARY_OPS + UNARY_OPS:
            self.fail(f"{path}.op", f"unknown operator {op!r}; known: {', '.join(BINARY_OPS + UNARY_OPS)}")
            return None
        return op

    def _field(self, name: Any, fs: FieldSet, path: str) -> FieldInfo | None:
        info = fs.get(name) if isinstance(name, str) else None
        if info is None:
            self.fail(path, f"unknown field {name!r} in {fs.name}; known: {', '.join(fs.fields)}")
        return info

    def _compare(self, rule: dict, fs: FieldSet, path: str) -> Node | None:
        self._keys(rule, {"field", "op", "value"}, path)
        info = self._field(rule["field"], fs, f"{path}.field")
        op = self._op(rule, path)
        if info is None or op is None:
            return None
        if op not in OPS_BY_KIND[info.kind]:
            self.fail(f"{path}.op", f"operator {op} is not possible for {info.name} ({info.kind}); "
                                    f"use one of {', '.join(OPS_BY_KIND[info.kind])}")
            return None
        if op in UNARY_OPS:
            if "value" in rule:
                self.fail(f"{path}.value", f"operator {op} takes no value")
            return Test(info.name, op, info.kind)
        if "value" not in rule:
            self.fail(path, f"operator {op} needs a value")
            return None
        operand = self._operand(rule["value"], info, op, fs, f"{path}.value")
        return None if operand is None else Compare(info.name, op, operand, info.kind)

    def _diff(self, rule: dict, fs: FieldSet, path: str) -> Node | None:
        """``{"diff": [a, b], "op": op, "value": duration}`` means ``a - b op duration``."""
        self._keys(rule, {"diff", "op", "value"}, path)
        pair = rule["diff"]
        if not (isinstance(pair, list) and len(pair) == 2):
            self.fail(f"{path}.diff", "expected two datetime fields [a, b] (meaning a − b)")
            return None
        infos = [self._field(name, fs, f"{path}.diff[{i}]") for i, name in enumerate(pair)]
        op = self._op(rule, path)
        if None in infos or op is None:
            return None
        a, b = infos
        if a.kind != "datetime" or b.kind != "datetime":
            self.fail(f"{path}.diff", f"diff needs two datetime fields, got {a.name} ({a.kind}) and {b.name} ({b.kind})")
            return None
        if op not in ("eq", "ne", *ORDER_OPS):
            self.fail(f"{path}.op", f"operator {op} is not possible for a time difference")
            return None
        offset = self._offset(rule.get("value"), fs, f"{path}.value")
        return None if offset is None else Compare(a.name, op, FieldRef(b.name, offset), "datetime")

    def _operand(self, value: Any, info: FieldInfo, op: str, fs: FieldSet, path: str):
        if op in ("in", "not_in"):
            if not isinstance(value, list):
                self.fail(path, f"operator {op} needs a list of values, got {_type_name(value)}")
                return None
            items = [self._literal(v, info, f"{path}[{i}]") for i, v in enumerate(value)]
            return None if any(i is None for i in items) else Literal(tuple(i.value for i in items))
        if isinstance(value, dict) and "field" in value:
            return self._field_operand(value, info, op, fs, path)
        if isinstance(value, dict) and "as_of" in value:
            self._keys(value, {"as_of", "offset"}, path)
            if value["as_of"] is not True:
                self.fail(f"{path}.as_of", "expected true")
                return None
            if info.kind != "datetime":
                self.fail(path, f"as_of can only be compared with a datetime field; {info.name} is {info.kind}")
                return None
            offset = self._offset(value["offset"], fs, f"{path}.offset") if "offset" in value else Offset()
            return None if offset is None else AsOf(offset)
        return self._literal(value, info, path, op)

    def _field_operand(self, value: dict, info: FieldInfo, op: str, fs: FieldSet, path: str):
        self._keys(value, {"field", "offset"}, path)
        other = self._field(value["field"], fs, f"{path}.field")
        if other is None:
            return None
        if not _comparable(info.kind, other.kind):
            self.fail(path, f"{info.name} ({info.kind}) cannot be compared with {other.name} ({other.kind})")
            return None
        if op in ("contains", "starts_with") and other.kind != "str":
            self.fail(path, f"operator {op} needs a text field")
            return None
        offset = None
        if "offset" in value:
            if info.kind != "datetime":
                self.fail(f"{path}.offset", f"offsets apply to datetime fields only; {info.name} is {info.kind}")
                return None
            offset = self._offset(value["offset"], fs, f"{path}.offset")
            if offset is None:
                return None
        return FieldRef(other.name, offset)

    def _offset(self, value: Any, fs: FieldSet, path: str) -> Offset | None:
        if not isinstance(value, dict) or not value:
            self.fail(path, 'expected a duration like {"hours": -48} (days, hours, minutes, seconds)')
            return None
        micros, terms, ok = 0, [], True
        for unit, amount in value.items():
            if unit not in MICROS:
                self.fail(path, f"unknown unit {unit!r}; use days, hours, minutes or seconds")
                ok = False
            elif isinstance(amount, dict):
                self._keys(amount, {"field", "negate"}, f"{path}.{unit}")
                ref = self._field(amount.get("field"), fs, f"{path}.{unit}.field")
                if ref is not None and ref.kind != "int":
                    self.fail(f"{path}.{unit}.field", f"a duration amount must be a whole-number field; {ref.name} is {ref.kind}")
                    ref = None
                if ref is None:
                    ok = False
                else:
                    sign = -1 if amount.get("negate") is True else 1
                    terms.append((ref.name, sign * MICROS[unit]))
            elif isinstance(amount, (int, float)) and not isinstance(amount, bool):
                micros += int(round(amount * MICROS[unit]))
            else:
                self.fail(f"{path}.{unit}", f"expected a number or {{\"field\": name}}, got {_type_name(amount)}")
                ok = False
        if ok and abs(micros) > MAX_OFFSET_US:
            self.fail(path, "offset larger than 100 years")
            ok = False
        return Offset(micros, tuple(terms)) if ok else None

    def _literal(self, value: Any, info: FieldInfo, path: str, op: str = "eq") -> Literal | None:
        if value is None:
            self.fail(path, f"null is not a value; use the operator is_null / not_null")
            return None
        if op in ("contains", "starts_with") and not isinstance(value, str):
            self.fail(path, f"operator {op} needs a text value, got {_type_name(value)}")
            return None
        try:
            typed = _coerce(value, info.kind)
        except (TypeError, ValueError, InvalidOperation) as exc:
            self.fail(path, f"{info.name} is {info.kind}: {exc}")
            return None
        if info.enum and op in ("eq", "ne", "in", "not_in") and typed not in info.enum:
            self.fail(path, f"{typed!r} is not an allowed value of {info.name} ({', '.join(info.enum)})")
            return None
        return Literal(typed)


def _comparable(a: str, b: str) -> bool:
    if a == b:
        return True
    return {a, b} in ({"int", "float"}, {"int", "decimal"})


def _coerce(value: Any, kind: str) -> Any:
    """A JSON literal as the Python value of ``kind`` (raises with a reason)."""
    if kind == "str":
        if not isinstance(value, str):
            raise TypeError(f"expected text, got {_type_name(value)} {value!r}")
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise TypeError(f"expected true or false, got {_type_name(value)} {value!r}")
        return value
    if isinstance(value, bool):
        raise TypeError(f"expected a {kind}, got a boolean")
    if kind == "int":
        if not isinstance(value, int):
            raise TypeError(f"expected a whole number, got {_type_name(value)} {value!r}")
        return value
    if kind == "float":
        if not isinstance(value, (int, float)):
            raise TypeError(f"expected a number, got {_type_name(value)} {value!r}")
        return float(value)
    if kind == "decimal":
        if not isinstance(value, (int, float, str)):
            raise TypeError(f"expected an amount, got {_type_name(value)} {value!r}")
        amount = Decimal(str(value))
        if not amount.is_finite() or amount.as_tuple().exponent < -2:
            raise ValueError(f"expected an amount with at most 2 decimals, got {value!r}")
        return amount
    if kind == "datetime":
        if not isinstance(value, str):
            raise TypeError(f"expected a timestamp like \"2026-03-01 09:00\", got {_type_name(value)} {value!r}")
        return parse_timestamp(value)
    if kind == "date":
        if not isinstance(value, str):
            raise TypeError(f"expected a date like \"2026-03-01\", got {_type_name(value)} {value!r}")
        return date.fromisoformat(value)
    raise ValueError(f"unknown kind {kind}")


def coerce_value(value: Any, kind: str) -> Any:
    """A record's value as the Python type of ``kind`` (None stays None); used by the predicate."""
    if value is None:
        return None
    if kind == "datetime":
        return parse_timestamp(value) if isinstance(value, (str, datetime)) else value
    if kind == "date":
        if isinstance(value, datetime):
            return value.date()
        return date.fromisoformat(value) if isinstance(value, str) else value
    if kind == "decimal" and not isinstance(value, Decimal):
        return Decimal(str(value))
    return value


__all__ = ["RuleError", "parse_rule", "validate_rule", "BINARY_OPS", "UNARY_OPS", "OPS_BY_KIND",
           "NUMERIC_KINDS", "ORDERED_KINDS", "coerce_value"]
