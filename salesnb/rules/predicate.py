"""Compile a rule to a Python predicate on one record (a mapping of field → value).

NULL semantics shared by all three compilers: a comparison with a missing value
(None, NaN, NaT) is false — ``ne`` and ``not_in`` included; ``is_empty`` is true
for a missing value and for text of spaces only; ``not`` negates that two-valued
result.  Time arithmetic is exact, in integer microseconds since 1970 UTC.
"""

from __future__ import annotations

import operator
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any


from .fields import FieldSet, field_set
from .nodes import All, AnyOf, AsOf, AtLeast, Compare, Exists, FieldRef, Literal, Node, Not, Offset, Test, epoch_us
from .parse import coerce_value, parse_rule

Related = Mapping[str, Iterable[Mapping[str, Any]]]
Predicate = Callable[[Mapping[str, Any]], bool]

OPS: dict[str, Callable[[Any, Any], Any]] = {
    "eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "le": operator.le, "gt": operator.gt, "ge": operator.ge,
}


def to_predicate(rule: Any, table: Any, as_of: datetime | None = None, related: Related | None = None) -> Predicate:
    """Return ``f(record) -> bool`` for ``rule`` (JSON or parsed) over the fields of ``table``.

    ``related`` maps table names to their rows, for ``exists`` / ``not_exists``
    (indexed once, on first use).
    """
    fs = field_set(table)
    node = rule if not isinstance(rule, (dict, list)) else parse_rule(rule, fs)
    return _Compiler(as_of, related or {}).compile(node, fs)


def missing(value: Any) -> bool:
    """True for None, NaN, NaT and pandas NA (without importing pandas: a record need not come from a frame)."""
    if value is None or isinstance(value, (str, bytes, tuple, list, dict)):
        return value is None
    try:
        return bool(value != value)  # NaN and NaT are the values unequal to themselves
    except TypeError:  # pandas NA: its comparisons are NA, which has no truth value
        return type(value).__name__ == "NAType"


def _get(record: Mapping[str, Any], name: str, kind: str) -> Any:
    value = record.get(name)
    return None if missing(value) else coerce_value(value, kind)


class _Compiler:
    def __init__(self, as_of: datetime | None, related: Related):
        self.as_of_us = None if as_of is None else epoch_us(coerce_value(as_of, "datetime"))
        self.related = related
        self._indexes: dict[tuple[str, tuple[str, ...]], dict[tuple, list[Mapping[str, Any]]]] = {}

    def compile(self, node: Node, fs: FieldSet) -> Predicate:
        if isinstance(node, All):
            parts = [self.compile(n, fs) for n in node.items]
            return lambda r: all(p(r) for p in parts)
        if isinstance(node, AnyOf):
            parts = [self.compile(n, fs) for n in node.items]
            return lambda r: any(p(r) for p in parts)
        if isinstance(node, Not):
            inner = self.compile(node.item, fs)
            return lambda r: not inner(r)
        if isinstance(node, AtLeast):
            parts, k = [self.compile(n, fs) for n in node.items], node.k
            return lambda r: sum(1 for p in parts if p(r)) >= k
        if isinstance(node, Test):
            return _test(node)
        if isinstance(node, Compare):
            return self._compare(node, fs)
        if isinstance(node, Exists):
            return self._exists(node, fs)
        raise TypeError(f"not a rule node: {node!r}")

    # ------------------------------------------------------------ comparisons
    def _offset_us(self, offset: Offset | None, record: Mapping[str, Any]) -> int | None:
        if offset is None:
            return 0
        total = offset.micros
        for name, unit in offset.terms:
            amount = _get(record, name, "int")
            if amount is None:
                return None
            total += int(amount) * unit
        return total

    def _compare(self, node: Compare, fs: FieldSet) -> Predicate:
        name, kind, operand = node.field, node.kind, node.operand
        if kind == "datetime":
            return self._compare_time(node, fs)
        if node.op in ("in", "not_in"):
            values, negate = frozenset(operand.value), node.op == "not_in"
            return lambda r: (v := _get(r, name, kind)) is not None and ((v in values) != negate)
        if isinstance(operand, Literal):
            other = lambda r, value=operand.value: value  # noqa: E731
        else:
            other_kind = fs.get(operand.name).kind
            other = lambda r, n=operand.name, k=other_kind: _get(r, n, k)  # noqa: E731
        fn = _text_op(node.op) or OPS[node.op]

        def predicate(record: Mapping[str, Any]) -> bool:
            left = _get(record, name, kind)
            if left is None:
                return False
            right = other(record)
            return right is not None and bool(fn(left, right))

        return predicate

    def _compare_time(self, node: Compare, fs: FieldSet) -> Predicate:
        name, operand, fn = node.field, node.operand, OPS[node.op]
        if isinstance(operand, AsOf) and self.as_of_us is None:
            raise ValueError("this rule compares with as_of: pass as_of")

        def predicate(record: Mapping[str, Any]) -> bool:
            left = _get(record, name, "datetime")
            if left is None:
                return False
            if isinstance(operand, Literal):
                right = epoch_us(operand.value)
            else:
                if isinstance(operand, AsOf):
                    base = self.as_of_us
                else:
                    value = _get(record, operand.name, "datetime")
                    if value is None:
                        return False
                    base = epoch_us(value)
                shift = self._offset_us(operand.offset, record)
                if shift is None:
                    return False
                right = base + shift
            return bool(fn(epoch_us(left), right))

        return predicate

    # ------------------------------------------------------------ related rows
    def _index(self, table: str, columns: tuple[str, ...], kinds: tuple[str, ...]) -> dict[tuple, list]:
        key = (table, columns)
        if key not in self._indexes:
            if table not in self.related:
                raise ValueError(f"this rule looks at related {table} rows: pass related={{'{table}': rows}}")
            index: dict[tuple, list] = defaultdict(list)
            for row in self.related[table]:
                values = tuple(_get(row, c, k) for c, k in zip(columns, kinds))
                if None not in values:
                    index[values].append(row)
            self._indexes[key] = dict(index)
        return self._indexes[key]

    def _exists(self, node: Exists, fs: FieldSet) -> Predicate:
        rel = field_set(node.table)
        rel_cols = tuple(r for r, _ in node.on)
        rel_kinds = tuple(rel.get(r).kind for r in rel_cols)
        outer = tuple((o, fs.get(o).kind) for _, o in node.on)
        where = self.compile(node.where, rel) if node.where is not None else (lambda r: True)
        within = node.within

        def in_time(row: Mapping[str, Any], record: Mapping[str, Any]) -> bool:
            if within is None:
                return True
            at, start = _get(row, within.field, "datetime"), _get(record, within.outer, "datetime")
            shift = self._offset_us(within.offset, record)
            return None not in (at, start, shift) and epoch_us(at) <= epoch_us(start) + shift

        def predicate(record: Mapping[str, Any]) -> bool:
            key = tuple(_get(record, o, k) for o, k in outer)
            found = None not in key and any(
                where(row) and in_time(row, record) for row in self._index(node.table, rel_cols, rel_kinds).get(key, ()))
            return found != node.negate

        return predicate


def _text_op(op: str) -> Callable[[str, str], bool] | None:
    if op == "contains":
        return lambda a, b: b in a
    if op == "starts_with":
        return lambda a, b: a.startswith(b)
    return None


def _is_empty(value: Any) -> bool:
    return missing(value) or (isinstance(value, str) and value.strip(" ") == "")


def _test(node: Test) -> Predicate:
    name = node.field
    return {
        "is_null": lambda r: missing(r.get(name)),
        "not_null": lambda r: not missing(r.get(name)),
        "is_empty": lambda r: _is_empty(r.get(name)),
        "not_empty": lambda r: not _is_empty(r.get(name)),
    }[node.op]


__all__ = ["to_predicate", "missing", "Predicate", "Related"]
